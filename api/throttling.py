import math
from types import SimpleNamespace

from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings


class AnonRateThrottle(throttling.AnonRateThrottle):
    """A polite limit per address (API_RATE_LIMIT, 120/minute unless set); 429 with Retry-After.

    Requests are counted in fixed windows (each calendar minute, for a rate per minute) by one
    atomic increment in the shared cache, so every app server counts in the same place and a
    request costs one round trip whatever the limit. DRF's own class keeps the time of every
    request in the window as a list, read and written back whole each time: two servers can
    overwrite each other's counts, and the cost grows with the limit. The price of a fixed window:
    a client may send up to twice the limit across the edge between two windows.

    The rate is read per request (DRF's own class reads it once, at import) so that a test can
    change REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] with override_settings.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        key = self.get_cache_key(request, view)
        if self.rate is None or key is None:
            return True
        window = int(self.timer() // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = self.count_hit(f"{key}:{window}")
        # No count: the cache is down, and the API stays open rather than shut.
        return count is None or count <= self.num_requests

    def count_hit(self, key):
        """The window's count including this request."""
        if isinstance(self.cache, RedisCache):
            return count_in_redis(self.cache, key, self.duration)
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request
            if self.cache.add(key, 1, timeout=self.duration):
                return 1
            return self.cache.incr(key)  # another process's request came first

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.timer()))


def count_in_redis(cache, key, seconds):
    """SET NX and INCR in one round trip: django-redis's own incr() runs a Lua script and
    needs a second trip for the window's first request, a fifth of a cached answer's cost."""
    key = cache.client.make_key(key)
    try:
        pipeline = cache.client.get_client(write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=seconds, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]
    except RedisError:
        return None


def counts_as_allowed(request):
    """Count a request the page cache answers without reaching the API's views, as the views
    would; False when the client is over the limit (the view then answers 429 itself)."""
    anonymous = SimpleNamespace(META=request.META, headers=request.headers, user=None)
    return AnonRateThrottle().allow_request(anonymous, None)
