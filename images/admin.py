from django.utils.translation import gettext_lazy as _

# The admin fieldset of a model with HasImage.
IMAGE_FIELDSET = (
    _("Image"),
    {"fields": ["image", "image_alt", "image_is_decorative", "image_caption", "image_credit"]},
)
