from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from editorial.admin import PublishableAdmin, PublishableForm
from images.admin import IMAGE_FIELDSET, ImageAdminMixin
from images.forms import ImageUploadFormMixin
from news.models import NewsItem
from news.views import NewsDetailView


class NewsItemForm(ImageUploadFormMixin, PublishableForm):
    pass


@admin.register(NewsItem)
class NewsItemAdmin(ImageAdminMixin, PublishableAdmin, TranslationAdmin):
    list_display = ["title", "date", "public_state", "updated_at"]
    list_filter = ["status", "countries", "thematic_areas", "programmes"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries", "programmes", "thematic_areas", "source"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    form = NewsItemForm
    preview_view_class = NewsDetailView

    def lookup_allowed(self, lookup, value, request):
        # The stored search vectors serve the site search, not the list's filters (and on
        # SQLite, for development, they are not there to compare with).
        if lookup.startswith(("search_en", "search_ru")):
            return False
        return super().lookup_allowed(lookup, value, request)

    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "summary", "body"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "publish_at", "expire_at"],
                "description": _(
                    "Editors save drafts and choose “In review” when an item is ready; "
                    "a publisher then publishes it, now or at a set time."
                ),
            },
        ),
        IMAGE_FIELDSET,
        (_("Links"), {"fields": ["countries", "programmes", "thematic_areas"]}),
        (_("Provenance"), {"fields": ["source", "original_publisher", "created_at", "updated_at"]}),
    ]
