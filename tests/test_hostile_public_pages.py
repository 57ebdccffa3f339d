"""Hostile input on the public pages, feeds and sitemap, from visitors and from editors.

Visitors: hypothesis generates paths, query strings, headers and form bodies against the public
pages, the feeds, the exports, the API and the language switch; no answer may be a 500, and a
bad Host is a 400. The examples are the same on every run (derandomize).

Editors: every payload in every field (tests/hostile.py), made once for the module. Each text
must read exactly as typed: a page's <h1>, <title>, og:title and JSON-LD; feeds must parse as
XML and carry texts readers show as HTML escaped once.
"""

import base64
import json
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from news.models import NewsItem
from programmes.models import Country, Office, Programme
from search.queries import clean_query
from sources.models import SourceDocument
from tests.hostile import (
    ATOM,
    BATCH,
    FIRST_YEAR,
    LANGUAGES,
    PER_YEAR,
    answer,
    any_text,
    assert_escaped_once,
    assert_stays_on_the_site,
    detail_params,
    fuzz,
    hostile_fixtures,
    hostile_news,
    hostile_programmes,
    in_language,
    in_xml,
    json_ld,
    long_text,
    marker,
    next_urls,
    page_url,
    read_feed,
    read_page,
    slug_text,
)
from tests.xss_payloads import PAYLOADS

