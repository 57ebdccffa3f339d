"""Hostile input, from visitors and from editors.

Visitors: hypothesis generates paths, query strings, headers and form bodies against the public
pages, the feeds, the exports, the API, the language switch and the admin's forms; no answer may
be a 500, and a bad Host is a 400. The examples are the same on every run (derandomize).

Editors: every payload of tests/xss_payloads.py goes into every text field an editor can fill:
titles, summaries, rich text, alt text, captions, credits, publishers, signatories, the names and
descriptions of countries, offices, thematic areas, key figures and source documents, and the
file name of an uploaded image. News items go through the admin's form as an editor would send
them; the rest is stored as it comes (programme descriptions unsanitised, as imported rows may
be). Then every public page, feed, export and API response that shows them is read back:

- a page's markup must be the site's own: only the tags its templates write (and those rich text
  allows), no event handler or style attribute, no script URL, no script but valid JSON-LD;
- each text must read exactly as typed: the page's <h1>, <title>, alt text, caption, JSON-LD;
- feeds must parse as XML and carry texts readers show as HTML escaped once;
- JSON (API, exports) must give back the exact text, rich text as sanitised; CSV cells must
  never start a spreadsheet formula.

The visitors' tests run first, on a handful of records; the editors' content is made once for
the rest of the module, inside a transaction that is rolled back at the end.
"""

import base64
import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http.request import split_domain_port, validate_host
from django.test import Client, override_settings
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django_prose_editor.config import allowlist_from_extensions
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from editorial.richtext import EXTENSIONS, sanitize
from news.models import NewsItem
from programmes.downloads import neutralised
from programmes.models import Country, KeyFigure, Office, Programme, Signatory, ThematicArea
from search.queries import clean_query
from sources.models import SourceDocument
from tests.html_tree import parse_html
from tests.xss_payloads import PAYLOADS

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROOT = Path(__file__).resolve().parent.parent
BATCH = 10  # items per search word: the search shows at most 10 results of each kind
FIRST_YEAR = 2001
PER_YEAR = 20  # items per year: a feed filtered by year shows them all (it has 20 entries)
UNTHROTTLED_API = {"anon": "1000000/minute"}


