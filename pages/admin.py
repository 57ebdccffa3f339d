from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from editorial.admin import PublishableAdmin, PublishableForm, WorkFilter
from images.admin import IMAGE_FIELDSET, ImageChooserMixin
from pages.models import MenuItem, Page
from pages.views import PageDetailView


class PageForm(PublishableForm):
    pass


@admin.register(Page)
class PageAdmin(ImageChooserMixin, PublishableAdmin, TranslationAdmin):
    form = PageForm
    list_display = ["title", "parent", "position", "public_state"]
    list_filter = ["status", WorkFilter]
    list_select_related = ["parent__parent"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["sources"]
    actions = ["publish", "unpublish"]
    preview_view_class = PageDetailView
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "position", "summary", "body"]}),
        IMAGE_FIELDSET,
        (
            _("Publishing"),
            {"fields": ["workflow_state", "publish_at", "expire_at", "withdrawal_reason"]},
        ),
        (_("Links"), {"fields": ["sources"]}),
    ]


@admin.register(MenuItem)
class MenuItemAdmin(PublishableAdmin, TranslationAdmin):
    list_display = ["label", "menu", "position", "page", "url", "public_state"]
    list_filter = ["menu", "status", WorkFilter]
    list_select_related = ["page"]
    search_fields = ["label", "url"]
    autocomplete_fields = ["page"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["menu", "label", "position", "page", "url"]}),
        (
            _("Publishing"),
            {"fields": ["workflow_state", "publish_at", "expire_at", "withdrawal_reason"]},
        ),
    ]
