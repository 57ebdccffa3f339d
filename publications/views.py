from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView

from editorial.addresses import GoneWhenExpiredMixin, gone_page
from publications.filters import PublicationFilter
from publications.models import LANGUAGES, Publication, PublicationFile
from publications.storage import private_storage

# Querysets are built in get_queryset, per request: published() compares with the time now.


class PublicationListView(FilterView):
    filterset_class = PublicationFilter
    paginate_by = settings.NEWS_PER_PAGE
    paginator_class = Paginator
    template_name = "publications/publication_list.html"

    def get_queryset(self):
        return Publication.objects.published().for_listing()

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class PublicationDetailView(GoneWhenExpiredMixin, DetailView):
    def get_queryset(self):
        return Publication.objects.at_their_address().for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        files = self.object.files()
        context["files"] = files
        context["cover_file"] = next((f for f in files if f.cover), None)
        if any(not f.accessible for f in files):
            context["accessible_contact"] = self.object.accessible_format_contact()
        return context


def download(request, slug, language):
    """The live row's file in that language, as an attachment: a draft's new file, an
    unpublished publication's or a withdrawn one's (410), never."""
    publication = get_object_or_404(Publication.objects.at_their_address(), slug=slug)
    if publication.status == Publication.Status.WITHDRAWN:
        return gone_page(request)
    details = live_file(publication, language)
    response = FileResponse(
        private_storage().open(details.name),
        as_attachment=True,
        filename=f"{publication.slug}-{language}.{details.format}",
        content_type=details.content_type,
    )
    return locked_down(response)


def cover(request, slug, language):
    """The picture of the live PDF's first page, under the same rule."""
    publication = get_object_or_404(Publication.objects.at_their_address(), slug=slug)
    if publication.status == Publication.Status.WITHDRAWN:
        return gone_page(request)
    details = live_file(publication, language)
    if not details.cover:
        raise Http404
    response = FileResponse(private_storage().open(details.cover.name), content_type="image/jpeg")
    return locked_down(response)


def live_file(publication, language):
    if language not in LANGUAGES:
        raise Http404
    name = publication.stored_file(language).name
    details = PublicationFile.objects.filter(name=name).first() if name else None
    if details is None:
        raise Http404
    return details


def locked_down(response):
    # Whatever the file holds, a browser neither guesses its type nor runs it as the site's page.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