def marker(index):
    """A word that only the items of one batch contain, to find them with the site search."""
    return "qz" + chr(ord("a") + index // BATCH) * 3


def stored(payload):
    """What can be stored: forms refuse NUL characters, and PostgreSQL cannot hold them."""
    return payload.replace("\x00", "")


# ------------------------------------------------------------------------------ records


def unique(text, index, length):
    """text cut to fit a unique field of that length, made unique by the index."""
    return f"{index} {text}"[:length]


def linked_records(index, payload):
    """A country, thematic area, office, source document and key figure named with payload."""
    text = stored(payload)
    country = Country.objects.create(
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
        image_alt=text,
        image_caption=text,
        image_credit=text,
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
        "image_alt": text,
        "image_caption": text,
        "image_credit": text,
        "original_publisher": text,
    }


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(buffer, "PNG")
    # What a browser sends for such a name: quotes escaped and line breaks gone. The form
    # refuses names of over 100 characters (the column's length, though the stored copy is
    # renamed anyway).
    name = re.sub(r"[\r\n]", " ", name).replace('"', "%22")[:90]
    return SimpleUploadedFile(f"{name}.png", buffer.getvalue(), content_type="image/png")


def news_form(index, payload, links):
    return {
        **news_texts(index, payload),
        "status": "published",
        "image": png(f"{payload} {index}"),
        "countries": [links["country"].pk],
        "programmes": [links["programme"].pk],
        "thematic_areas": [links["area"].pk],
        "source": links["source"].pk,
    }


def form_errors(response):
    if response.context is None or "adminform" not in response.context:
        return response.text[:500]
    return dict(response.context["adminform"].form.errors)


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("hostile-editor", "e@example.org", None)


@pytest.fixture
def api_unthrottled(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNTHROTTLED_API}


# ------------------------------------------------------------------------------ visitors


@pytest.fixture
def sample(db, api_unthrottled):
    """A few records of each kind, with hostile text, for the visitors' requests to find."""
    for index, payload in enumerate(PAYLOADS[:2]):
        links = linked_records(index, payload)
        fields = news_texts(index, payload)
        item = NewsItem.objects.create(**fields, status="published", source=links["source"])
        item.countries.add(links["country"])
        item.programmes.add(links["programme"])
        item.thematic_areas.add(links["area"])
    return Client(raise_request_exception=False)


@pytest.fixture
def csrf_checking():
    """A client that, like a browser on another site, has no CSRF token."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


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


SLUGS = [f"hostile-{kind}-{index}" for kind in ["news", "programme", "country"] for index in (0, 1)]
SLUGS += ["hostile-office-0", "hostile-source-1", "hostile-area-0"]
TRICKY = [
    *[".", "..", "...", "%00", "\x00", "%2F", "%2f..%2f", "%2e%2e", "%252e%252e%252f", "%c0%ae"],
    *["%ff%fe", "%", "%zz", "%u002e", "//", "\\", "..\\..\\", ";", ";x=1", "?", "#", "~", "*"],
    *["%0d%0aSet-Cookie:%20x=1", "\r\nX: y", "\t", " ", "%20", "+", "&", "=", "export.csv"],
    *["feed", "atom", "openapi.json", "'", '"', "%27", "%22", "index.php", ".env", ".git/config"],
    *["𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Привет", "\u202e", "\ufeff", "\u0130", "ǅ", "ß", "a" * 300, "9" * 40, "-1", "0"],
    *["null", "NaN", *SLUGS, *PAYLOADS[::7]],
]
PREFIXES = [
    *["", "en/", "ru/", "de/", "EN/", "en-us/", "en/news/", "ru/news/", "en/news/feed/"],
    *["ru/news/feed/atom/", "en/programmes/", "ru/countries/", "en/offices/", "en/sources/"],
    *["en/search/", "en/about/", "api/", "api/v1/", "api/v1/news/", "api/v1/programmes/"],
    *["api/v1/countries/", "api/v1/offices/", "api/v1/thematic-areas/", "admin/", "i18n/"],
    *["static/", "static/css/", "media/", "media/images/", "sitemap.xml/", "robots.txt/"],
]
# Any text but lone surrogates, which no request can carry.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
long_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=200, max_size=3000)
# What a header can carry: bytes, which the server reads as Latin-1.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=200)
slug_text = st.from_regex(r"[-a-z0-9]{1,30}", fullmatch=True)
paths = st.builds(
    lambda prefix, segments, slash: "/" + prefix + "/".join(segments) + slash,
    st.sampled_from(PREFIXES),
    st.lists(st.one_of(st.sampled_from(TRICKY), any_text, slug_text, long_text), max_size=4),
    st.sampled_from(["", "/"]),
)


@fuzz(100)
@given(method=st.sampled_from(["GET", "HEAD", "OPTIONS"]), path=paths)
def test_no_path_is_a_server_error(sample, method, path):
    answer(sample, method, path)


# Every address that reads its query string, and a few that should ignore it.
QUERY_TARGETS = [
    *["/en/news/", "/ru/news/", "/en/news/feed/", "/ru/news/feed/atom/", "/en/news/export.csv"],
    *["/ru/news/export.json", "/en/programmes/", "/en/programmes/export.csv", "/en/search/"],
    *["/ru/programmes/export.json", "/ru/search/", "/api/v1/news/", "/api/v1/programmes/"],
    *["/api/v1/news/hostile-news-0/", "/api/v1/programmes/hostile-programme-1/", "/api/"],
    *["/api/v1/countries/", "/api/v1/offices/", "/api/v1/thematic-areas/", "/api/v1/openapi.json"],
    *["/en/", "/sitemap.xml", "/en/news/hostile-news-0/", "/ru/countries/", "/en/sources/"],
    *["/en/countries/hostile-country-0/", "/robots.txt"],
]
PARAMETERS = ["q", "country", "programme", "theme", "year", "page", "cursor", "page_size", "lang"]
PARAMETERS += ["format", "p", "ordering", "search", "limit", "offset", "next", "utm_source"]
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),  # NaN and the infinities too, as Python's json writes them
    any_text,
    st.dates().map(str),
)
cursor_json = st.one_of(
    st.fixed_dictionaries({"d": json_scalar, "i": json_scalar, "r": json_scalar}),
    st.dictionaries(st.sampled_from(["d", "i", "r", "x"]), json_scalar, max_size=4),
    st.lists(json_scalar, max_size=3),
    json_scalar,
)
cursors = cursor_json.map(lambda data: base64.urlsafe_b64encode(json.dumps(data).encode()))
values = st.one_of(
    any_text,
    long_text,
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(str),
    st.sampled_from(["", "0", "-1", "1e309", "0x10", "١٢", "2015", "2001", "en", "ru", "json"]),
    st.sampled_from([*SLUGS, *PAYLOADS]),
    cursors.map(bytes.decode),
)
queries = st.one_of(
    # Known and unknown names, repeated ones (?a=1&a=2), encoded as a browser does.
    st.lists(st.tuples(st.one_of(st.sampled_from(PARAMETERS), any_text), values), max_size=6).map(
        urlencode
    ),
    # Or not encoded at all: UTF-8 bytes, which the server hands on as Latin-1 text.
    st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]), max_size=300).map(
        lambda text: text.encode().decode("latin-1")
    ),
)


@fuzz(150)
@given(target=st.sampled_from(QUERY_TARGETS), query=queries)
def test_no_query_string_is_a_server_error(sample, target, query):
    answer(sample, "GET", target, QUERY_STRING=query)


HEADERS = {
    "HTTP_ACCEPT_LANGUAGE": st.one_of(
        header_text,
        st.sampled_from(
            [
                *["ru", "ru-RU,ru;q=0.9,en;q=0.8", "*", "xx-YY", "en;q=abc", "zh-Hant-TW", "-"],
                *["ru;q=1e999", "en-" + "a" * 500, ",,,", "i-klingon", "ru;q=-1", "RU"],
            ]
        ),
    ),
    "HTTP_ACCEPT": st.one_of(
        header_text,
        st.sampled_from(
            [
                *["application/json", "text/html;q=0", "*/*;q=NaN", "application/xml"],
                *["application/json; indent=9999", "application/json; indent=-1", "text/csv"],
                *["application/vnd.oai.openapi+json", "application/json; version=2", "*/*;q=0"],
            ]
        ),
    ),
    "HTTP_IF_NONE_MATCH": st.one_of(
        header_text, st.sampled_from(["*", 'W/"x"', '"' + "a" * 1000 + '"', '"a", "b", W/"c"'])
    ),
    "HTTP_IF_MODIFIED_SINCE": st.one_of(
        header_text,
        st.sampled_from(
            [
                *["Sun, 06 Nov 1994 08:49:37 GMT", "Thu, 01 Jan 99999 00:00:00 GMT", "-1", "0"],
                *["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Mon, 32 Foo"],
            ]
        ),
    ),
    "HTTP_IF_MATCH": header_text,
    "HTTP_IF_UNMODIFIED_SINCE": header_text,
    "HTTP_RANGE": st.one_of(header_text, st.just("bytes=0-1,5-")),
    "HTTP_X_FORWARDED_FOR": st.one_of(
        header_text, st.sampled_from(["1.2.3.4, 5.6.7.8", "::1", "999.999.999.999", ","])
    ),
    "HTTP_X_FORWARDED_PROTO": header_text,
    "HTTP_X_FORWARDED_HOST": header_text,
    "HTTP_REFERER": header_text,
    "HTTP_USER_AGENT": header_text,
    "HTTP_ORIGIN": st.one_of(header_text, st.just("https://evil.example")),
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": header_text,
    "HTTP_COOKIE": st.one_of(
        header_text,
        st.builds(
            "sessionid={}; csrftoken={}; django_language={}".format,
            header_text.filter(lambda text: ";" not in text),
            header_text.filter(lambda text: ";" not in text),
            st.one_of(header_text, st.sampled_from(["ru", "en", "xx", "../../etc", ""])),
        ),
    ),
}
PAGE_TARGETS = [target for target in QUERY_TARGETS if target != "/robots.txt"]
PAGE_TARGETS += ["/en/about/", "/ru/programmes/hostile-programme-0/", "/", "/en/offices/"]


@fuzz(100)
@given(
    method=st.sampled_from(["GET", "HEAD"]),
    target=st.sampled_from(PAGE_TARGETS),
    headers=st.fixed_dictionaries({}, optional=HEADERS),
)
def test_no_header_is_a_server_error(sample, method, target, headers):
    answer(sample, method, target, **headers)


@fuzz(40)
@given(
    target=st.sampled_from(PAGE_TARGETS),
    host=st.one_of(
        header_text,
        st.sampled_from(
            [
                *["evil.example", "testserver:abc", "[::1", "localhost:99999", "a" * 300, "@"],
                *["127.0.0.1:8000", "[::1]:80", "exa mple.org", "..", "user@localhost", "[::1]"],
                *["localhost#x", "localhost.", "LOCALHOST", "localhost", "testserver"],
            ]
        ),
    ),
    first_with_a_good_host=st.booleans(),
)
def test_a_bad_host_is_a_bad_request(sample, target, host, first_with_a_good_host):
    if first_with_a_good_host:  # so that the page may be in the page cache
        answer(sample, "GET", target)
    response = answer(sample, "GET", target, HTTP_HOST=host)
    domain, _port = split_domain_port(host)
    if not (domain and validate_host(domain, settings.ALLOWED_HOSTS)):
        assert response.status_code == 400, f"Host {host!r}: {response.status_code}"


form_fields = st.dictionaries(
    st.one_of(st.sampled_from([*PARAMETERS, "csrfmiddlewaretoken", "language"]), any_text),
    st.one_of(values, st.lists(values, max_size=3)),
    max_size=6,
)
raw_bodies = st.tuples(
    st.sampled_from(
        [
            *["application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"],
            *["multipart/form-data", "application/json", "text/plain", "application/xml"],
            "application/x-www-form-urlencoded; charset=x-unknown",
        ]
    ),
    st.one_of(st.binary(max_size=500), any_text.map(str.encode), long_text.map(str.encode)),
)


@fuzz(60)
@given(
    method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE"]),
    target=st.sampled_from(PAGE_TARGETS),
    body=st.one_of(form_fields, raw_bodies),
    csrf_checks=st.booleans(),
)
def test_no_form_body_sent_to_a_public_page_is_a_server_error(
    sample, csrf_checking, method, target, body, csrf_checks
):
    client = csrf_checking if csrf_checks else sample
    if isinstance(body, dict):
        response = answer(client, "POST", target, data=body)
    else:
        content_type, data = body
        response = answer(client, method, target, data=data, content_type=content_type)
    if target.startswith("/api/v1/"):
        assert response.status_code == 405  # read-only
    elif csrf_checks and target != "/":  # ("/" only redirects to a language)
        assert response.status_code == 403  # a form that did not come from the site


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


def assert_stays_on_the_site(response):
    location = response.get("Location")
    if location:
        assert url_has_allowed_host_and_scheme(location, {"testserver"}), location


@fuzz(30)
@given(
    language=st.one_of(st.sampled_from(["en", "ru", "xx", "", "ru-RU"]), any_text),
    next_url=next_urls,
    referer=st.one_of(st.none(), next_urls),
)
def test_language_switch_never_fails_or_leaves_the_site(sample, language, next_url, referer):
    headers = {"HTTP_REFERER": referer} if referer is not None else {}
    response = sample.post("/i18n/setlang/", {"language": language, "next": next_url}, **headers)
    assert response.status_code < 500, (language, next_url, referer)
    assert_stays_on_the_site(response)


@fuzz(30)
@given(username=st.one_of(any_text, long_text), password=any_text, next_url=next_urls)
def test_admin_login_refuses_garbage_without_failing_or_leaving_the_site(
    sample, settings, username, password, next_url
):
    # An unknown user costs a password hash too (against timing attacks): a fast one here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    response = sample.post(
        "/admin/login/?" + urlencode({"next": next_url}),
        {"username": username, "password": password, "next": next_url},
    )
    # The form again with its error (200), or, once logins are throttled, locked out.
    assert response.status_code in (200, 403, 429), (username, password, next_url)
    assert "_auth_user_id" not in sample.session
    if response.status_code == 200:
        assert not injected_markup(parse_html(response.text), "login page", admin=True)


def test_admin_refuses_nul_characters_and_saves_nothing(sample, editor):
    sample.force_login(editor)
    count = NewsItem.objects.count()
    for payload in [payload for payload in PAYLOADS if "\x00" in payload]:
        data = {"title_en": payload, "slug": "nul", "summary_en": payload, "body_en": payload}
        response = sample.post("/admin/news/newsitem/add/", {**data, "status": "published"})
        assert response.status_code == 200
        assert "Null characters are not allowed." in response.text
        assert NewsItem.objects.count() == count


def test_search_news_filter_and_feed_show_hostile_queries_as_typed(sample):
    problems = []
    for index, payload in enumerate(PAYLOADS):
        query = urlencode({"q": payload})
        root = read_page(sample, f"/en/search/?{query}", problems)
        typed = root and root.find("input", id="search-q").attrs.get("value")
        expect(problems, f"search for {payload!r}", "the box", typed, clean_query(payload))
        # The news filter's box is the same kind of context: every other payload is enough.
        # It refuses NUL characters (400), and says so on the page.
        if index % 2 == 0:
            root = read_page(sample, f"/en/news/?{query}", problems, statuses=(200, 400))
            typed = root and root.find("input", id="id_q").attrs.get("value")
            expect(problems, f"news for {payload!r}", "the box", typed, payload)
        if "\x00" in payload or index % 3:  # (every third: the feed's title is one context)
            continue
        if (rss := read_feed(sample, f"/en/news/feed/?{query}", problems)) is not None:
            # RSS readers may show the channel's title as HTML, as they do the items' titles.
            title = rss.findtext("channel/title").partition("(")[2]
            wanted = in_xml(f"Words: {payload.strip()})")
            escaped_once(problems, f"feed for {payload!r}", title, wanted)
    assert not problems, report(problems)


dates = st.one_of(
    st.dates().map(str), any_text, st.sampled_from(["2020-02-30", "0000-00-00", "99999-01-01"])
)
admin_text = st.one_of(any_text, long_text, st.sampled_from(PAYLOADS))
# Links are chosen from lists in the browser: any number, but numbers.
record_ids = st.integers(-(2**63), 2**63 - 1).map(str)
news_fields = st.fixed_dictionaries(
    {
        "title_en": admin_text,
        "slug": st.one_of(slug_text, any_text),
        "summary_en": admin_text,
        "body_en": admin_text,
        "status": st.sampled_from(["draft", "review", "published", "deleted", ""]),
    },
    optional={
        "title_ru": admin_text,
        "summary_ru": admin_text,
        "body_ru": admin_text,
        "date": dates,
        "publish_at_0": dates,
        "publish_at_1": any_text,
        "expire_at_0": dates,
        "expire_at_1": any_text,
        "image_alt": admin_text,
        "image_caption": admin_text,
        "image_credit": admin_text,
        "original_publisher": admin_text,
        "countries": st.lists(record_ids, max_size=3),
        "source": record_ids,
        "version": st.one_of(any_text, record_ids),
    },
)


@fuzz(40)
@given(fields=news_fields, change=st.booleans())
def test_news_admin_form_answers_fuzzed_text_with_errors_or_a_clean_save(
    sample, editor, fields, change
):
    sample.force_login(editor)
    item = NewsItem.objects.get(slug="hostile-news-1")
    url = f"/admin/news/newsitem/{item.pk}/change/" if change else "/admin/news/newsitem/add/"
    with transaction.atomic():
        before = NewsItem.objects.count(), item.version
        response = answer(
            sample,
            "POST",
            url,
            data=urlencode(fields, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
        item.refresh_from_db()
        if response.status_code == 200:  # the form with its errors: nothing was saved
            assert (NewsItem.objects.count(), item.version) == before
        else:
            assert response.status_code == 302
            saved = item if change else NewsItem.objects.latest("id")
            assert saved.body_en == sanitize(saved.body_en)
            if saved.is_public:
                answer(sample, "GET", saved.get_absolute_url())
        transaction.set_rollback(True)


# ------------------------------------------------------------------------------ editors


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every payload in every field; news items entered through the admin with an image."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            REST_FRAMEWORK={
                **settings.REST_FRAMEWORK,
                "DEFAULT_THROTTLE_RATES": UNTHROTTLED_API,
            },
        ),
        translation.override("en"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            user = get_user_model().objects.create_superuser("hostile-admin", "a@example.org", None)
            client = Client()
            client.force_login(user)
            for index, payload in enumerate(PAYLOADS):
                links = linked_records(index, payload)
                response = client.post(
                    "/admin/news/newsitem/add/", news_form(index, payload, links)
                )
                assert response.status_code == 302, (index, payload, form_errors(response))
                # Unread "was added" messages would pile up in the cookie, then the session.
                client.cookies.pop("messages", None)
                # The programme shows the same upload (and its renditions).
                image = NewsItem.objects.values("image", "image_width", "image_height").get(
                    slug=f"hostile-news-{index}"
                )
                Programme.objects.filter(pk=links["programme"].pk).update(**image)
            yield user
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def site(hostile, db):
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNTHROTTLED_API}
    ):
        yield Client(raise_request_exception=False)


def test_there_are_over_100_distinct_payloads_that_fit_every_field():
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 100
    assert max(len(payload) for payload in PAYLOADS) <= 180


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
MEDIA_URL = re.compile(r"(https?://testserver)?/media/[-\w./]+", re.ASCII)


def is_script_url(value):
    # Browsers skip leading spaces and control characters and drop tabs and line breaks
    # anywhere in a URL before they read its scheme.
    url = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(33)))).lower()
    return url.startswith(SCRIPT_SCHEMES)


def injected_markup(root, where, admin=False):
    """What in the tree the site did not write itself, as sentences."""
    problems = []
    for element in root.iter():
        if element.tag == "#comment":
            if not admin:  # (the admin's templates write some)
                problems.append(f"{where}: a comment <!--{element.attrs['text'][:60]}-->")
            continue
        if not admin and element.tag not in SITE_TAGS | RICH_TEXT_TAGS | {"#document"}:
            problems.append(f"{where}: injected <{element.tag}>")
        if element.tag in {"iframe", "frame", "object", "embed", "applet", "base", "style"}:
            problems.append(f"{where}: <{element.tag}>")
        if element.tag == "meta" and "http-equiv" in element.attrs:
            problems.append(f"{where}: <meta http-equiv>")
        if element.tag == "script":
            problems += script_problems(element, where, admin)
        for name, value in element.attr_list:
            if name.startswith("on") or name in {"srcdoc", "formaction"}:
                problems.append(f"{where}: <{element.tag} {name}={value!r:.60}>")
            # The public templates write no style attribute; the admin's write harmless ones.
            if name == "style" and (not admin or SCRIPTED_STYLE.search(value or "")):
                problems.append(f"{where}: <{element.tag} {name}={value!r:.60}>")
            if name in URL_ATTRIBUTES and value:
                urls = value.split(",") if name == "srcset" else [value]
                if any(is_script_url(url) for url in urls):
                    problems.append(f"{where}: <{element.tag} {name}={value!r:.60}>")
    return problems


def script_problems(element, where, admin):
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
            return [f"{where}: a JSON script that is not JSON: {element.text()[:80]!r}"]
        return []
    return [f"{where}: <script {element.attr_list!r:.60}> {element.text()[:60]!r}"]


def read_page(client, url, problems, statuses=(200,), **headers):
    """GET a page; check its status, headers and markup; return its tree (None if not found)."""
    response = client.get(url, **headers)
    if response.status_code not in statuses:
        problems.append(f"{url}: status {response.status_code}")
        return None
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no X-Content-Type-Options: nosniff")
    root = parse_html(response.text)
    problems += injected_markup(root, url)
    return root


def expect(problems, where, what, found, wanted):
    if found != wanted:
        problems.append(f"{where}: {what} reads {found!r:.120}, not {wanted!r:.120}")


def report(problems):
    return f"{len(problems)} problems, the first ones:\n" + "\n".join(problems[:25])


def json_ld(root):
    """The page's one JSON-LD object ({} if there is not exactly one that parses)."""
    scripts = root.find_all("script", type="application/ld+json")
    try:
        [data] = [json.loads(script.text()) for script in scripts]
    except ValueError:
        return {}
    return data


def check_image(problems, url, root, item):
    """The figure shows the alt text, caption and credit as typed; its files are safely named."""
    figure = root.find("figure")
    expect(problems, url, "alt text", figure.find("img").attrs.get("alt"), item.image_alt)
    caption = f"{item.image_caption} {item.image_credit}"
    expect(problems, url, "figure caption", figure.find("figcaption").text(), caption)
    files = [figure.find("img").attrs.get("src", "")]
    for element in [figure.find("img"), *figure.find_all("source")]:
        files += [part.split()[0] for part in element.attrs.get("srcset", "").split(", ") if part]
    files += [meta.attrs["content"] for meta in root.find_all("meta", property="og:image")]
    problems += [f"{url}: image file {n!r}" for n in files if not MEDIA_URL.fullmatch(n)]


def in_language(record, field, language):
    return getattr(record, f"{field}_{language}") or getattr(record, f"{field}_en")


def page_url(record, language):
    return f"/{language}{record.get_absolute_url()[3:]}"


def shown_in(language, index):
    """Detail pages are read for every payload in English and every other one in Russian (the
    Russian lists, feeds, exports and API have them all): the module's time is bounded."""
    return language == "en" or index % 2 == 0


def detail_pages(site, records, language, problems):
    """(index, record, url, root, title) for each record's page read in language (as
    shown_in() chooses), once its <h1> and <title> are checked to show the title as typed."""
    for index, record in enumerate(records):
        if not shown_in(language, index):
            continue
        url = page_url(record, language)
        root = read_page(site, url, problems)
        if root is None:
            continue
        title = in_language(record, "title", language)
        expect(problems, url, "<h1>", root.find("h1").text(), title)
        expect(problems, url, "<title>", root.find("title").text(), f"{title} · UNODC ROCA")
        yield index, record, url, root, title


def hostile_news():
    return list(NewsItem.objects.filter(slug__startswith="hostile-news-").order_by("id"))


def hostile_programmes():
    return list(
        Programme.objects.filter(slug__startswith="hostile-programme-")
        .prefetch_related("signatories")
        .order_by("id")
    )


# ------------------------------------------------------------------------------ pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_news_pages_show_what_editors_typed_as_text(site, language):
    problems = []
    for index, item, url, root, title in detail_pages(site, hostile_news(), language, problems):
        summary = in_language(item, "summary", language)
        og_title = root.find("meta", property="og:title").attrs.get("content")
        expect(problems, url, "og:title", og_title, title)
        article = json_ld(root)
        expect(problems, url, "JSON-LD headline", article.get("headline"), title)
        expect(problems, url, "JSON-LD description", article.get("description"), summary)
        if item.original_publisher not in root.find("p", class_="meta").text():
            problems.append(f"{url}: the original publisher is not shown as typed")
        check_image(problems, url, root, item)
        if marker(index) not in root.find("div", class_="prose").text():
            problems.append(f"{url}: the body lost its text")
    assert not problems, report(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_news_list_home_and_search_show_titles_as_text(site, language):
    problems = []
    news = hostile_news()
    shown = []
    for page in range(1, len(news) // settings.NEWS_PER_PAGE + 2):
        root = read_page(site, f"/{language}/news/?page={page}", problems)
        if root is not None:
            shown += [card.find("h3").text() for card in root.find_all("article", class_="card")]
    titles = [in_language(item, "title", language) for item in news]
    expect(problems, "the news list", "titles", sorted(shown), sorted(titles))
    read_page(site, f"/{language}/", problems)
    for batch in range(0, len(news), BATCH):
        url = f"/{language}/search/?q={marker(batch)}"
        found = set()
        for page in range(1, 10):
            root = read_page(site, f"{url}&page={page}", problems)
            if root is None:
                break
            found |= {h3.text() for h3 in root.find("ol", class_="search-results").find_all("h3")}
            if not root.find_all("a", rel="next"):
                break
        missing = set(titles[batch : batch + BATCH]) - found
        expect(problems, url, "news titles missing from the results", missing, set())
    assert not problems, report(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_pages_show_what_editors_typed_as_text(site, language):
    problems = []
    programmes = hostile_programmes()
    root = read_page(site, f"/{language}/programmes/", problems)
    if root is not None:
        shown = [card.find("h2").text() for card in root.find_all("article", class_="card")]
        titles = [in_language(p, "title", language) for p in programmes]
        expect(problems, "the programme list", "titles", sorted(shown), sorted(titles))
    for _index, programme, url, root, _title in detail_pages(site, programmes, language, problems):
        vision = root.find("p", class_="lead").text()
        expect(problems, url, "vision", vision, in_language(programme, "vision", language))
        [signatory] = programme.signatories.all()
        cells = [cell.text() for cell in root.find("tbody").iter() if cell.tag in ("th", "td")]
        wanted = [signatory.name, signatory.title, signatory.organisation]
        expect(problems, url, "signatory", cells, wanted)
        check_image(problems, url, root, programme)
    assert not problems, report(problems)


def test_country_office_source_and_about_pages_show_names_as_text(site):
    problems = []
    for language in LANGUAGES:
        for page in ["countries/", "offices/", "sources/", "about/"]:
            read_page(site, f"/{language}/{page}", problems)
    for index in range(len(PAYLOADS)):
        for record in [
            Country.objects.get(slug=f"hostile-country-{index}"),
            Office.objects.get(slug=f"hostile-office-{index}"),
            SourceDocument.objects.get(slug=f"hostile-source-{index}"),
        ]:
            url = page_url(record, "en")
            root = read_page(site, url, problems)
            name = getattr(record, "name", None) or record.title
            if root is not None:
                expect(problems, url, "<h1>", root.find("h1").text(), name)
    assert not problems, report(problems)


# ------------------------------------------------------------------------------ feeds, sitemap

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_TAGS = {"rss", "channel", "title", "link", "description", "language", "lastBuildDate"}
RSS_TAGS |= {"item", "pubDate", "guid", "category", f"{ATOM}link"}
ATOM_TAGS = {f"{ATOM}{tag}" for tag in ["feed", "title", "link", "id", "updated", "subtitle"]}
ATOM_TAGS |= {f"{ATOM}{tag}" for tag in ["author", "name", "entry", "published", "summary"]}
ATOM_TAGS |= {f"{ATOM}category"}


def read_feed(client, url, problems):
    response = client.get(url)
    if response.status_code != 200:
        problems.append(f"{url}: status {response.status_code}")
        return None
    try:
        root = ElementTree.fromstring(response.content)
    except ElementTree.ParseError as error:
        problems.append(f"{url}: not XML ({error})")
        return None
    tags = RSS_TAGS if root.tag == "rss" else ATOM_TAGS
    problems += [f"{url}: injected <{e.tag}>" for e in root.iter() if e.tag not in tags]
    return root


def in_xml(text):
    """The text as a feed carries it: without the control characters XML 1.0 cannot hold."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def escaped_once(problems, where, text, wanted):
    """A feed's text that readers show as HTML: escaped once, so that it reads as typed."""
    if "<" in (text or "") or unescape(text or "") != wanted:
        problems.append(f"{where}: {text!r:.120} is not {wanted!r:.120} escaped for HTML")


@pytest.mark.parametrize("language", LANGUAGES)
def test_feeds_parse_and_carry_titles_and_summaries_as_text(site, language):
    problems = []
    by_path = {page_url(item, language): item for item in hostile_news()}
    for year in sorted({item.date.year for item in by_path.values()}):
        wanted = sorted(path for path, item in by_path.items() if item.date.year == year)
        url = f"/{language}/news/feed/?year={year}"
        if (rss := read_feed(site, url, problems)) is not None:
            entries = rss.findall("channel/item")
            paths = sorted(urlsplit(entry.findtext("link")).path for entry in entries)
            expect(problems, url, "items", paths, wanted)
            for entry in entries:
                item = by_path.get(urlsplit(entry.findtext("link")).path)
                title = in_xml(in_language(item, "title", language))
                escaped_once(problems, f"{url} title", entry.findtext("title"), title)
                summary = in_xml(in_language(item, "summary", language))
                escaped_once(problems, f"{url} description", entry.findtext("description"), summary)
                categories = {element.text for element in entry.findall("category")}
                links = [*item.countries.all(), *item.thematic_areas.all()]
                names = {in_xml(in_language(link, "name", language)) for link in links}
                expect(problems, url, "categories", categories, names)
        url = f"/{language}/news/feed/atom/?year={year}"
        if (atom := read_feed(site, url, problems)) is not None:
            entries = atom.findall(f"{ATOM}entry")
            paths = sorted(urlsplit(e.find(f"{ATOM}link").get("href")).path for e in entries)
            expect(problems, url, "entries", paths, wanted)
            for entry in entries:
                item = by_path.get(urlsplit(entry.find(f"{ATOM}link").get("href")).path)
                title = in_xml(in_language(item, "title", language))
                expect(problems, url, "title", entry.findtext(f"{ATOM}title"), title)
                summary = in_xml(in_language(item, "summary", language))
                escaped_once(problems, f"{url} summary", entry.findtext(f"{ATOM}summary"), summary)
    assert not problems, report(problems)


def test_feeds_named_after_hostile_countries_are_well_formed(site):
    problems = []
    for index in range(len(PAYLOADS)):
        country = Country.objects.get(slug=f"hostile-country-{index}")
        name = in_xml(country.name)
        url = f"/en/news/feed/?country={country.slug}"
        if (rss := read_feed(site, url, problems)) is not None:
            title = rss.findtext("channel/title").partition("(")[2]
            escaped_once(problems, f"{url} channel title", title, f"Country: {name})")
        url = f"/en/news/feed/atom/?country={country.slug}"
        if index % 3 == 0 and (atom := read_feed(site, url, problems)) is not None:
            title = atom.findtext(f"{ATOM}title").partition("(")[2]
            expect(problems, url, "title", title, f"Country: {name})")
    assert not problems, report(problems)


def test_sitemap_lists_every_hostile_page_by_its_plain_address(site):
    response = site.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = [loc.text for loc in root.iter(f"{namespace}loc")]
    assert all(re.fullmatch(r"http://testserver/(en|ru)/[-\w/]*", loc) for loc in locations)
    for record in [*hostile_news(), *hostile_programmes()]:
        assert f"http://testserver{record.get_absolute_url()}" in locations


# ------------------------------------------------------------------------------ API, exports


def api_records(client, url, problems):
    """Every record of a list, following its next links."""
    records = []
    while url:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: status {response.status_code}")
            return records
        if response["Content-Type"] != "application/json":
            problems.append(f"{url}: served as {response['Content-Type']}")
        if response.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{url}: no X-Content-Type-Options: nosniff")
        data = response.json()
        records += data["results"]
        url = data["next"]
    return records


def compare_fields(problems, where, record, wanted):
    for field, value in wanted.items():
        expect(problems, where, field, record.get(field), value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_gives_back_exactly_what_editors_typed(site, language):
    problems = []
    by_slug = {
        record["slug"]: record
        for collection in ["news", "programmes", "countries", "offices", "thematic-areas"]
        for record in api_records(
            site, f"/api/v1/{collection}/?lang={language}&page_size=100", problems
        )
    }
    for item in hostile_news():
        record = by_slug.get(item.slug, {})
        compare_fields(
            problems,
            item.slug,
            record,
            {
                "title": in_language(item, "title", language),
                "summary": in_language(item, "summary", language),
                "body": sanitize(in_language(item, "body", language)),
                "original_publisher": item.original_publisher,
            },
        )
        links = {
            "countries": in_language(item.countries.get(), "name", language),
            "thematic_areas": in_language(item.thematic_areas.get(), "name", language),
            "programmes": in_language(item.programmes.get(), "title", language),
            "sources": item.source.title,
        }
        for field, name in links.items():
            found = [link.get("name", link.get("title")) for link in record.get(field, [])]
            expect(problems, item.slug, field, found, [name])
    for programme in hostile_programmes():
        compare_fields(
            problems,
            programme.slug,
            by_slug.get(programme.slug, {}),
            {
                "title": in_language(programme, "title", language),
                "vision": in_language(programme, "vision", language),
                "description": sanitize(in_language(programme, "description", language)),
                "date_note": in_language(programme, "date_note", language),
            },
        )
    for model in [Country, Office, ThematicArea]:
        for record in model.objects.filter(slug__startswith="hostile-"):
            wanted = {
                "name": in_language(record, "name", language),
                "description": in_language(record, "description", language),
            }
            compare_fields(problems, record.slug, by_slug.get(record.slug, {}), wanted)
    read_page(site, "/api/", problems, HTTP_ACCEPT_LANGUAGE=language)  # with an example record
    assert not problems, report(problems)


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.get("X-Content-Type-Options") == "nosniff"
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("language", LANGUAGES)
def test_exports_give_back_titles_with_formulas_made_inert(site, language):
    problems = []
    for name, records in [("news", hostile_news()), ("programmes", hostile_programmes())]:
        titles = sorted(in_language(record, "title", language) for record in records)
        rows = list(csv.DictReader(io.StringIO(download(site, f"/{language}/{name}/export.csv"))))
        for row in rows:
            for column, cell in row.items():
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    problems.append(f"{name}.csv: {column} {cell!r:.80} is a formula")
        exported = sorted(row["title"] for row in rows)
        expect(problems, f"{name}.csv", "titles", exported, sorted(map(neutralised, titles)))
        data = json.loads(download(site, f"/{language}/{name}/export.json"))
        expect(problems, f"{name}.json", "titles", sorted(r["title"] for r in data), titles)
    assert not problems, report(problems)


# ------------------------------------------------------------------------------ the admin


def admin_page_problems(client, url):
    response = client.get(url)
    if response.status_code != 200:
        return [f"{url}: status {response.status_code}"]
    return injected_markup(parse_html(response.text), url, admin=True)


def test_admin_lists_history_and_comparisons_show_hostile_text_as_text(site, hostile):
    site.force_login(hostile)
    sample = hostile_news()[::20]
    for index, item in enumerate(sample):
        # A second revision with another payload, for the comparison to show both.
        item.summary_en = PAYLOADS[-index]
        item.save()
    problems = []
    for model in ["news/newsitem", "programmes/programme", "programmes/country"]:
        problems += admin_page_problems(site, f"/admin/{model}/?all=")
    for model in ["programmes/office", "programmes/keyfigure", "programmes/thematicarea"]:
        problems += admin_page_problems(site, f"/admin/{model}/?all=")
    problems += admin_page_problems(site, "/admin/sources/sourcedocument/?all=")
    for item in sample:
        for page in ["change/", "history/", "history/compare/", "preview/"]:
            problems += admin_page_problems(site, f"/admin/news/newsitem/{item.pk}/{page}")
    for programme in hostile_programmes()[::20]:
        problems += admin_page_problems(site, f"/admin/programmes/programme/{programme.pk}/change/")
    assert not problems, report(problems)
