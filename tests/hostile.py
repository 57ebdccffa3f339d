"""What the hostile-input modules share: records named with every payload, and the checks of
what the site writes back.

Every payload of tests/xss_payloads.py goes into every text field an editor can fill: titles,
summaries, rich text, alt text, captions, credits, publishers, signatories, the names and
descriptions of countries, offices, thematic areas, key figures and source documents, and the
file name of an uploaded image. News items go through the admin's form as an editor would send
them; the rest is stored as it comes (programme descriptions unsanitised, as imported rows may
be). A page's markup must then be the site's own: only the tags its templates write (and those
rich text allows), no event handler or style attribute, no script URL, no script but valid
JSON-LD.
"""

import datetime
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager
from html import escape, unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django_prose_editor.config import allowlist_from_extensions
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from editorial.richtext import EXTENSIONS
from images.models import Image as LibraryImage
from images.tasks import make_renditions
from news.models import NewsItem
from pages.models import Page
from programmes.models import Country, KeyFigure, Office, Programme, Signatory, ThematicArea
from sources.models import SourceDocument
from tests.html_tree import parse_html
from tests.xss_payloads import PAYLOADS

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROOT = Path(__file__).resolve().parent.parent
BATCH = 10  # items per search word: the search shows at most 10 results of each kind
FIRST_YEAR = 2001
PER_YEAR = 20  # items per year: a feed filtered by year shows them all (it has 20 entries)
UNTHROTTLED_API = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"}}


