from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sources.importer import MAX_DOCUMENT_BYTES, DocumentError, import_news_draft
from sources.models import SourceDocument


class ImportDocumentForm(forms.Form):
    # Empty files are let through: the importer refuses them with its own message.
    document = forms.FileField(
        label=gettext_lazy("Document"),
        allow_empty_file=True,
        help_text=format_lazy(
            gettext_lazy(
                "A news text as plain text (UTF-8), a web page (.html) or a Word file (.docx), "
                "up to {limit} MB. The news item made from it is a draft, not public until it "
                "is published."
            ),
            limit=MAX_DOCUMENT_BYTES // (1024 * 1024),
        ),
    )


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "filename", "original_publisher", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["title", "text", "filename"]
    prepopulated_fields = {"slug": ["title"]}

    def get_readonly_fields(self, request, obj=None):
        # A document is evidence: once imported its text and file name stay as received.
        if obj:
            return ["filename", "text", "sha256", "imported_at"]
        return ["sha256", "imported_at"]

    def get_urls(self):
        import_url = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="sources_sourcedocument_import",
        )
        return [import_url, *super().get_urls()]

    def import_view(self, request):
        """Upload a document and land on the draft news item made from it."""
        if not request.user.has_perm("news.add_newsitem"):
            raise PermissionDenied
        form = ImportDocumentForm()
        if request.method == "POST":
            form = ImportDocumentForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["document"]
                try:
                    # One byte over the limit is enough for the importer to refuse the file.
                    item, suggestions = import_news_draft(
                        upload.read(MAX_DOCUMENT_BYTES + 1), upload.name, user=request.user
                    )
                except DocumentError as error:
                    form.add_error("document", error)
                else:
                    self.message_user(request, imported_message(upload.name, item, suggestions))
                    return redirect("admin:news_newsitem_change", item.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import a document as a draft news item"),
            "form": form,
        }
        return TemplateResponse(request, "admin/sources/import_form.html", context)


def imported_message(filename, item, suggestions):
    def names(objects):
        return ", ".join(str(obj) for obj in objects) or _("none found")

    message = _(
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
        message += " " + _("The document states no date: add one if you know it.")
    return message
