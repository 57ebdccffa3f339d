import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from editorial.admin import PublishableAdmin, PublishableForm, WorkFilter
from images.admin import IMAGE_FIELDSET, ImageChooserMixin
from news.importer import MAX_DOCUMENT_BYTES, DocumentError, import_news_draft
from news.models import NewsItem
from news.views import NewsDetailView


class ImportDocumentForm(forms.Form):
    # Empty files are let through: the importer refuses them with its own message.
    document = forms.FileField(
        label=_("Document"),
        allow_empty_file=True,
        help_text=format_lazy(
            _(
                "A news text as plain text (UTF-8), a web page (.html) or a Word file (.docx), "
                "up to {limit} MB. A web page or Word file keeps its headings, lists, bold and "
                "italic, links and tables; a Word file’s pictures go to the media library. The "
                "news item made from it is a draft, not public until it is published."
            ),
            limit=MAX_DOCUMENT_BYTES // (1024 * 1024),
        ),
    )


class NewsItemForm(PublishableForm):
    pass


class YearFilter(admin.SimpleListFilter):
    """The news of one year (by their date). The years run from the first to the last date,
    two reads of the index: the admin's date hierarchy lists them with a DISTINCT over every
    row, 70 ms of each change list at 100,000 items (docs/deploy.md)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = NewsItem.objects.aggregate(first=Min("date"), last=Max("date"))
        if span["first"] is None:
            return []
        years = range(span["last"].year, span["first"].year - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if not (value.isdigit() and datetime.MINYEAR <= int(value) < datetime.MAXYEAR):
            return queryset  # not a year: the whole list, as for any unknown choice
        year = int(value)
        return queryset.filter(
            date__gte=datetime.date(year, 1, 1), date__lt=datetime.date(year + 1, 1, 1)
        )


@admin.register(NewsItem)
class NewsItemAdmin(ImageChooserMixin, PublishableAdmin, TranslationAdmin):
    list_display = ["title", "date", "public_state", "updated_at"]
    list_filter = [
        "status",
        WorkFilter,
        YearFilter,
        "countries",
        "thematic_areas",
        "programmes",
    ]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries", "programmes", "thematic_areas", "source"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    form = NewsItemForm
    preview_view_class = NewsDetailView
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "summary", "body"]}),
        (
            _("Publishing"),
            {
                "fields": ["workflow_state", "publish_at", "expire_at", "withdrawal_reason"],
                "description": _(
                    "Editors save drafts and submit them for review; a second person, a "
                    "publisher, approves and publishes them, now or at a set time. Changes to "
                    "something live are a draft until then: the public keeps seeing the live "
                    "version. A publisher may withdraw what is no longer current: it stays "
                    "online under the reason given, and leaves the lists, search and feeds."
                ),
            },
        ),
        IMAGE_FIELDSET,
        (_("Links"), {"fields": ["countries", "programmes", "thematic_areas"]}),
        (_("Provenance"), {"fields": ["source", "original_publisher", "created_at", "updated_at"]}),
    ]

    def get_changeform_initial_data(self, request):
        # A new item is usually today's news; the address may still give another date.
        return {"date": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def get_search_results(self, request, queryset, search_term):
        # The site's own full-text search, over the stored search vectors: the admin's default,
        # a LIKE over every title, summary and body, took 1.9 s at 100,000 items (docs/deploy.md).
        if not search_term.strip():
            return queryset, False
        matches = NewsItem.objects.search(search_term).values("pk")
        return queryset.filter(pk__in=matches), False

    def lookup_allowed(self, lookup, value, request):
        # The stored search vectors serve the site search, not the list's filters (and on
        # SQLite, for development, they are not there to compare with).
        if lookup.startswith(("search_en", "search_ru")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_urls(self):
        import_url = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="news_newsitem_import",
        )
        return [import_url, *super().get_urls()]

    def import_view(self, request):
        """Upload a document and land on the draft news item made from it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportDocumentForm()
        if request.method == "POST":
            form = ImportDocumentForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["document"]
                try:
                    # One byte over the limit is enough for the importer to refuse the file.
                    item, suggestions, report = import_news_draft(
                        upload.read(MAX_DOCUMENT_BYTES + 1), upload.name, user=request.user
                    )
                except DocumentError as error:
                    form.add_error("document", error)
                else:
                    self.message_user(request, imported_message(upload.name, item, suggestions))
                    # What the document had that the draft does not keep (a .docx, a web page).
                    for sentence in report:
                        self.message_user(request, sentence, messages.WARNING)
                    return redirect("admin:news_newsitem_change", item.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import a document as a draft news item"),
            "form": form,
        }
        return TemplateResponse(request, "admin/news/newsitem/import_form.html", context)


def imported_message(filename, item, suggestions):
    def names(objects):
        return ", ".join(str(obj) for obj in objects) or gettext("none found")

    message = gettext(
        "“%(file)s” is now the draft “%(title)s”. Check the title, date, summary and text "
        "against the document. Suggested links, found by name in the text: countries: "
        "%(countries)s; programmes: %(programmes)s; thematic areas: %(areas)s. Offices named "
        "(not linked, news items have no office field): %(offices)s."
    ) % {
        "file": filename,
        "title": item.title,
        "countries": names(suggestions.countries),
        "programmes": names(suggestions.programmes),
        "areas": names(suggestions.thematic_areas),
        "offices": names(suggestions.offices),
    }
    if item.date is None:
        message += " " + gettext("The document states no date: add one if you know it.")
    return message
