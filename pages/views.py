from django.http import Http404
from django.views.generic import DetailView

from pages.models import MAX_DEPTH, Page


class PageDetailView(DetailView):
    """A page at the address its place in the tree gives: each page on the way must be at its
    address too (a page under an unpublished one is not public)."""

    model = Page

    def get_queryset(self):
        return (
            Page.objects.at_their_address()
            .with_ancestors()
            .select_related("image")
            .prefetch_related("sources")
        )

    def get_object(self, queryset=None):
        slugs = self.kwargs["path"].split("/")
        if len(slugs) > MAX_DEPTH:
            raise Http404
        for page in (queryset or self.get_queryset()).filter(slug=slugs[-1]):
            ancestors = page.ancestors()
            if [p.slug for p in ancestors] == slugs[:-1] and all(
                p.is_at_its_address for p in ancestors
            ):
                return page
        raise Http404

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subpages"] = self.object.children.published()
        return context
