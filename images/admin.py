from pathlib import Path

from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from images.forms import ImageForm
from images.models import Image, Tag
from images.specs import thumbnail
from images.storage import ImageNotStored, store_original
from images.tasks import renditions_needed

# The admin fieldset of a model with HasImage.
IMAGE_FIELDSET = (gettext_lazy("Image"), {"fields": ["image"]})


def thumbnail_url(image):
    return thumbnail(image.file).url if image.has_renditions else image.file.url


class ImageChooserWidget(ForeignKeyRawIdWidget):
    """The chosen image as a thumbnail, with buttons to choose another from the library (its
    list, with thumbnails and search, in a pop-up), upload a new one there, or remove it."""

    template_name = "admin/widgets/image_chooser.html"

    class Media:
        js = ["admin/js/admin/RelatedObjectLookups.js", "images/image_chooser.js"]
        css = {"all": ["images/image_chooser.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["class"] = "vForeignKeyRawIdAdminField image-chooser-input"
        image = Image.objects.filter(pk=value).first() if str(value or "").isdigit() else None
        context.update(
            image=image,
            thumbnail_url=thumbnail_url(image) if image else "",
            add_url=reverse("admin:images_image_add") + "?_to_field=id&_popup=1",
            chosen_url=reverse("admin:images_image_chosen", args=[0]),
        )
        return context


class ImageChooserMixin:
    """For the admin of a model with HasImage: choose the image from the library."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "image":
            kwargs["widget"] = ImageChooserWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Image)
class ImageAdmin(TranslationAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "tag_list", "uploaded_at", "uploaded_by"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["tags", "is_decorative"]
    list_per_page = 30
    show_full_result_count = False
    search_fields = ["title"]  # searched by Image.objects.matching (get_search_results)
    search_help_text = gettext_lazy("Words from the title, the alt text or a tag.")
    autocomplete_fields = ["tags"]
    readonly_fields = ["preview", "used_in", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "title", "tags"]}),
        (
            gettext_lazy("What readers get"),
            {"fields": ["alt_text", "is_decorative", "caption", "credit"]},
        ),
        (
            gettext_lazy("Focal point"),
            {
                "fields": ["focal_x", "focal_y"],
                "description": gettext_lazy(
                    "Crops of the picture (thumbnails, the picture shown when a link is "
                    "shared) keep this point in view. Click the subject in the preview to set it."
                ),
            },
        ),
        (gettext_lazy("Use and origin"), {"fields": ["used_in", "uploaded_by", "uploaded_at"]}),
    ]

    class Media:
        js = ["images/focal_point.js"]
        css = {"all": ["images/image_chooser.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by").prefetch_related("tags")

    @admin.display(description=gettext_lazy("image"))
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="" width="80" height="80" loading="lazy" class="image-thumb">',
            thumbnail_url(image),
        )

    @admin.display(description=gettext_lazy("tags"))
    def tag_list(self, image):
        return ", ".join(tag.name for tag in image.tags.all())

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, image):
        if not image.pk or not image.file:
            return "—"
        return format_html(
            '<div class="focal-preview"><img src="{}" alt="" width="{}" height="{}">'
            '<span class="focal-marker"></span></div>',
            image.file.url,
            image.width or "",
            image.height or "",
        )

    @admin.display(description=gettext_lazy("used in"))
    def used_in(self, image):
        uses = image.usage() if image.pk else []
        if not uses:
            return _("Not used yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ([describe(*use)] for use in uses)),
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.matching(search_term), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.image_not_stored = getattr(request, "image_not_stored", False)
        return form

    def has_change_permission(self, request, obj=None):
        # An image on a live page is public content: an editor's change of it would be
        # public at once, with no review, so only publishers change it.
        if (
            obj is not None
            and not request.user.has_perm("images.change_image_in_use")
            and obj.is_used_by_something_public()
        ):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        image = self.get_object(request, object_id)
        if image is not None and not self.has_change_permission(request, image):
            messages.info(
                request,
                _("This image is shown on live pages: only a publisher can change it."),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        if not obj.title:
            obj.title = Path(form.cleaned_data["file"].name).stem.replace("-", " ")
        if "file" in form.changed_data:
            store_original(obj.file)
            scaled_from = getattr(form.cleaned_data["file"], "scaled_from", None)
            if scaled_from:
                messages.info(
                    request,
                    _(
                        "The photo was %(from)s pixels; it was scaled down to %(to)s "
                        "to be stored. Pages show it at up to 1,600 pixels across."
                    )
                    % {
                        "from": "{} × {}".format(*scaled_from),
                        "to": "{} × {}".format(*form.cleaned_data["file"].stored_size),
                    },
                )
        super().save_model(request, obj, form, change)
        if not obj.has_renditions:
            renditions_needed(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ImageNotStored:
            # Nothing was saved. The same request once more: this time the form is invalid.
            request.image_not_stored = True
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Drafts hold their image by its key in their content, which no foreign key protects.
        # Nor does any key protect an image shown in rich text.
        protected = list(protected) + [
            describe(item, where) for image in objs for item, where in image.usage() if where
        ]
        return deleted, model_count, perms_needed, protected

    def get_urls(self):
        chosen = path(
            "<int:pk>/chosen/",
            self.admin_site.admin_view(self.chosen_view),
            name="images_image_chosen",
        )
        picker = path(
            "picker/",
            self.admin_site.admin_view(self.picker_view),
            name="images_image_picker",
        )
        return [chosen, picker, *super().get_urls()]

    def picker_view(self, request):
        """The library in the rich-text editor's image dialog ("Browse…"): thumbnails and
        search; a click hands the image to the dialog."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        words = " ".join(request.GET.get("q", "").split())[:200]
        images = Image.objects.matching(words) if words else Image.objects.all()
        page = Paginator(images.order_by("-uploaded_at", "-pk"), self.list_per_page).get_page(
            request.GET.get("page")
        )
        for image in page.object_list:
            image.thumbnail = thumbnail_url(image)
        return TemplateResponse(
            request,
            "admin/images/image_picker.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Choose an image from the library"),
                "is_popup": True,
                "q": words,
                "key": request.GET.get("CKEditorFuncNum", "")[:12],
                "page": page,
                "add_url": reverse("admin:images_image_add"),
            },
        )

    def chosen_view(self, request, pk):
        """The chosen image's title and thumbnail, for the chooser to show it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        image = get_object_or_404(Image, pk=pk)
        return JsonResponse({"title": image.title, "thumbnail": thumbnail_url(image)})


def describe(item, where):
    kind = item._meta.verbose_name.capitalize()
    if where == "draft":
        return _("%(kind)s: %(item)s (in its draft)") % {"kind": kind, "item": item}
    if where == "text":
        return _("%(kind)s: %(item)s (in its text)") % {"kind": kind, "item": item}
    return f"{kind}: {item}"
