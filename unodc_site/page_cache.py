"""Whole public pages cached in the shared cache (Redis), per URL and language, never stale.

Every cached page is stored under the current *generation*, a counter in the cache. Any change
to public content (a save, publish, unpublish or delete, in the admin or anywhere else through
the ORM) moves the counter on, so every app server's next request renders afresh; old pages are
never read again and expire on their own. Published items scheduled to appear or leave are
handled the same way: no page is kept past the next scheduled change, and the first request
after it moves the counter on.

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
from django.db import DatabaseError, transaction
from django.db.models import Min, Q
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from api import throttling

STATE_KEY = "pages:state"
# Part of every page's key, to be changed with StoredPage: during a deploy, servers of the old and
# the new release share the cache, and each must find only pages it can read.
STORED_PAGE_FORMAT = 2
# Models whose rows appear on public pages; a change to any of them makes every page stale.
CONTENT_APPS = {"news", "programmes", "sources"}
# The admin, the health check and the API's documentation page always answer live. The API's
# answers are kept, but each one served from here still counts against the rate limit.
UNCACHED_PATHS = ("/api/", "/admin/", "/healthz")
API_PATH = "/api/v1/"
API_SCHEMA_PATH = "/api/v1/openapi.json"  # made from the code, not the content: always live
# Query strings longer than this are answered but not stored (they are not links of the site).
MAX_CACHED_QUERY = 200
# The longest kept_until_content_changes() keeps a value (a new generation replaces it sooner).
DATA_SECONDS = 3600
# Smaller answers are stored as they are: gzip would save next to nothing.
MIN_COMPRESSED_SIZE = 200
# A render claimed by a process that has died lapses after this; others wait for it at most
# RENDER_WAIT_SECONDS, looking every RENDER_POLL_SECONDS, and then render the page themselves.
RENDER_CLAIM_SECONDS = 10
RENDER_WAIT_SECONDS = 1.0
RENDER_POLL_SECONDS = 0.01


def next_scheduled_change():
    """When the next published item appears or leaves by its schedule, as a timestamp or None."""
    from news.models import NewsItem
    from programmes.models import Programme

    now = timezone.now()
    moments = []
    for model in (NewsItem, Programme):
        moments += (
            model.objects.filter(status=model.Status.PUBLISHED)
            .aggregate(
                appears=Min("publish_at", filter=Q(publish_at__gt=now)),
                leaves=Min("expire_at", filter=Q(expire_at__gt=now)),
            )
            .values()
        )
    moment = min((moment for moment in moments if moment), default=None)
    return moment.timestamp() if moment else None


def invalidate(schedule_changed=True):
    """Make every cached page stale, on every app server.

    The state is a new generation (a fresh number, so no page stored before is read again) and
    the time of the next scheduled change, looked up again when a schedule may have changed.
    """
    state = cache.get(STATE_KEY)
    next_change = next_scheduled_change() if schedule_changed or state is None else state[1]
    state = (time.time_ns(), next_change)
    cache.set(STATE_KEY, state, timeout=None)
    return state


def current_state():
    """(generation, next scheduled change) — a new generation once the scheduled time has come."""
    state = cache.get(STATE_KEY)
    if state is None or (state[1] is not None and state[1] <= time.time()):
        state = invalidate()
    return state


def kept_until_content_changes(name, compute):
    """compute(), kept in the cache until the content next changes (a new generation), for what
    many pages need that only the content decides, such as the news filters' choices."""
    generation, next_change = current_state()
    key = f"data:{generation}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=max(1, seconds_to_keep(next_change, DATA_SECONDS)))
    return value


def content_changed(sender, action=None, **kwargs):
    if sender._meta.app_label not in CONTENT_APPS or sender.__name__.startswith("Historical"):
        return
    if action is not None and not action.startswith("post_"):  # m2m_changed's pre_* calls
        return
    schedule_changed = hasattr(sender, "expire_at")
    invalidate(schedule_changed)
    # Again after the commit: a page rendered in between still read the old rows.
    transaction.on_commit(lambda: invalidate(schedule_changed))


def seconds_to_keep(next_change, longest=None):
    """Until the next scheduled change, and at most `longest` (a page: PAGE_CACHE_SECONDS)."""
    longest = settings.PAGE_CACHE_SECONDS if longest is None else longest
    if next_change is None:
        return longest
    return max(0, min(longest, int(next_change - time.time())))


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
        counted = throttling.window_count(request) if request.path.startswith(API_PATH) else None
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
