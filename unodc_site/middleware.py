"""Security headers that Django's SecurityMiddleware does not send, and the admin's answer to
addresses crafted to make it fail."""

import logging

from django.conf import settings
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import DataError, models
from django.http import HttpResponseBadRequest, HttpResponseRedirect

logger = logging.getLogger(__name__)

# Every browser feature the site does not use, turned off for it and anything it could embed.
# Only features Chromium recognises: it reports an unknown one (interest-cohort, or bluetooth
# and web-share on Linux) as an error in the console, on every page.
DISABLED_FEATURES = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "usb",
    "window-management",
    "xr-spatial-tracking",
]
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


class SecurityHeadersMiddleware:
    """Permissions-Policy, and Cross-Origin-Resource-Policy: other sites may not embed our pages'
    resources, except the open data under /api/, which anyone may use. X-Frame-Options too for
    what WhiteNoise answers (static files), which Django's XFrameOptionsMiddleware never sees."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy",
            "cross-origin" if request.path.startswith("/api/") else "same-origin",
        )
        return response


# What a value from an admin address raises when Django's admin hands it on unchecked, to a
# query that runs while the page renders (?id__gte=99999999999999999999 on SQLite,
# ?date__year=-1) or to a widget (?publish_at=abc on an add form).
CRAFTED_VALUE_ERRORS = (ValueError, ValidationError, OverflowError, DataError, FieldError)


class AdminAddressMiddleware:
    """No admin address gives a 500: an add form leaves out the initial values its fields cannot
    take, and a value that fails later is refused as Django refuses a wrong filter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)  # set by ModelAdmin.get_urls
        url_name = request.resolver_match.url_name or ""  # the admin's catch-all has none
        if model_admin and request.GET and url_name.endswith("_add"):
            request.GET = initial_values_fields_can_take(model_admin.model, request.GET)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if match is None or match.app_name != "admin":
            return None
        if not isinstance(exception, CRAFTED_VALUE_ERRORS):
            return None
        logger.warning("Refused admin address %s", request.get_full_path(), exc_info=exception)
        if (match.url_name or "").endswith("_changelist") and ERROR_FLAG not in request.GET:
            # Django's own answer to a wrong filter: the unfiltered list.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return HttpResponseBadRequest(
            "This address holds a value that the page cannot use. Go back and try again.",
            content_type="text/plain; charset=utf-8",
        )


def initial_values_fields_can_take(model, query):
    """The add form's initial values from the address (?country=3, as the admin's own links
    give them), less those their field cannot take; dates and numbers as Python values, which
    the admin's widgets expect."""
    kept = query.copy()
    for name, value in query.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        try:
            if isinstance(field, models.FileField):  # a file comes only as an upload
                raise ValidationError("not an upload")
            if isinstance(field, models.ManyToManyField):
                for key in value.split(","):  # as ModelAdmin.get_changeform_initial_data splits
                    field.target_field.clean(key, None)
            elif isinstance(field, models.ForeignKey):
                field.target_field.clean(value, None)
            elif field.concrete and not field.is_relation:
                kept[name] = field.clean(value, None)
        except ValidationError:
            del kept[name]
    return kept
