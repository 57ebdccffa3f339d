import datetime
import email
import email.policy
import io
import os
import shutil

import pytest
from aiosmtpd.controller import Controller
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image as PILImage
from playwright.sync_api import sync_playwright

from bench import chromium
from news.models import NewsItem
from programmes.models import Country, Programme, ThematicArea
from tests.ports import free_port
from unodc_site.seed import seed

NEEDS_POSTGRESQL = (
    "needs PostgreSQL: set DATABASE_URL=postgres://… (make test uses the local one when it answers)"
)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` (full-text search, query plans) skip on SQLite, saying why."""
    if connection.vendor == "postgresql":
        return
    if running_in_ci() and any(item.get_closest_marker("postgresql") for item in items):
        raise pytest.UsageError(f"CI runs every test on PostgreSQL: {NEEDS_POSTGRESQL}")
    for item in items:
        if item.get_closest_marker("postgresql"):
            item.add_marker(pytest.mark.skip(reason=NEEDS_POSTGRESQL))


@pytest.fixture(autouse=True)
def english_by_default():
    """A request to /ru/ leaves Russian active in the thread; each test starts in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages (the cache outlives the rolled-back database)."""
    cache.clear()


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks run in the test itself, as Django's test mailer keeps mail in memory;
    tests/test_tasks.py runs the database queue and its worker."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(scope="session", autouse=True)
def static_files():
    """Pages name their CSS through the hashed-file manifest, so build it as production does."""
    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture
def seeded(db):
    """The real seed: the five documents and every record built from them."""
    seed()


@pytest.fixture
def editor(db):
    """A member of the Editors group (some test files define their own, with more to it)."""
    return staff_member("editor", "Editors")


@pytest.fixture
def publisher(db):
    return staff_member("publisher", "Publishers")


def staff_member(name, group):
    """A staff user in one of the groups the migrations make, made again if a transactional
    test before emptied the tables."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from editorial.roles import create_groups

    if not Group.objects.filter(name=group).exists():
        create_groups(apps)
    user = get_user_model().objects.create_user(name, f"{name}@unodc.example", None, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def live(make_news):
    """A published news item for the workflow's tests to correct."""
    return make_news(
        title="Heroin seized at the border",
        slug="heroin-seized",
        summary="Officers seized 40 kg of heroin.",
        body="<p>Officers seized 40 kg of heroin.</p>",
    )


@pytest.fixture
def make_news(db):
    """Create news items with sensible defaults; keyword arguments override them."""
    counter = iter(range(1, 1_000_000))

    def make(*, countries=(), programmes=(), thematic_areas=(), **fields):
        number = next(counter)
        fields.setdefault("title", f"News item {number}")
        fields.setdefault("slug", f"news-item-{number}")
        fields.setdefault("date", datetime.date(2020, 1, 1) + datetime.timedelta(days=number))
        fields.setdefault("summary", f"Summary of item {number}.")
        fields.setdefault("body", f"First paragraph of item {number}.\n\nSecond paragraph.")
        fields.setdefault("status", NewsItem.Status.PUBLISHED)
        item = NewsItem.objects.create(**fields)
        item.countries.set(countries)
        item.programmes.set(programmes)
        item.thematic_areas.set(thematic_areas)
        return item

    return make


def picture_bytes(size=(1000, 500), image_format="JPEG", color="navy"):
    output = io.BytesIO()
    PILImage.new("RGB", size, color).save(output, image_format)
    return output.getvalue()


def library_image(
    content=None, *, name="photo.jpg", renditions=True, title="Border post", **fields
):
    """A library image stored as an upload is (a clean copy), its renditions made unless
    renditions=False (as before the background task has run)."""
    from images.models import Image
    from images.processing import without_metadata
    from images.tasks import make_renditions

    fields.setdefault("alt_text", "Officers at a border post")
    upload = SimpleUploadedFile(name, content if content is not None else picture_bytes())
    image = Image.objects.create(file=without_metadata(upload), title=title, **fields)
    if renditions:
        make_renditions.call(image.pk)
        image.refresh_from_db()
    return image


@pytest.fixture
def make_image(db, settings, tmp_path):
    """Library images, in a media folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return library_image


@pytest.fixture
def kazakhstan(db):
    return Country.objects.create(
        name="Kazakhstan",
        iso_code="KZ",
        slug="kazakhstan",
        sub_region="central-asia",
        covered_by_roca=True,
        status="published",
    )


@pytest.fixture
def drugs(db):
    return ThematicArea.objects.create(name="Drugs", slug="drugs", position=2, status="published")


@pytest.fixture
def programme(db, kazakhstan, drugs):
    programme = Programme.objects.create(
        title="Programme for Central Asia 2015-2019",
        slug="pca-2015-2019",
        start_year=2015,
        end_year=2019,
        budget_usd=70_000_000,
        status="published",
    )
    programme.countries.add(kazakhstan)
    programme.thematic_areas.add(drugs)
    return programme


# ---------------------------------------------------------------- a real SMTP server (aiosmtpd)
class Inbox:
    """An SMTP server's handler: keeps each message it accepts, or refuses them all."""

    def __init__(self, refuse=False):
        self.refuse = refuse
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return "554 5.7.1 Message refused"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp_server():
    servers = []

    def start(refuse=False):
        inbox = Inbox(refuse=refuse)
        port = free_port()  # aiosmtpd checks the port it is given, so it cannot be 0
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return inbox, port

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def count_queries():
    """Run a callable and return how many SQL queries it made."""

    def count(action):
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    return count


# ---------------------------------------------------------------- browser tests (Playwright)
# Chromium is the Debian package (never `playwright install`). Without it the browser tests are
# skipped on a developer machine and fail in CI (env CI set), so CI cannot pass without them.
# Point CHROMIUM_PATH at another executable to override the lookup of `chromium` on PATH.

TIMEOUT_MS = 10_000


def chromium_path():
    """CHROMIUM_PATH if set (even to nothing usable), else `chromium` on PATH; None if absent."""
    if "CHROMIUM_PATH" in os.environ:
        path = os.environ["CHROMIUM_PATH"]
        return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None
    return shutil.which("chromium")


def running_in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# One browser for the module, closed when its tests are done: while Playwright runs, this thread
# has a running event loop and DJANGO_ALLOW_ASYNC_UNSAFE is set, neither of which may leak into
# later tests (a subprocess would inherit the variable and fail `check --deploy`, for one).
@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        reason = (
            "Chromium not found (set CHROMIUM_PATH or put `chromium` on PATH; "
            "Debian: apt-get install chromium)"
        )
        if running_in_ci():
            pytest.fail(f"{reason}; the browser tests are required in CI.", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop running in this thread; Django would refuse DB use.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=chromium.FLAGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(browser, live_server):
    """Base URL of the running site with the real seed loaded.

    The URL uses 127.0.0.1, the one host the browser may resolve (the server listens there).
    """
    # pytest-django's live server answers /static/ itself through the finders, which do not know
    # the hashed names of the manifest storage (404 for every stylesheet); pass those requests on
    # to WhiteNoise, which serves the collected files as in production.
    server = live_server.thread.httpd
    if isinstance(server.get_app(), StaticFilesHandler):
        server.set_app(server.get_app().application)
    seed()
    return live_server.url.replace("://localhost:", "://127.0.0.1:")


class Problems:
    """What went wrong in the browser while a test ran: console errors and failed requests."""

    def __init__(self, page):
        self.console_errors = []
        self.failed_requests = []
        self.bad_responses = []
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.console_errors.append(msg.text),
        )
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        page.on(
            "requestfailed",
            lambda request: self.failed_requests.append(f"{request.url}: {request.failure}"),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.bad_responses.append(f"{response.status} {response.url}")
            ),
        )

    def all(self):
        return self.console_errors + self.failed_requests + self.bad_responses


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.problems = Problems(page)
    yield page
    context.close()