def marker(index):
    """A word that only the items of one batch contain, to find them with the site search."""
    return "qz" + chr(ord("a") + index // BATCH) * 3


def stored(payload):
    """What can be stored: forms refuse NUL characters, and PostgreSQL cannot hold them."""
    return payload.replace("\x00", "")


def shown_in(language, index):
    """Detail pages are read for every payload in English and every other one in Russian (the
    Russian lists, feeds, exports and API have them all): the modules' time is bounded."""
    return language == "en" or index % 2 == 0


def detail_params():
    """(language, index) of each detail page read, as shown_in() chooses, with short ids."""
    return [
        (language, index)
        for language in LANGUAGES
        for index in range(len(PAYLOADS))
        if shown_in(language, index)
    ]


# ------------------------------------------------------------------------------ records


def unique(text, index, length):
    """text cut to fit a unique field of that length, made unique by the index."""
    return f"{index} {text}"[:length]


def linked_records(index, payload):
    """A country, thematic area, office, source document and key figure named with payload."""
    text = stored(payload)
    country = Country.objects.create(
        status="published",
        name_en=unique(text, index, 100),
        name_ru=unique(f"{text} ру", index, 100),
        iso_code=f"{chr(ord('A') + index // 26)}{chr(ord('A') + index % 26)}",
        slug=f"hostile-country-{index}",
        sub_region="central-asia",
        covered_by_roca=True,
        description_en=text,
        description_ru=f"{text} ру",
    )
    area = ThematicArea.objects.create(
        status="published",
        name_en=unique(text, index, 120),
        name_ru=unique(f"{text} ру", index, 120),
        slug=f"hostile-area-{index}",
        description_en=text,
    )
    source = SourceDocument.objects.create(
        title=text,
        slug=f"hostile-source-{index}",
        kind=SourceDocument.Kind.NEWS,
        filename=unique(f"{text}.docx", index, 200),
        text=f"{text}\n\n{text}",
        sha256="0" * 64,
        original_publisher=text,
    )
    Office.objects.create(
        status="published",
        name_en=unique(text, index, 200),
        name_ru=unique(f"{text} ру", index, 200),
        slug=f"hostile-office-{index}",
        kind=Office.Kind.PROGRAMME,
        city_en="Tashkent",  # a city the map knows, so that the office is drawn on it
        city_ru=text[:100],
        country=country,
        description_en=text,
    )
    KeyFigure.objects.create(
        status="published",
        label_en=text,
        label_ru=f"{text} ру",
        year=FIRST_YEAR + index % 20,
        amount_usd=1_000_000 + index,
        source=source,
        quote=text,
    )
    programme = Programme.objects.create(
        title_en=f"{text} {marker(index)}",
        title_ru=f"{text} {marker(index)} ру",
        slug=f"hostile-programme-{index}",
        vision_en=text,
        vision_ru=f"{text} ру",
        # Unsanitised, as rows saved before the sanitiser or imported around it may be: pages
        # and the API clean rich text on output too.
        description_en=f"<p>{marker(index)}</p>{text}",
        description_ru=f"<p>{marker(index)} ру</p>{text}",
        status="published",
        start_year=2010,
        end_year=2030,
        date_note_en=text,
        date_note_ru=f"{text} ру",
        budget_usd=1000 + index,
    )
    programme.countries.add(country)
    programme.thematic_areas.add(area)
    programme.sources.add(source)
    Signatory.objects.create(programme=programme, name=text, title=text, organisation=text)
    return {"country": country, "area": area, "source": source, "programme": programme}


def news_texts(index, payload):
    text = stored(payload)
    return {
        "title_en": f"{text} {marker(index)}",
        "title_ru": f"{text} {marker(index)} ру",
        "slug": f"hostile-news-{index}",
        "date": datetime.date(FIRST_YEAR + index // PER_YEAR, 1, 1 + index % PER_YEAR),
        "summary_en": f"{text} {marker(index)}",
        "summary_ru": f"{text} {marker(index)} ру",
        "body_en": f"<p>{marker(index)}</p>{text}",
        "body_ru": f"<p>{marker(index)} ру</p>{text}",
        "original_publisher": text,
    }


def image_form(index, payload):
    text = stored(payload)
    return {
        "file": png(f"{payload} {index}"),
        "title": text[:200],
        **{
            f"{field}_{language}": text
            for field in ("alt_text", "caption", "credit")
            for language in ("en", "ru")
        },
        "focal_x": "50",
        "focal_y": "50",
    }


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(buffer, "PNG")
    # What a browser sends for such a name: quotes escaped and line breaks gone. The form
    # refuses names of over 100 characters (the column's length, though the stored copy is
    # renamed anyway).
    name = re.sub(r"[\r\n]", " ", name).replace('"', "%22")[:90]
    return SimpleUploadedFile(f"{name}.png", buffer.getvalue(), content_type="image/png")


def news_form(index, payload, links, *, image=None):
    form = {
        **news_texts(index, payload),
        # One superuser makes every item: published without review, saying why.
        "action": "force-publish",
        "comment": "Hostile input, published to be read back.",
        "countries": [links["country"].pk],
        "programmes": [links["programme"].pk],
        "thematic_areas": [links["area"].pk],
        "source": links["source"].pk,
    }
    if image:
        form["image"] = image.pk
    return form


def refused_for_a_foreign_image(response):
    """The form's only complaint: an image in the body that is not from the media library."""
    errors = form_errors(response)
    return (
        isinstance(errors, dict)
        and set(errors) <= {"body_en", "body_ru"}
        and all("not from the media library" in str(message) for message in errors.values())
    )


def form_errors(response):
    if response.context is None or "adminform" not in response.context:
        return response.text[:500]
    return dict(response.context["adminform"].form.errors)


def hostile_fixtures(*, images):
    """A module's `hostile` records, made once for it, and `site`, a client that reads them."""

    @pytest.fixture(scope="module")
    def hostile(django_db_setup, django_db_blocker, tmp_path_factory):
        media = tmp_path_factory.mktemp("media")
        with hostile_records(django_db_blocker, media, images=images) as editor:
            yield editor

    @pytest.fixture
    def site(hostile, db):
        return Client(raise_request_exception=False)

    return hostile, site


@contextmanager
def hostile_records(django_db_blocker, media_root, *, images):
    """Every payload in every field, news items entered through the admin (with an image
    uploaded to the library, its texts and file name the payload, if images); yields the editor
    who entered them.

    Like setUpTestData: a module's tests share the records, each test's own transaction is
    rolled back to them, and this transaction is rolled back when the module is done.
    """
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(MEDIA_ROOT=media_root, REST_FRAMEWORK=UNTHROTTLED_API),
        translation.override("en"),
    ):
        user = get_user_model().objects.create_superuser("hostile-admin", "a@example.org", None)
        client = Client()
        client.force_login(user)
        for index, payload in enumerate(PAYLOADS):
            links = linked_records(index, payload)
            image = None
            if images:  # uploaded to the library, then chosen by the news item and programme
                response = client.post("/admin/images/image/add/", image_form(index, payload))
                assert response.status_code == 302, (index, payload, form_errors(response))
                image = LibraryImage.objects.latest("pk")
                make_renditions.call(image.pk)  # its task waits for a commit that never comes
                Programme.objects.filter(pk=links["programme"].pk).update(image=image)
            form = news_form(index, payload, links, image=image)
            response = client.post("/admin/news/newsitem/add/", form)
            if response.status_code == 200 and refused_for_a_foreign_image(response):
                # A body may hold only the library's images: the payload goes in as text.
                form.update(body_en=escape(form["body_en"]), body_ru=escape(form["body_ru"]))
                response = client.post("/admin/news/newsitem/add/", form)
            assert response.status_code == 302, (index, payload, form_errors(response))
            # Unread "was added" messages would pile up in the cookie, then the session.
            client.cookies.pop("messages", None)
        # The About page lists the offices and thematic areas (the seed makes it).
        Page.objects.create(slug="about", title="About", status="published")
        yield user
        transaction.set_rollback(True)


def hostile_news():
    return list(NewsItem.objects.filter(slug__startswith="hostile-news-").order_by("id"))


def hostile_programmes():
    return list(
        Programme.objects.filter(slug__startswith="hostile-programme-")
        .prefetch_related("signatories")
        .order_by("id")
    )


def in_language(record, field, language):
    return getattr(record, f"{field}_{language}") or getattr(record, f"{field}_en")


def page_url(record, language):
    return f"/{language}{record.get_absolute_url()[3:]}"


# ------------------------------------------------------------------------------ pages

# The tags the site's own templates write (and the <mark> of search excerpts, the widgets of the
# news filters), and those rich text may hold: any other tag on a page was injected.
TEMPLATES = [
    *[path for path in ROOT.glob("*/templates/**/*.html") if "admin" not in path.parts],
    *ROOT.glob("templates/*.html"),
    *ROOT.glob("templates/includes/*.html"),
]
SITE_TAGS = {
    tag.lower()
    for path in TEMPLATES
    for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", path.read_text())
} | {"mark", "input", "select", "option", "ul", "li", "div", "script"}
RICH_TEXT_TAGS = set(allowlist_from_extensions(EXTENSIONS)["tags"])
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
URL_ATTRIBUTES |= {"background", "cite", "codebase", "srcset"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
SCRIPTED_STYLE = re.compile(r"expression|url\(|script|behavior|binding|@import", re.IGNORECASE)


def is_script_url(value):
    # Browsers skip leading spaces and control characters and drop tabs and line breaks
    # anywhere in a URL before they read its scheme.
    url = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(33)))).lower()
    return url.startswith(SCRIPT_SCHEMES)


