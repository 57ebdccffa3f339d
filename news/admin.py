from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from news.models import NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "status", "source", "updated_at"]
    list_filter = ["status", "countries", "thematic_areas", "programmes"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries", "programmes", "thematic_areas", "source"]
    readonly_fields = ["image_preview", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "status", "summary", "body"]}),
        (_("Image"), {"fields": ["image", "image_preview", "image_alt", "image_credit"]}),
        (_("Links"), {"fields": ["countries", "programmes", "thematic_areas"]}),
        (_("Provenance"), {"fields": ["source", "original_publisher", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("preview"))
    def image_preview(self, item):
        if not item.image:
            return _("No image yet.")
        return format_html(
            '<img src="{}" alt="{}" style="max-width:320px;height:auto">',
            item.image.url,
            item.image_alt,
        )

    @admin.action(description=_("Publish the selected news items"))
    def publish(self, request, queryset):
        missing_alt = queryset.exclude(image="").filter(image_alt="")
        if missing_alt.exists():
            self.message_user(
                request,
                _("Nothing was published: add alt text to the images of: %(titles)s.")
                % {"titles": ", ".join(item.title for item in missing_alt)},
                messages.ERROR,
            )
            return
        count = queryset.update(status=NewsItem.Status.PUBLISHED)
        self.message_user(
            request, ngettext("%d news item published.", "%d news items published.", count) % count
        )

    @admin.action(description=_("Unpublish the selected news items (back to draft)"))
    def unpublish(self, request, queryset):
        count = queryset.update(status=NewsItem.Status.DRAFT)
        self.message_user(
            request,
            ngettext("%d news item unpublished.", "%d news items unpublished.", count) % count,
        )
