from django.contrib import admin
from django.contrib.admin import widgets
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from editorial.admin import PublishableAdmin, PublishableForm, WorkFilter
from images.admin import IMAGE_FIELDSET, ImageChooserMixin
from publications.models import LANGUAGES, Publication, PublicationFile
from publications.tasks import file_stored
from publications.validation import validate_publication_file
from publications.views import PublicationDetailView


class StoredFileInput(widgets.AdminFileWidget):
    """The admin's file input without the link to the file: publication files have no URL
    (publications/storage.py), and the field's details say what was read of it."""

    template_name = "publications/widgets/stored_file_input.html"

    def is_initial(self, value):
        return bool(value and getattr(value, "name", ""))


class PublicationForm(PublishableForm):
    class Meta:
        widgets = {"file_en": StoredFileInput, "file_ru": StoredFileInput}

    def clean_file_en(self):
        return self.checked_upload("file_en")

    def clean_file_ru(self):
        return self.checked_upload("file_ru")

    def checked_upload(self, name):
        value = self.cleaned_data.get(name)
        if isinstance(value, UploadedFile):  # a new file; a stored one was checked before
            value.checked_format = validate_publication_file(value)
        return value


@admin.register(Publication)
class PublicationAdmin(ImageChooserMixin, PublishableAdmin, TranslationAdmin):
    list_display = ["title", "date", "public_state", "has_english_file", "has_russian_file"]
    list_filter = ["status", WorkFilter, "countries", "thematic_areas", "programmes"]
    search_fields = ["title", "summary", "document_symbol", "isbn"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries", "programmes", "thematic_areas", "sources"]
    readonly_fields = ["english_file_details", "russian_file_details", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    form = PublicationForm
    preview_view_class = PublicationDetailView
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "summary", "body"]}),
        (
            _("Files"),
            {
                "fields": [
                    "file_en",
                    "file_en_accessible",
                    "english_file_details",
                    "file_ru",
                    "file_ru_accessible",
                    "russian_file_details",
                    "accessible_format_email",
                ],
                "description": _(
                    "One file per language. Each is checked when it is uploaded (a whole PDF "
                    "without password or scripts, or a Word or Excel file); its pages, text "
                    "and cover are read a moment after saving. A new file over a live "
                    "publication is part of the draft: the public gets the old one until the "
                    "draft is published."
                ),
            },
        ),
        (
            _("Publishing"),
            {"fields": ["workflow_state", "publish_at", "expire_at", "withdrawal_reason"]},
        ),
        IMAGE_FIELDSET,
        (_("Reference"), {"fields": ["document_symbol", "isbn"]}),
        (_("Links"), {"fields": ["countries", "programmes", "thematic_areas"]}),
        (_("Provenance"), {"fields": ["sources", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # A new upload is stored now, under its random name, so that a draft over a live
        # publication (which keeps the name, not the file) names a file that exists.
        for code in LANGUAGES:
            stored = obj.stored_file(code)
            if stored and not stored._committed:
                upload = stored.file
                stored.save(upload.name, upload, save=False)
                PublicationFile.objects.update_or_create(
                    name=stored.name,
                    defaults={"format": upload.checked_format, "size": upload.size},
                )
                file_stored(stored.name)
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description=_("English file"))
    def has_english_file(self, obj):
        return bool(obj.file_en)

    @admin.display(boolean=True, description=_("Russian file"))
    def has_russian_file(self, obj):
        return bool(obj.file_ru)

    @admin.display(description=_("English file: what was read"))
    def english_file_details(self, obj):
        return file_details(obj, "en")

    @admin.display(description=_("Russian file: what was read"))
    def russian_file_details(self, obj):
        return file_details(obj, "ru")


def file_details(obj, language):
    found = [f for f in obj.files() if f.language == language] if obj.pk else []
    if not found:
        return gettext("No file.")
    details = found[0]
    yes, no = gettext("yes"), gettext("not yet")
    rows = [
        (gettext("Format"), details.get_format_display()),
        (gettext("Size"), filesizeformat(details.size) if details.size is not None else "—"),
        (gettext("Pages"), details.pages if details.pages is not None else "—"),
        (gettext("Text extracted"), yes if details.read_at else no),
        (gettext("Cover"), yes if details.cover else "—"),
    ]
    return format_html_join(", ", "{}: {}", rows)
