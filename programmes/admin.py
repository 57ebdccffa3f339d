from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from editorial.admin import (
    DraftChildrenFormSet,
    OneLineFieldsForm,
    ProtectedWhileInNewsMixin,
    PublishableAdmin,
    PublishableForm,
    WorkFilter,
)
from images.admin import IMAGE_FIELDSET, ImageChooserMixin
from programmes.models import Country, KeyFigure, Office, Programme, Signatory, ThematicArea
from programmes.views import CountryDetailView, OfficeDetailView, ProgrammeDetailView


def publishing_fieldset():
    return (
        _("Publishing"),
        {"fields": ["workflow_state", "publish_at", "expire_at", "withdrawal_reason"]},
    )


@admin.register(ThematicArea)
class ThematicAreaAdmin(ProtectedWhileInNewsMixin, PublishableAdmin, TranslationAdmin):
    list_display = ["name", "position", "slug", "public_state"]
    list_filter = ["status", WorkFilter]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sources"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "position"]}),
        publishing_fieldset(),
        (_("Links"), {"fields": ["sources"]}),
    ]


@admin.register(Country)
class CountryAdmin(ProtectedWhileInNewsMixin, PublishableAdmin, TranslationAdmin):
    list_display = ["name", "iso_code", "sub_region", "covered_by_roca", "public_state"]
    list_filter = ["status", WorkFilter, "sub_region", "covered_by_roca"]
    search_fields = ["name", "iso_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sources"]
    actions = ["publish", "unpublish"]
    preview_view_class = CountryDetailView
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "iso_code",
                    "sub_region",
                    "covered_by_roca",
                    "description",
                ]
            },
        ),
        publishing_fieldset(),
        (_("Links"), {"fields": ["sources"]}),
    ]


@admin.register(Office)
class OfficeAdmin(PublishableAdmin, TranslationAdmin):
    list_display = [
        "name",
        "kind",
        "city",
        "country",
        "year_established",
        "is_open",
        "public_state",
    ]
    list_filter = ["status", WorkFilter, "kind", "is_open", "country"]
    search_fields = ["name", "city", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    filter_horizontal = ["sources"]
    actions = ["publish", "unpublish"]
    preview_view_class = OfficeDetailView
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "city",
                    "country",
                    "year_established",
                    "is_open",
                    "description",
                ]
            },
        ),
        (
            _("Contact"),
            {
                "fields": [
                    "street_address",
                    "postal_address",
                    "phone",
                    "email",
                    "opening_hours",
                    "head_of_office",
                ],
                "description": _(
                    "Shown on the office’s page, in its map entry and in its data for search "
                    "engines, each as soon as it is filled in. The source documents give none."
                ),
            },
        ),
        publishing_fieldset(),
        (_("Links"), {"fields": ["sources"]}),
    ]


class SignatoryInline(admin.TabularInline):
    """The signatories of a live programme are part of its draft, like its other fields."""

    model = Signatory
    form = OneLineFieldsForm
    formset = DraftChildrenFormSet
    extra = 0
    autocomplete_fields = ["country"]


class ProgrammeForm(PublishableForm):
    pass


@admin.register(Programme)
class ProgrammeAdmin(
    ImageChooserMixin, ProtectedWhileInNewsMixin, PublishableAdmin, TranslationAdmin
):
    list_display = ["title", "start_year", "end_year", "phase_display", "public_state"]
    list_filter = ["status", WorkFilter, "thematic_areas", "countries", "start_year"]
    search_fields = ["title", "vision", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries", "thematic_areas"]
    filter_horizontal = ["sources"]
    inlines = [SignatoryInline]
    actions = ["publish", "unpublish"]
    form = ProgrammeForm
    preview_view_class = ProgrammeDetailView
    fieldsets = [
        (None, {"fields": ["title", "slug", "vision", "description"]}),
        (
            _("Publishing"),
            {"fields": ["workflow_state", "publish_at", "expire_at", "withdrawal_reason"]},
        ),
        (
            _("Dates and budget"),
            {
                "fields": [
                    "start_year",
                    "end_year",
                    "signed_on",
                    "launched_on",
                    "date_note",
                    "budget_usd",
                ]
            },
        ),
        IMAGE_FIELDSET,
        (_("Links"), {"fields": ["countries", "thematic_areas", "sources"]}),
    ]

    @admin.display(description=_("phase"))
    def phase_display(self, programme):
        return programme.get_phase_display()


@admin.register(KeyFigure)
class KeyFigureAdmin(PublishableAdmin, TranslationAdmin):
    list_display = ["label", "year", "amount_usd", "is_lower_bound", "source", "public_state"]
    list_filter = ["status", WorkFilter, "label"]
    search_fields = ["label", "quote"]
    autocomplete_fields = ["source"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["label", "year", "amount_usd", "is_lower_bound", "source", "quote"]}),
        publishing_fieldset(),
    ]
