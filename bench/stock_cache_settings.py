"""The site as in production, but with Django's own per-site cache and Django REST framework's
stock rate limit in place of the site's page cache and fixed-window throttle: what
`bench/load.py --stock-cache` measures them against (docs/deploy.md).

Django's documented pattern, as djangoproject.com uses it: UpdateCacheMiddleware early in the
list (it stores the answer last), FetchFromCacheMiddleware after the middleware that sets
Vary (sessions, locale), a cache alias of its own that is emptied whenever content changes.
"""

from django.core.cache import caches
from django.db.models.signals import post_save

from unodc_site.settings import *  # noqa: F403
from unodc_site.settings import CACHES, MIDDLEWARE, PAGE_CACHE_SECONDS, REST_FRAMEWORK

PAGES_REDIS_URL = "redis://127.0.0.1:6379/2"

CACHES = {**CACHES, "pages": {**CACHES["default"], "LOCATION": PAGES_REDIS_URL}}
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_SECONDS = PAGE_CACHE_SECONDS

_without_page_cache = [name for name in MIDDLEWARE if not name.endswith("PageCacheMiddleware")]
_after_locale = _without_page_cache.index("django.middleware.locale.LocaleMiddleware") + 1
_gzip = _without_page_cache.index("django.middleware.gzip.GZipMiddleware")
MIDDLEWARE = [
    *_without_page_cache[:_gzip],
    "django.middleware.cache.UpdateCacheMiddleware",  # stores what GZipMiddleware made
    *_without_page_cache[_gzip:_after_locale],
    "django.middleware.cache.FetchFromCacheMiddleware",
    *_without_page_cache[_after_locale:],
]

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
}


def empty_the_page_cache(**kwargs):
    caches["pages"].clear()


# Any save of any model empties it: coarse, as the stock pattern is (the bench changes nothing).
post_save.connect(empty_the_page_cache, dispatch_uid="stock-page-cache")
