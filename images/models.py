"""The image an item can carry, with what a reader needs around it: alt text, caption, credit."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from images.validation import validate_image_upload


class HasImage(models.Model):
    image = models.ImageField(
        _("image"),
        upload_to="images/%Y/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG or WebP. Location and camera data are removed when it is saved."),
    )
    # Kept with the row so that pages never open the original (in object storage) to size it.
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "Describe what the picture shows for people who cannot see it. "
            "Required with an image unless it is marked decorative."
        ),
    )
    image_is_decorative = models.BooleanField(
        _("decorative image"),
        default=False,
        help_text=_("Tick only if the picture adds no information: screen readers will skip it."),
    )
    image_caption = models.CharField(_("caption"), max_length=300, blank=True)
    image_credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_('For example "Photo: UNODC".')
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.image and not self.image_is_decorative and not self.image_alt.strip():
            raise ValidationError(
                {
                    "image_alt": _(
                        "Add alt text for the image: screen readers read it aloud. "
                        "If the picture adds no information, tick “decorative image” instead."
                    )
                }
            )
