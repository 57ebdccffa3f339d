"""Security headers that Django's SecurityMiddleware does not send."""

from django.conf import settings

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