YEARS = sorted({FIRST_YEAR + index // PER_YEAR for index in range(len(PAYLOADS))})


hostile, site = hostile_fixtures(images=False)


@pytest.fixture
def csrf_checking(site):
    """A client that, like a browser on another site, has no CSRF token."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def test_there_are_over_100_distinct_payloads_that_fit_every_field():
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 100
    assert max(len(payload) for payload in PAYLOADS) <= 180


# ------------------------------------------------------------------------------ visitors

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
# What a header can carry: bytes, which the server reads as Latin-1.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=200)
paths = st.builds(
    lambda prefix, segments, slash: "/" + prefix + "/".join(segments) + slash,
    st.sampled_from(PREFIXES),
    st.lists(st.one_of(st.sampled_from(TRICKY), any_text, slug_text, long_text), max_size=4),
    st.sampled_from(["", "/"]),
)


@fuzz(100)
@given(method=st.sampled_from(["GET", "HEAD", "OPTIONS"]), path=paths)
def test_no_path_is_a_server_error(site, method, path):
    answer(site, method, path)


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
def test_no_query_string_is_a_server_error(site, target, query):
    answer(site, "GET", target, QUERY_STRING=query)


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
def test_no_header_is_a_server_error(site, method, target, headers):
    answer(site, method, target, **headers)


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
def test_a_bad_host_is_a_bad_request(site, target, host, first_with_a_good_host):
    if first_with_a_good_host:  # so that the page may be in the page cache
        answer(site, "GET", target)
    response = answer(site, "GET", target, HTTP_HOST=host)
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
    site, csrf_checking, method, target, body, csrf_checks
):
    client = csrf_checking if csrf_checks else site
    if isinstance(body, dict):
        response = answer(client, "POST", target, data=body)
    else:
        content_type, data = body
        response = answer(client, method, target, data=data, content_type=content_type)
    if target.startswith("/api/v1/"):
        assert response.status_code == 405  # read-only
    elif csrf_checks and target != "/":  # ("/" only redirects to a language)
        assert response.status_code == 403  # a form that did not come from the site


@fuzz(30)
@given(
    language=st.one_of(st.sampled_from(["en", "ru", "xx", "", "ru-RU"]), any_text),
    next_url=next_urls,
    referer=st.one_of(st.none(), next_urls),
)
def test_language_switch_never_fails_or_leaves_the_site(site, language, next_url, referer):
    headers = {"HTTP_REFERER": referer} if referer is not None else {}
    response = site.post("/i18n/setlang/", {"language": language, "next": next_url}, **headers)
    assert response.status_code < 500, (language, next_url, referer)
    assert_stays_on_the_site(response)


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_search_box_shows_a_hostile_query_as_typed(site, index):
    url = f"/en/search/?{urlencode({'q': PAYLOADS[index]})}"
    typed = read_page(site, url).find("input", id="search-q").attrs.get("value")
    assert typed == clean_query(PAYLOADS[index]), f"{url}: the box reads {typed!r:.120}"


# The news filter's box is the same kind of context: every other payload is enough. It refuses
# NUL characters (400), and says so on the page.
@pytest.mark.parametrize("index", range(0, len(PAYLOADS), 2))
def test_news_filter_box_shows_a_hostile_query_as_typed(site, index):
    url = f"/en/news/?{urlencode({'q': PAYLOADS[index]})}"
    typed = read_page(site, url, statuses=(200, 400)).find("input", id="id_q").attrs.get("value")
    assert typed == PAYLOADS[index], f"{url}: the box reads {typed!r:.120}"


# Every third payload: the feed's title is one context. RSS readers may show the channel's title
# as HTML, as they do the items' titles.
@pytest.mark.parametrize(
    "index", [i for i in range(0, len(PAYLOADS), 3) if "\x00" not in PAYLOADS[i]]
)
def test_news_feed_title_shows_a_hostile_query_escaped_once(site, index):
    url = f"/en/news/feed/?{urlencode({'q': PAYLOADS[index]})}"
    title = read_feed(site, url).findtext("channel/title").partition("(")[2]
    assert_escaped_once(url, title, in_xml(f"Words: {PAYLOADS[index].strip()})"))


# ------------------------------------------------------------------------------ editors' pages


def assert_reads(url, what, found, wanted):
    assert found == wanted, f"{url}: {what} reads {found!r:.120}, not {wanted!r:.120}"


def read_detail_page(site, record, language):
    """The record's page in language, once its <h1> and <title> show the title as typed."""
    url = page_url(record, language)
    root = read_page(site, url)
    title = in_language(record, "title", language)
    assert_reads(url, "<h1>", root.find("h1").text(), title)
    assert_reads(url, "<title>", root.find("title").text(), f"{title} · UNODC ROCA")
    return url, root, title


@pytest.mark.parametrize(("language", "index"), detail_params())
def test_news_page_shows_what_editors_typed_as_text(site, language, index):
    item = NewsItem.objects.get(slug=f"hostile-news-{index}")
    url, root, title = read_detail_page(site, item, language)
    og_title = root.find("meta", property="og:title").attrs.get("content")
    assert_reads(url, "og:title", og_title, title)
    article = json_ld(root)
    assert_reads(url, "JSON-LD headline", article.get("headline"), title)
    summary = in_language(item, "summary", language)
    assert_reads(url, "JSON-LD description", article.get("description"), summary)
    assert item.original_publisher in root.find("p", class_="meta").text(), (
        f"{url}: the original publisher is not shown as typed"
    )
    assert marker(index) in root.find("div", class_="prose").text(), f"{url}: the body lost it"


@pytest.mark.parametrize("language", LANGUAGES)
def test_news_list_shows_every_title_as_text(site, language):
    news = hostile_news()
    shown = []
    for page in range(1, len(news) // settings.NEWS_PER_PAGE + 2):
        root = read_page(site, f"/{language}/news/?page={page}")
        shown += [card.find("h3").text() for card in root.find_all("article", class_="card")]
    titles = [in_language(item, "title", language) for item in news]
    assert sorted(shown) == sorted(titles)


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_shows_hostile_news_as_text(site, language):
    read_page(site, f"/{language}/")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("batch", range(0, len(PAYLOADS), BATCH))
def test_search_finds_hostile_news_by_their_titles(site, language, batch):
    titles = [
        in_language(item, "title", language) for item in hostile_news()[batch : batch + BATCH]
    ]
    url = f"/{language}/search/?q={marker(batch)}"
    found = set()
    for page in range(1, 10):
        root = read_page(site, f"{url}&page={page}")
        found |= {h3.text() for h3 in root.find("ol", class_="search-results").find_all("h3")}
        if not root.find_all("a", rel="next"):
            break
    assert set(titles) - found == set(), f"{url}: news titles missing from the results"


@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_list_shows_every_title_as_text(site, language):
    root = read_page(site, f"/{language}/programmes/")
    shown = [card.find("h2").text() for card in root.find_all("article", class_="card")]
    titles = [in_language(programme, "title", language) for programme in hostile_programmes()]
    assert sorted(shown) == sorted(titles)


@pytest.mark.parametrize(("language", "index"), detail_params())
def test_programme_page_shows_what_editors_typed_as_text(site, language, index):
    programme = Programme.objects.get(slug=f"hostile-programme-{index}")
    url, root, _title = read_detail_page(site, programme, language)
    vision = root.find("p", class_="lead").text()
    assert_reads(url, "vision", vision, in_language(programme, "vision", language))
    [signatory] = programme.signatories.all()
    cells = [cell.text() for cell in root.find("tbody").iter() if cell.tag in ("th", "td")]
    wanted = [signatory.name, signatory.title, signatory.organisation]
    assert_reads(url, "signatory", cells, wanted)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", ["countries/", "offices/", "sources/", "about/"])
def test_country_office_source_and_about_lists_show_names_as_text(site, language, page):
    read_page(site, f"/{language}/{page}")


@pytest.mark.parametrize("model", [Country, Office, SourceDocument], ids=lambda m: m.__name__)
@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_country_office_and_source_pages_show_names_as_text(site, model, index):
    kind = {Country: "country", Office: "office", SourceDocument: "source"}[model]
    record = model.objects.get(slug=f"hostile-{kind}-{index}")
    url = page_url(record, "en")
    name = getattr(record, "name", None) or record.title
    assert_reads(url, "<h1>", read_page(site, url).find("h1").text(), name)


# ------------------------------------------------------------------------------ feeds, sitemap


def news_of_year(language, year):
    """{path: item} of the year's hostile news, by their pages' paths in language."""
    return {page_url(item, language): item for item in hostile_news() if item.date.year == year}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("year", YEARS)
def test_rss_feed_carries_titles_summaries_and_categories_as_text(site, language, year):
    by_path = news_of_year(language, year)
    url = f"/{language}/news/feed/?year={year}"
    entries = read_feed(site, url).findall("channel/item")
    paths = sorted(urlsplit(entry.findtext("link")).path for entry in entries)
    assert paths == sorted(by_path), f"{url}: items"
    for entry in entries:
        item = by_path[urlsplit(entry.findtext("link")).path]
        title = in_xml(in_language(item, "title", language))
        assert_escaped_once(f"{url} title", entry.findtext("title"), title)
        summary = in_xml(in_language(item, "summary", language))
        assert_escaped_once(f"{url} description", entry.findtext("description"), summary)
        categories = {element.text for element in entry.findall("category")}
        links = [*item.countries.all(), *item.thematic_areas.all()]
        names = {in_xml(in_language(link, "name", language)) for link in links}
        assert categories == names, f"{url}: categories of {item.slug}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("year", YEARS)
def test_atom_feed_carries_titles_and_summaries_as_text(site, language, year):
    by_path = news_of_year(language, year)
    url = f"/{language}/news/feed/atom/?year={year}"
    entries = read_feed(site, url).findall(f"{ATOM}entry")
    paths = sorted(urlsplit(entry.find(f"{ATOM}link").get("href")).path for entry in entries)
    assert paths == sorted(by_path), f"{url}: entries"
    for entry in entries:
        item = by_path[urlsplit(entry.find(f"{ATOM}link").get("href")).path]
        title = in_xml(in_language(item, "title", language))
        assert_reads(url, "title", entry.findtext(f"{ATOM}title"), title)
        summary = in_xml(in_language(item, "summary", language))
        assert_escaped_once(f"{url} summary", entry.findtext(f"{ATOM}summary"), summary)


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_feeds_named_after_hostile_countries_are_well_formed(site, index):
    country = Country.objects.get(slug=f"hostile-country-{index}")
    name = in_xml(country.name)
    url = f"/en/news/feed/?country={country.slug}"
    title = read_feed(site, url).findtext("channel/title").partition("(")[2]
    assert_escaped_once(f"{url} channel title", title, f"Country: {name})")
    if index % 3 == 0:
        url = f"/en/news/feed/atom/?country={country.slug}"
        title = read_feed(site, url).findtext(f"{ATOM}title").partition("(")[2]
        assert_reads(url, "title", title, f"Country: {name})")


def test_sitemap_lists_every_hostile_page_by_its_plain_address(site):
    response = site.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = [loc.text for loc in root.iter(f"{namespace}loc")]
    assert all(re.fullmatch(r"http://testserver/(en|ru)/[-\w/]*", loc) for loc in locations)
    for record in [*hostile_news(), *hostile_programmes()]:
        assert f"http://testserver{record.get_absolute_url()}" in locations
