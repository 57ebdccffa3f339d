from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def validate_image_upload(image):
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if image.size > limit:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s. Save it smaller and try again."),
            params={"size": filesizeformat(image.size), "limit": filesizeformat(limit)},
        )
