"""Whole public pages cached in the shared cache (Redis), per URL and language, never stale.

Every cached page is stored under the current *generation* of the content, a counter in the
cache (editorial/changes.py). Any change to public content (a save, publish, unpublish or
delete, in the admin or anywhere else through the ORM) moves the counter on, so every app
server's next request renders afresh; old pages are never read again and expire on their own.
Published items scheduled to appear or leave are handled the same way: no page is kept past the
next scheduled change, and the first request after it moves the counter on.

Only anonymous GET requests are served from the cache (a request with a session cookie, such as
a logged-in editor's, always gets a fresh page), and only complete 200 responses that set no
cookie and are not marked private are stored.

Pages are stored compressed with gzip, once, and sent so to every client that accepts it (every
browser): less to send to a phone on a slow network, and less for the cache to hold and hand over.
When a page is missing, one process renders it while the others asking for it wait a moment for
it: after a publish, the busiest pages would otherwise be rendered by every worker at once.
"""

import gzip
import hashlib
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from editorial import changes
from editorial.changes import STATE_KEY, current_state

# Part of every page's key, to be changed with StoredPage: during a deploy, servers of the old and
# the new release share the cache, and each must find only pages it can read.
STORED_PAGE_FORMAT = 2
# The admin, the health check and the API's documentation page always answer live. The API's
# answers are kept, but each one served from here still counts against the rate limit.
UNCACHED_PATHS = ("/api/", "/admin/", "/healthz")
API_PATH = "/api/v1/"
API_SCHEMA_PATH = "/api/v1/openapi.json"  # made from the code, not the content: always live
# Query strings longer than this are answered but not stored (they are not links of the site).
MAX_CACHED_QUERY = 200
# Smaller answers are stored as they are: gzip would save next to nothing.
MIN_COMPRESSED_SIZE = 200
# A render claimed by a process that has died lapses after this; others wait for it at most
# RENDER_WAIT_SECONDS, looking every RENDER_POLL_SECONDS, and then render the page themselves.
RENDER_CLAIM_SECONDS = 10
RENDER_WAIT_SECONDS = 1.0
RENDER_POLL_SECONDS = 0.01
# Path prefix -> counter(request): requests counted in the same round trip to the cache as their
# page is read (the API's rate limit). unodc_site's AppConfig.ready() registers them.
REQUEST_COUNTERS = {}


def count_requests(prefix, counter):
    """Have counter(request) count each cacheable request under prefix; it returns an object
    with add_one(read_keys) and allows(), or None when the request is not counted."""
    REQUEST_COUNTERS[prefix] = counter


def request_count(request):
    for prefix, counter in REQUEST_COUNTERS.items():
        if request.path.startswith(prefix):
            return counter(request)
    return None


def seconds_to_keep(next_change):
    """Until the next scheduled change, and at most PAGE_CACHE_SECONDS."""
    return changes.seconds_until(next_change, settings.PAGE_CACHE_SECONDS)


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and (
            (request.path.startswith(API_PATH) and request.path != API_SCHEMA_PATH)
            or not request.path.startswith(UNCACHED_PATHS)
        )
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= MAX_CACHED_QUERY
    )


def is_cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def page_language(request):
    """The page's language as LocaleMiddleware will find it: from the path, else the request."""
    return translation.get_language_from_path(
        request.path_info
    ) or translation.get_language_from_request(request)


def page_address(request):
    # The whole address, host included: pages carry absolute links (canonical, next page).
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def page_key(address, generation, language):
    return f"pages:{STORED_PAGE_FORMAT}:{generation}:{language}:{address}"


# The generation this process saw last. The state and the page stored under that generation are
# read in one round trip to the cache; only when the generation has moved on is the page read
# again, under the new one.
last_generation = None


