from django.utils.translation import gettext_lazy as _

from images.storage import ImageNotStored, store_with_renditions

# The admin fieldset of a model with HasImage.
IMAGE_FIELDSET = (
    _("Image"),
    {"fields": ["image", "image_alt", "image_is_decorative", "image_caption", "image_credit"]},
)


class ImageAdminMixin:
    """For the admin of a model with HasImage (and a form with ImageUploadFormMixin).

    A new image and its renditions are stored before the item. If the storage fails, the
    admin's transaction is rolled back and the form comes back as the editor filled it in,
    with the reason on the image field.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.image_not_stored = getattr(request, "image_not_stored", False)
        return form

    def save_model(self, request, obj, form, change):
        if "image" in form.changed_data and obj.image:
            store_with_renditions(obj.image)
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ImageNotStored:
            # Nothing was saved. The same request once more: this time the form is invalid.
            request.image_not_stored = True
            return super().changeform_view(request, object_id, form_url, extra_context)
