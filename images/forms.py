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


class ImageForm(forms.ModelForm):
    """The library's form: check a new upload, then keep a clean copy of it to store."""

    image_not_stored = False  # set by ImageAdmin when storing this upload has just failed

    class Meta:
        field_classes = {"file": ImageUploadField}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if isinstance(file, UploadedFile):  # not the file already stored
            if self.image_not_stored:
                raise ValidationError(
                    _(
                        "The image could not be stored: the file storage is unreachable. "
                        "Nothing was saved; try again later."
                    )
                )
            return without_metadata(file)
        return file

    def full_clean(self):
        super().full_clean()
        # A browser cannot refill a file box: the editor must be told to choose the file again.
        if self._errors and "file" not in self._errors and self.files.get(self.add_prefix("file")):
            self.add_error(
                "file",
                _(
                    "The file you chose was not kept, because of the errors in the form: "
                    "choose it again before saving."
                ),
            )
