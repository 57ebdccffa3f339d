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
        key = self.window_key(request, view)
        if key is None:
            return True
        # The page cache counts the requests it sees in its own round trip to the cache.
        count = getattr(getattr(request, "_request", request), "rate_limit_count", NOT_COUNTED)
        if count is NOT_COUNTED:
            count = count_hit(self.cache, key, self.duration)
        return self.allows(count)

    def window_key(self, request, view=None):
        """The key of the count this request adds to (its client and window); None if none."""
        key = self.get_cache_key(request, view)
        if self.rate is None or key is None:
            return None
        window = int(self.timer() // self.duration)
        self.window_ends = (window + 1) * self.duration
        return f"{key}:{window}"

    def allows(self, count):
        # No count: the cache is down, and the API stays open rather than shut.
        return count is None or count <= self.num_requests

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.timer()))


NOT_COUNTED = object()


def count_hit(cache, key, seconds):
    """The count under key, this request included; a new count lasts `seconds`."""
    if isinstance(cache, RedisCache):
        return get_many_and_count(cache, [], key, seconds)[1]
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=seconds):
            return 1
        return cache.incr(key)  # another process's request came first


def get_many_and_count(cache, keys, count_key, seconds):
    """cache.get_many(keys), and a hit counted under count_key: ({key: value}, count).

    In Redis, one round trip (MGET, SET NX, INCR, pipelined): the page cache reads a page and
    counts the request against the rate limit at once. django-redis's own incr() runs a Lua
    script, and a second trip in a window's first request.
    """
    if not isinstance(cache, RedisCache):
        return cache.get_many(keys), count_hit(cache, count_key, seconds)
    client = cache.client
    counter = client.make_key(count_key)
    try:
        pipeline = client.get_client(write=True).pipeline(transaction=False)
        if keys:
            pipeline.mget([client.make_key(key) for key in keys])
        pipeline.set(counter, 0, ex=seconds, nx=True)
        pipeline.incr(counter)
        results = pipeline.execute()
    except RedisError:  # down: nothing found, nothing counted
        return {}, None
    values = zip(keys, results[0] if keys else [], strict=True)
    return {key: client.decode(value) for key, value in values if value is not None}, results[-1]


def window_of(request):
    """(throttle, key): the API's rate limit as its views will apply it to request, and the key
    of the count it adds to (None if not limited)."""
    throttle = AnonRateThrottle()
    anonymous = SimpleNamespace(META=request.META, headers=request.headers, user=None)
    return throttle, throttle.window_key(anonymous)
