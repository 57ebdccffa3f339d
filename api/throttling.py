import math
from types import SimpleNamespace

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings


class AnonRateThrottle(throttling.AnonRateThrottle):
    """A polite limit per address (API_RATE_LIMIT, 120/minute unless set); 429 with Retry-After.

    Requests are counted in fixed windows (each calendar minute, for a rate per minute) by one
    atomic increment in the shared cache, so every app server counts in the same place and a
    request costs one command whatever the limit. DRF's own class keeps the time of every
    request in the window as a list, read and written back whole each time: two servers can
    overwrite each other's counts, and the cost grows with the limit. The price of a fixed window:
    a client may send up to twice the limit across the edge between two windows.

    Each request is counted once: the page cache counts the API requests it may answer while
    it reads the page (see WindowCount), and the view then takes that count instead of counting
    again.

    The rate is read per request (DRF's own class reads it once, at import) so that a test can
    change REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] with override_settings.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        counted = getattr(request, "api_window_count", None)
        if counted is None:
            counted = self.window_count(request, view)
            if counted is None:
                return True
            counted.add_one()
        self.window_ends = counted.ends
        return counted.allows()

    def window_count(self, request, view=None):
        """The request's count in the current window, not yet counted; None if not limited."""
        key = self.get_cache_key(request, view)
        if self.rate is None or key is None:
            return None
        window = int(self.timer() // self.duration)
        return WindowCount(
            f"{key}:{window}", (window + 1) * self.duration, self.duration, self.num_requests
        )

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.timer()))


class WindowCount:
    """One client's requests in one window of the rate limit, counted in the shared cache."""

    def __init__(self, key, ends, seconds, limit):
        self.key, self.ends, self.seconds, self.limit = key, ends, seconds, limit
        self.count = None  # None until counted, or if the cache is down

    def allows(self):
        # No count: the cache is down, and the API stays open rather than shut.
        return self.count is None or self.count <= self.limit

    def add_one(self, read_keys=()):
        """Count this request; return cache.get_many(read_keys), read in the same round trip to
        Redis: a round trip is a large part of a cached answer's cost (docs/deploy.md)."""
        cache = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(cache, RedisCache):
            found, self.count = count_in_redis(cache, self.key, self.seconds, read_keys)
            return found
        found = cache.get_many(read_keys)
        try:
            self.count = cache.incr(self.key)
        except ValueError:  # the window's first request
            if cache.add(self.key, 1, timeout=self.seconds):
                self.count = 1
            else:
                self.count = cache.incr(self.key)  # another process's request came first
        return found


# Counts one more in the last key (with the window's expiry set by its first request) and reads
# the others, in one round trip, cheaper than a pipeline of MGET and INCR (docs/deploy.md).
# On a Redis Cluster the keys would have to share a hash slot; the site uses one Redis server.
COUNT_AND_READ = """
local counter = KEYS[#KEYS]
local count = redis.call('INCR', counter)
if count == 1 then redis.call('EXPIRE', counter, ARGV[1]) end
if #KEYS == 1 then return {count, {}} end
return {count, redis.call('MGET', unpack(KEYS, 1, #KEYS - 1))}
"""


def count_in_redis(cache, key, seconds, read_keys):
    """(cache.get_many(read_keys), the count with this request), from one script run in Redis;
    not django-redis's incr(), itself a script, which reads nothing. Redis down: ({}, None)."""
    client = cache.client
    stored_keys = {client.make_key(read_key): read_key for read_key in read_keys}
    try:
        connection = client.get_client(write=True)
        count, values = connection.register_script(COUNT_AND_READ)(
            keys=[*stored_keys, client.make_key(key)], args=[seconds]
        )
    except RedisError:
        return {}, None
    found = {
        stored_keys[stored_key]: client.decode(value)
        for stored_key, value in zip(stored_keys, values, strict=True)
        if value is not None
    }
    return found, count


def window_count(request):
    """The count of an anonymous request in the API's rate limit, to be made by the page cache
    (it answers before the session and authentication middleware); the view takes it up."""
    anonymous = SimpleNamespace(META=request.META, headers=request.headers, user=None)
    counted = AnonRateThrottle().window_count(anonymous)
    request.api_window_count = counted
    return counted