def lookup(request, counted=None):
    """(key, seconds, kept): where this request's answer is kept, for how long (0: not at all)
    and the answer kept there, if any. An API request's WindowCount is counted in the same
    round trip."""
    global last_generation
    language = page_language(request)
    address = page_address(request)
    guessed_key = page_key(address, last_generation, language)
    if counted is None:
        found = cache.get_many([STATE_KEY, guessed_key])
    else:
        found = counted.add_one([STATE_KEY, guessed_key])
    state = found.get(STATE_KEY)
    if state is None or (state[1] is not None and state[1] <= time.time()):
        try:
            state = current_state()
        except DatabaseError:  # the database is down: serve what is cached, store nothing new
            state = (state[0], time.time()) if state else (None, time.time())
    generation, next_change = state
    last_generation = generation
    key = page_key(address, generation, language)
    kept = found.get(guessed_key) if key == guessed_key else cache.get(key)
    return key, seconds_to_keep(next_change), kept


class StoredPage(NamedTuple):
    headers: list  # (name, value) pairs, Content-Length left out
    body: bytes
    gzipped: bool


def stored_page(response):
    headers = [(name, value) for name, value in response.items() if name != "Content-Length"]
    body = response.content
    if len(body) >= MIN_COMPRESSED_SIZE and not response.has_header("Content-Encoding"):
        # No random padding against BREACH (Django's GZipMiddleware adds some): a page stored
        # here is the same for every reader and holds no secret such as a CSRF token.
        compressed = gzip.compress(body, mtime=0)
        if len(compressed) < len(body):
            return StoredPage(headers, compressed, gzipped=True)
    return StoredPage(headers, body, gzipped=False)


def response_from(page, request):
    """The stored page as an answer to request: gzipped if the client accepts it."""
    response = HttpResponse(headers=page.headers)
    body = page.body
    if page.gzipped:
        patch_vary_headers(response, ("Accept-Encoding",))
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response.headers["Content-Encoding"] = "gzip"
            # Not the same bytes as the page the strong ETag names (as GZipMiddleware does).
            if response.get("ETag", "").startswith('"'):
                response.headers["ETag"] = "W/" + response["ETag"]
        else:
            body = gzip.decompress(body)
    response.content = body
    response.headers["Content-Length"] = str(len(body))
    return response


def render_claim_key(key):
    """Where the process rendering the page under key says so."""
    return f"{key}:rendering"


def claim_render(key):
    """True if this process is to render the page: no other is at it (or the cache is down)."""
    claimed = cache.add(render_claim_key(key), 1, timeout=RENDER_CLAIM_SECONDS)
    return claimed is not False  # django-redis answers None when the cache is down


def rendered_by_another(key):
    """The page another process is rendering, once it is stored; None if that process gave up
    (the answer was not one to store, such as a 404) or is taking too long."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        found = cache.get_many([key, render_claim_key(key)])
        if key in found or render_claim_key(key) not in found:
            return found.get(key)
    return None


class PageCacheMiddleware:
    """Serves anonymous pages from the shared cache, before the session and locale middleware
    (whose work is in the stored page already)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A logged-in editor's page, or one that depends on the session: theirs only.
                patch_cache_control(response, private=True)
            return response

        # A request for another host is refused (400) here, as CommonMiddleware would refuse
        # it, before a page cached for this site could answer it.
        request.get_host()
        counted = request_count(request)
        key, seconds, kept = lookup(request, counted)
        claimed = False
        if kept is None and seconds:
            claimed = claim_render(key)
            if not claimed:
                kept = rendered_by_another(key)
        # Over the rate limit, the view answers 429 (with the count made here).
        if kept is not None and (counted is None or counted.allows()):
            return response_from(kept, request)

        try:
            response = self.get_response(request)
            if not is_cacheable_response(request, response):
                return response
            if "Cache-Control" not in response:
                # Shared caches (a CDN) may store the page but must ask again each time: with
                # the ETag, an unchanged page costs a 304 from this cache.
                patch_cache_control(response, public=True, no_cache=True)
            set_response_etag(response)
            page = stored_page(response)
            if seconds:
                cache.set(key, page, timeout=seconds)
            return response_from(page, request)
        finally:
            if claimed:
                cache.delete(render_claim_key(key))
