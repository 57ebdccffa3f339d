from django.http import Http404
from django.views.generic import DetailView

from pages.menus import ABOUT
from pages.models import Page
from programmes.models import Office, ThematicArea


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
        page = (queryset or self.get_queryset()).at_public_path(self.kwargs["path"])
        if page is None:
            raise Http404
        return page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subpages"] = self.object.children.published()
        if self.object.parent_id is None and self.object.slug == ABOUT:
            # What the About page has listed since before it was a page.
            context["thematic_areas"] = ThematicArea.objects.published()
            context["offices"] = Office.objects.published().select_related("country")
        return context
