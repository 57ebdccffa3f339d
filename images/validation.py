"""What an uploaded image must be: JPEG, PNG or WebP by its content, not too big, and whole."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# Only these decoders ever see an upload, whatever the file is called.
ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]

NOT_AN_ACCEPTED_IMAGE = _(
    "This file is not a JPEG, PNG or WebP image. Save it in one of these formats and try again."
)
TOO_MANY_BYTES = _("This image is %(size)s; the limit is %(limit)s. Save it smaller and try again.")
TOO_MANY_PIXELS = _(
    "This image is too large in pixels: the limit is %(limit)s megapixels. "
    "Save it at a smaller size and try again."
)
DAMAGED = _(
    "This image file is damaged or incomplete. "
    "Open it in an image editor, save it again and upload the new copy."
)


def validate_image_upload(image):
    # Already in storage: it was checked when it was uploaded, and reading it back on every
    # save would cost a round trip to the storage (S3, later) or fail if the file has gone.
    if getattr(image, "_committed", False):
        return
    if image.size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            TOO_MANY_BYTES,
            params={
                "size": filesizeformat(image.size),
                "limit": filesizeformat(settings.MAX_IMAGE_UPLOAD_BYTES),
            },
        )
    try:
        check_content(image)
    finally:
        image.seek(0)


def check_content(image):
    try:
        image.seek(0)
        with Image.open(image, formats=ACCEPTED_FORMATS) as picture:
            # The size comes from the header: refuse before any pixel is decoded.
            if picture.width * picture.height > settings.MAX_IMAGE_PIXELS:
                raise too_many_pixels()
            picture.verify()
        image.seek(0)
        # verify() leaves the picture unusable and misses a truncated JPEG: decode it once.
        with Image.open(image, formats=ACCEPTED_FORMATS) as picture:
            picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except UnidentifiedImageError:
        raise ValidationError(NOT_AN_ACCEPTED_IMAGE) from None
    except ValidationError:
        raise
    except Exception:
        # Pillow's decoders report broken data with many kinds of error (OSError, SyntaxError,
        # ValueError, struct.error...); Django's own ImageField catches them all the same way.
        raise ValidationError(DAMAGED) from None


def too_many_pixels():
    return ValidationError(
        TOO_MANY_PIXELS, params={"limit": f"{settings.MAX_IMAGE_PIXELS / 1_000_000:g}"}
    )