def injected_markup(root, admin=False):
    """What in one page's tree the site did not write itself, as sentences."""
    found = []
    for element in root.iter():
        if element.tag == "#comment":
            if not admin:  # (the admin's templates write some)
                found.append(f"a comment <!--{element.attrs['text'][:60]}-->")
            continue
        if not admin and element.tag not in SITE_TAGS | RICH_TEXT_TAGS | {"#document"}:
            found.append(f"injected <{element.tag}>")
        if element.tag in {"iframe", "frame", "object", "embed", "applet", "base", "style"}:
            found.append(f"<{element.tag}>")
        if element.tag == "meta" and "http-equiv" in element.attrs:
            found.append("<meta http-equiv>")
        if element.tag == "script":
            found += script_problems(element, admin)
        for name, value in element.attr_list:
            if name.startswith("on") or name in {"srcdoc", "formaction"}:
                found.append(f"<{element.tag} {name}={value!r:.60}>")
            # The public templates write no style attribute; the admin's write harmless ones.
            if name == "style" and (not admin or SCRIPTED_STYLE.search(value or "")):
                found.append(f"<{element.tag} {name}={value!r:.60}>")
            if name in URL_ATTRIBUTES and value:
                urls = value.split(",") if name == "srcset" else [value]
                if any(is_script_url(url) for url in urls):
                    found.append(f"<{element.tag} {name}={value!r:.60}>")
    return found


