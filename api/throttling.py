from types import SimpleNamespace

from rest_framework import throttling
from rest_framework.settings import api_settings


class AnonRateThrottle(throttling.AnonRateThrottle):
    """A polite limit per address (API_RATE_LIMIT, 120/minute unless set); 429 with Retry-After.

    DRF's own class reads the rate once, at import; reading it per request lets a test change
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] with override_settings.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


def counts_as_allowed(request):
    """Count a request the page cache answers without reaching the API's views, as the views
    would; False when the client is over the limit (the view then answers 429 itself)."""
    anonymous = SimpleNamespace(META=request.META, headers=request.headers, user=None)
    return AnonRateThrottle().allow_request(anonymous, None)
