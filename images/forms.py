from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from images.processing import without_metadata
from images.validation import validate_image_upload


class ImageUploadField(forms.ImageField):
    """Django's ImageField, with our checks first so that the editor reads why a file is refused.

    Django's own check calls every failure "not an image or a corrupted image", including a
    picture that is simply too large in pixels.
    """

    def __init__(self, *, max_length=None, **kwargs):
        # No limit on the name the file comes with (the model field's 100 characters): the copy
        # is stored under a short name of its own (safe_name), and a phone's names can be long.
        super().__init__(**kwargs)

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            validate_image_upload(data)
        return super().to_python(data)


class ImageUploadFormMixin:
    """For the form of a model with HasImage: check a new upload, then store a clean copy."""

    image_not_stored = False  # set by ImageAdminMixin when storing this upload has just failed

    class Meta:
        field_classes = {"image": ImageUploadField}

    def clean_image(self):
        image = self.cleaned_data["image"]
        if isinstance(image, UploadedFile):  # not the image already stored, nor a cleared one
            if self.image_not_stored:
                raise ValidationError(
                    _(
                        "The image could not be stored: the file storage is unreachable. "
                        "Nothing was saved; try again later."
                    )
                )
            return without_metadata(image)
        return image

    def full_clean(self):
        super().full_clean()
        # A browser cannot refill a file box: the editor must be told to choose the image again.
        if (
            self._errors
            and "image" not in self._errors
            and self.files.get(self.add_prefix("image"))
        ):
            self.add_error(
                "image",
                _(
                    "The image you chose was not kept, because of the errors in the form: "
                    "choose it again before saving."
                ),
            )