def script_problems(element, admin):
    """Pages have JSON-LD only; the admin also loads its scripts from the site itself."""
    kind = element.attrs.get("type")
    source = element.attrs.get("src") or ""
    if (
        admin
        and source.startswith("/")
        and not source.startswith("//")
        and not element.text().strip()
    ):
        return []
    if kind == "application/ld+json" or (admin and kind in ("application/json", "importmap")):
        try:
            json.loads(element.text())
        except ValueError:
            return [f"a JSON script that is not JSON: {element.text()[:80]!r}"]
        return []
    return [f"<script {element.attr_list!r:.60}> {element.text()[:60]!r}"]


def assert_only_site_markup(root, where, admin=False):
    injected = injected_markup(root, admin=admin)
    assert not injected, f"{where}: " + "; ".join(injected[:10])


def read_page(client, url, statuses=(200,), **headers):
    """GET a page, check its status, headers and markup, and return its tree."""
    response = client.get(url, **headers)
    assert response.status_code in statuses, f"{url}: status {response.status_code}"
    assert response.get("X-Content-Type-Options") == "nosniff", f"{url}: no nosniff"
    root = parse_html(response.text)
    assert_only_site_markup(root, url)
    return root


def json_ld(root):
    """The page's one JSON-LD object ({} if there is not exactly one that parses)."""
    scripts = root.find_all("script", type="application/ld+json")
    try:
        [data] = [json.loads(script.text()) for script in scripts]
    except ValueError:
        return {}
    return data


# ------------------------------------------------------------------------------ feeds

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_TAGS = {"rss", "channel", "title", "link", "description", "language", "lastBuildDate"}
RSS_TAGS |= {"item", "pubDate", "guid", "category", f"{ATOM}link"}
ATOM_TAGS = {f"{ATOM}{tag}" for tag in ["feed", "title", "link", "id", "updated", "subtitle"]}
ATOM_TAGS |= {f"{ATOM}{tag}" for tag in ["author", "name", "entry", "published", "summary"]}
ATOM_TAGS |= {f"{ATOM}category"}


def read_feed(client, url):
    """GET a feed, check that it is XML with only the feed's own elements; return its tree."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: status {response.status_code}"
    try:
        root = ElementTree.fromstring(response.content)
    except ElementTree.ParseError as error:
        raise AssertionError(f"{url}: not XML ({error})") from error
    tags = RSS_TAGS if root.tag == "rss" else ATOM_TAGS
    injected = {element.tag for element in root.iter()} - tags
    assert not injected, f"{url}: injected {sorted(injected)}"
    return root


def in_xml(text):
    """The text as a feed carries it: without the control characters XML 1.0 cannot hold."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def assert_escaped_once(where, text, wanted):
    """A feed's text that readers show as HTML: escaped once, so that it reads as typed."""
    assert "<" not in (text or "") and unescape(text or "") == wanted, (
        f"{where}: {text!r:.120} is not {wanted!r:.120} escaped for HTML"
    )


# ------------------------------------------------------------------------------ fuzzing


def fuzz(max_examples):
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,  # the same examples on every run, in CI and here
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # one client and one set of records, on purpose
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


def answer(client, method, path, **kwargs):
    if isinstance(kwargs.get("data"), dict):  # form fields, encoded by the test client
        response = client.post(path, **kwargs)
    else:
        response = client.generic(method, path, **kwargs)
    status = response.status_code
    assert status < 500, f"{method} {path!r:.300} {kwargs!r:.300}: {status}"
    return response


def assert_stays_on_the_site(response):
    location = response.get("Location")
    if location:
        assert url_has_allowed_host_and_scheme(location, {"testserver"}), location


# Any text but lone surrogates, which no request can carry.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
long_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=200, max_size=3000)
slug_text = st.from_regex(r"[-a-z0-9]{1,30}", fullmatch=True)
next_urls = st.one_of(
    any_text,
    st.sampled_from(
        [
            *[
                "javascript:alert(1)",
                "//evil.example/",
                "https://evil.example/",
                "\\\\evil.example",
            ],
            *["/\\evil.example", "/\t/evil.example", "http:evil.example", "/en/news/", "/ru/"],
            *["https://testserver/en/", "%2F%2Fevil.example", "/%09/evil.example", "data:,x"],
            *["///evil.example", " //evil.example", "http://[::1", "/" + "a" * 3000],
        ]
    ),
)
