import datetime
import html
import io
import json
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone, translation
from PIL import Image

from news.models import NewsItem
from programmes.models import Office
from sources.models import SourceDocument
from tests.conftest import library_image
from tests.html_tree import parse_html

pytestmark = pytest.mark.django_db

FEEDS = ["/en/news/feed/", "/en/news/feed/atom/"]
HOSTILE_TITLE = "</script><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def english():
    """Content made by a test is English: a request to /ru/ leaves Russian active in the thread."""
    with translation.override("en"):
        yield


@pytest.fixture
def unpublished(make_news):
    """A draft, one in review, one scheduled for tomorrow and one that expired an hour ago."""
    now = timezone.now()
    return [
        make_news(title="Secret draft", slug="secret-draft", status=NewsItem.Status.DRAFT),
        make_news(title="Under review", slug="under-review", status=NewsItem.Status.REVIEW),
        make_news(
            title="Scheduled story",
            slug="scheduled-story",
            publish_at=now + datetime.timedelta(days=1),
        ),
        make_news(
            title="Expired story",
            slug="expired-story",
            publish_at=now - datetime.timedelta(days=2),
            expire_at=now - datetime.timedelta(hours=1),
        ),
    ]


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


class Head:
    """The <meta>, <link> and JSON-LD a crawler reads in a page."""

    def __init__(self, page):
        root = parse_html(page)
        self.meta = {
            meta.attrs.get("property") or meta.attrs["name"]: meta.attrs["content"]
            for meta in root.find_all("meta")
            if "property" in meta.attrs or "name" in meta.attrs
        }
        self.links = [link.attrs for link in root.find_all("link")]
        self.json_ld = [
            json.loads(script.text())
            for script in root.find_all("script", type="application/ld+json")
        ]

    def link(self, rel, **attrs):
        return [
            link["href"]
            for link in self.links
            if link["rel"] == rel and all(link.get(k) == v for k, v in attrs.items())
        ]


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.text)


# Feeds --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", FEEDS)
def test_feed_lists_only_published_news_with_absolute_links(client, make_news, unpublished, url):
    make_news(title="Public story", slug="public-story")
    make_news(title="Older public story", slug="older-public-story", date=datetime.date(2011, 1, 1))

    feed = read_feed(client, url)

    assert feed.feed.title == "UNODC Regional Office for Central Asia: news"
    assert feed.feed.language == "en"
    assert feed.feed.link == "http://testserver/en/news/"
    assert [entry.title for entry in feed.entries] == ["Public story", "Older public story"]
    assert [entry.link for entry in feed.entries] == [
        "http://testserver/en/news/public-story/",
        "http://testserver/en/news/older-public-story/",
    ]


@pytest.mark.parametrize("url", FEEDS)
def test_feed_entry_has_summary_date_and_categories(client, make_news, kazakhstan, drugs, url):
    make_news(
        summary="Ministers met in Almaty & agreed.",
        date=datetime.date(2015, 5, 8),
        countries=[kazakhstan],
        thematic_areas=[drugs],
    )

    [entry] = read_feed(client, url).entries

    assert entry.summary == "Ministers met in Almaty &amp; agreed."  # HTML, read as "… & agreed."
    assert entry.published_parsed[:3] == (2015, 5, 7)  # midnight in Tashkent is 19:00 UTC
    assert {tag.term for tag in entry.tags} == {"Kazakhstan", "Drugs"}


@pytest.mark.parametrize("url", FEEDS)
def test_undated_news_is_dated_by_when_it_was_added(client, make_news, url):
    item = make_news(date=None)
    [entry] = read_feed(client, url).entries
    assert datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC) == (
        item.created_at.replace(microsecond=0)
    )


def test_titles_with_markup_reach_the_reader_as_text(client, make_news):
    make_news(title="Drugs & crime: <b>not bold</b>")
    rss_entry = read_feed(client, FEEDS[0]).entries[0]
    atom_entry = read_feed(client, FEEDS[1]).entries[0]
    # An RSS title is read as HTML, so it arrives escaped; an Atom title is plain text.
    assert rss_entry.title_detail.type == "text/html"
    assert html.unescape(rss_entry.title) == "Drugs & crime: <b>not bold</b>"
    assert atom_entry.title == "Drugs & crime: <b>not bold</b>"


def test_russian_feed_is_in_russian_with_russian_links(client, make_news):
    make_news(slug="public-story")
    feed = read_feed(client, "/ru/news/feed/")
    assert feed.feed.language == "ru"
    assert feed.entries[0].link == "http://testserver/ru/news/public-story/"


@pytest.mark.parametrize(
    ("query", "title", "expected"),
    [
        ("country=kazakhstan", "Country: Kazakhstan", {"In Kazakhstan", "Drugs in Kazakhstan"}),
        ("theme=drugs", "Thematic area: Drugs", {"Drugs in Kazakhstan"}),
        (
            "programme=pca-2015-2019",
            "Programme: Programme for Central Asia 2015-2019",
            {"Programme news"},
        ),
        (
            "country=kazakhstan&theme=drugs&utm_source=mail",
            "Country: Kazakhstan; Thematic area: Drugs",
            {"Drugs in Kazakhstan"},
        ),
    ],
)
@pytest.mark.parametrize("url", FEEDS)
def test_filtered_feed_says_what_it_is_filtered_by(
    client, make_news, kazakhstan, drugs, programme, url, query, title, expected
):
    make_news(title="In Kazakhstan", countries=[kazakhstan])
    make_news(title="Drugs in Kazakhstan", countries=[kazakhstan], thematic_areas=[drugs])
    make_news(title="Programme news", programmes=[programme])
    make_news(title="Elsewhere")

    feed = read_feed(client, f"{url}?{query}")

    assert feed.feed.title == f"UNODC Regional Office for Central Asia: news ({title})"
    assert {entry.title for entry in feed.entries} == expected
    assert "utm_source" not in feed.feed.link


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize("query", ["country=atlantis", "theme=nothing", "year=1900", "programme=x"])
def test_feed_with_an_unknown_filter_value_is_a_bad_request(client, url, query):
    assert client.get(f"{url}?{query}").status_code == 400


def test_feed_of_a_draft_programme_is_a_bad_request(client, programme):
    programme.status = programme.Status.DRAFT
    programme.save()
    assert client.get(f"{FEEDS[0]}?programme={programme.slug}").status_code == 400


def test_feed_makes_the_same_number_of_queries_for_3_and_50_items(
    client, make_news, count_queries, kazakhstan, drugs
):
    def feed_queries(count):
        NewsItem.objects.all().delete()
        for _ in range(count):
            make_news(countries=[kazakhstan], thematic_areas=[drugs])
        return count_queries(lambda: client.get(f"{FEEDS[0]}?country=kazakhstan"))

    assert feed_queries(3) == feed_queries(50)


# Sitemap and robots.txt ---------------------------------------------------------------------

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def read_sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): {
            "lastmod": url.findtext("s:lastmod", namespaces=SITEMAP_NS),
            "alternates": {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
            },
        }
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_sitemap_lists_published_news_in_both_languages_with_alternates(
    client, make_news, unpublished
):
    story = make_news(slug="public-story")

    urls = read_sitemap(client)

    english = urls["http://testserver/en/news/public-story/"]
    assert "http://testserver/ru/news/public-story/" in urls
    assert english["alternates"] == {
        "en": "http://testserver/en/news/public-story/",
        "ru": "http://testserver/ru/news/public-story/",
        "x-default": "http://testserver/news/public-story/",
    }
    # Its date: no major change since (a minor one is silent; tests/test_change_notes.py).
    assert english["lastmod"] == story.date.isoformat()
    for item in unpublished:
        assert not any(item.slug in url for url in urls)


def test_sitemap_x_default_address_leads_to_the_page(client, make_news):
    make_news(slug="public-story")
    response = client.get("/news/public-story/")
    assert response.status_code == 302
    assert response["Location"] == "/en/news/public-story/"


def test_sitemap_lists_fixed_pages_programmes_countries_and_offices(client, programme, kazakhstan):
    Office.objects.create(
        status="published",
        name="Programme Office in Astana",
        slug="programme-office-astana",
        kind=Office.Kind.PROGRAMME,
        city="Astana",
        country=kazakhstan,
    )
    draft = type(programme).objects.create(
        title="Draft programme", slug="draft-programme", start_year=2020, end_year=2025
    )

    urls = read_sitemap(client)

    for path in [
        "/",
        "/news/",
        "/publications/",
        "/programmes/",
        "/countries/",
        "/offices/",
        f"/programmes/{programme.slug}/",
        "/countries/kazakhstan/",
        "/offices/programme-office-astana/",
    ]:
        assert f"http://testserver/en{path}" in urls
        assert f"http://testserver/ru{path}" in urls
    assert not any(draft.slug in url for url in urls)


def test_robots_txt_allows_the_site_but_not_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# Canonical address, Open Graph, Twitter card -------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # imagekit remembers in the cache which renditions exist
    return tmp_path


def png(size):
    output = io.BytesIO()
    Image.new("RGB", size, "navy").save(output, "PNG")
    return output.getvalue()


def test_news_page_without_image_has_canonical_open_graph_and_summary_card(client, make_news):
    item = make_news(title="Ministers meet", slug="ministers-meet", summary="They met.")

    page = head(client, f"{item.get_absolute_url()}?utm_source=newsletter&fbclid=abc")

    assert page.link("canonical") == ["http://testserver/en/news/ministers-meet/"]
    assert page.meta["og:url"] == "http://testserver/en/news/ministers-meet/"
    assert page.meta["og:title"] == "Ministers meet"
    assert page.meta["og:description"] == "They met."
    assert page.meta["og:type"] == "article"
    assert page.meta["og:site_name"] == "UNODC Regional Office for Central Asia"
    assert page.meta["og:locale"] == "en_GB"
    assert page.meta["og:locale:alternate"] == "ru_RU"
    assert page.meta["twitter:card"] == "summary"
    assert "og:image" not in page.meta


def test_news_page_with_image_shares_its_social_crop(client, make_news, media):
    image = library_image(png((2000, 1000)), name="border.png", alt_text="A border post")
    item = make_news(slug="border-post", image=image)

    page = head(client, item.get_absolute_url())

    image_url = page.meta["og:image"]
    assert image_url.startswith("http://testserver/media/CACHE/")
    assert image_url.endswith(".jpg")  # every network reads JPEG; some no WebP
    assert (media / urlsplit(image_url).path.removeprefix("/media/")).is_file()
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "630")
    assert page.meta["og:image:alt"] == "A border post"
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["twitter:image:alt"] == "A border post"
    [article] = page.json_ld
    assert article["image"] == image_url


def test_programme_page_with_image_shares_it(client, programme, media):
    programme.image = library_image(png((1000, 500)), alt_text="Signing ceremony")
    programme.save()

    page = head(client, programme.get_absolute_url())

    assert page.meta["og:image"].startswith("http://testserver/media/")
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "630")
    assert page.meta["og:image:alt"] == "Signing ceremony"
    assert page.meta["twitter:card"] == "summary_large_image"


def test_russian_page_says_so_to_link_previews(client, make_news):
    item = make_news(slug="ministers-meet")
    page = head(client, f"/ru/news/{item.slug}/")
    assert page.link("canonical") == ["http://testserver/ru/news/ministers-meet/"]
    assert page.meta["og:locale"] == "ru_RU"
    assert page.meta["og:locale:alternate"] == "en_GB"


def test_news_list_canonical_keeps_filters_and_page_and_drops_the_rest(
    client, make_news, kazakhstan
):
    for _ in range(12):
        make_news(countries=[kazakhstan])
    page = head(client, "/en/news/?utm_source=mail&country=kazakhstan&page=2&ref=x")
    assert page.link("canonical") == ["http://testserver/en/news/?country=kazakhstan&page=2"]


def test_every_page_offers_the_news_feeds(client):
    page = head(client, "/en/sources/")
    assert page.link("alternate", type="application/rss+xml") == ["/en/news/feed/"]
    assert page.link("alternate", type="application/atom+xml") == ["/en/news/feed/atom/"]
    assert page.link("canonical") == ["http://testserver/en/sources/"]


def test_filtered_news_list_offers_its_narrowed_feed(client, make_news, kazakhstan, drugs):
    make_news(title="Drugs in Kazakhstan", countries=[kazakhstan], thematic_areas=[drugs])
    response = client.get("/en/news/?country=kazakhstan&theme=drugs&utm_source=mail")
    page = Head(response.text)

    rss = page.link("alternate", type="application/rss+xml")
    assert rss[0] == "/en/news/feed/?country=kazakhstan&theme=drugs"
    assert page.link("alternate", type="application/atom+xml")[0] == (
        "/en/news/feed/atom/?country=kazakhstan&theme=drugs"
    )
    assert '<a href="/en/news/feed/?country=kazakhstan&amp;theme=drugs">RSS feed</a>' in (
        response.text
    )
    feed = read_feed(client, rss[0])
    assert [entry.title for entry in feed.entries] == ["Drugs in Kazakhstan"]


def test_news_list_with_an_invalid_filter_offers_the_whole_feed(client):
    response = client.get("/en/news/?country=atlantis")
    assert response.status_code == 400
    page = Head(response.text)
    assert page.link("alternate", type="application/rss+xml") == ["/en/news/feed/"]
    assert page.link("canonical") == ["http://testserver/en/news/"]


@pytest.mark.parametrize(
    ("page_url", "feed_url"),
    [
        ("/en/countries/kazakhstan/", "/en/news/feed/?country=kazakhstan"),
        ("/en/programmes/pca-2015-2019/", "/en/news/feed/?programme=pca-2015-2019"),
    ],
)
def test_country_and_programme_pages_offer_their_news_feed(
    client, make_news, programme, kazakhstan, page_url, feed_url
):
    make_news(title="Programme news in Kazakhstan", countries=[kazakhstan], programmes=[programme])
    response = client.get(page_url)
    page = Head(response.text)
    assert page.link("alternate", type="application/rss+xml")[0] == feed_url
    assert f'<a href="{feed_url}">RSS feed</a>' in response.text
    feed = read_feed(client, feed_url)
    assert [entry.title for entry in feed.entries] == ["Programme news in Kazakhstan"]


# JSON-LD ------------------------------------------------------------------------------------


def test_news_page_describes_itself_as_a_news_article(client, make_news):
    source = SourceDocument.objects.create(
        title="Platform launched",
        slug="platform-launched",
        kind=SourceDocument.Kind.NEWS,
        filename="platform.txt",
        text="UNODC and five countries …",
    )
    item = make_news(
        title="Platform launched",
        slug="platform-launched",
        summary="Five countries agreed.",
        date=datetime.date(2015, 5, 8),
        source=source,
    )

    [article] = head(client, item.get_absolute_url()).json_ld

    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Platform launched"
    assert article["description"] == "Five countries agreed."
    assert article["datePublished"] == "2015-05-08"
    # No major change since publication (tests/test_change_notes.py).
    assert article["dateModified"].startswith("2015-05-08T00:00:00")
    assert article["inLanguage"] == "en"
    assert article["mainEntityOfPage"] == "http://testserver/en/news/platform-launched/"
    assert article["isBasedOn"] == "http://testserver/en/sources/platform-launched/"
    for role in ("author", "publisher"):
        assert article[role]["@type"] == "Organization"
        assert article[role]["name"] == "UNODC Regional Office for Central Asia"
    assert "image" not in article


def test_undated_news_article_has_no_publication_date(client, make_news):
    item = make_news(date=None)
    [article] = head(client, item.get_absolute_url()).json_ld
    assert "datePublished" not in article
    assert "isBasedOn" not in article


def test_hostile_title_stays_inside_the_json_ld(client, make_news):
    item = make_news(title=HOSTILE_TITLE)
    response = client.get(item.get_absolute_url())

    assert "<script>alert(1)</script>" not in response.text
    page = Head(response.text)
    [article] = page.json_ld
    assert article["headline"] == HOSTILE_TITLE
    assert page.meta["og:title"] == HOSTILE_TITLE


def test_json_ld_filter_escapes_what_could_end_the_script_element():
    rendered = Template("{% load seo %}{{ data|json_ld }}").render(
        Context({"data": {"headline": "</script><!-- & -->"}})
    )
    assert rendered == (
        '<script type="application/ld+json">'
        '{"headline": "\\u003C/script\\u003E\\u003C!-- \\u0026 --\\u003E"}'
        "</script>"
    )
    assert json.loads(rendered.removeprefix('<script type="application/ld+json">')[:-9]) == {
        "headline": "</script><!-- & -->"
    }


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        (Office.Kind.REGIONAL, "United Nations Office on Drugs and Crime"),
        (Office.Kind.PROGRAMME, "UNODC Regional Office for Central Asia"),
    ],
)
def test_office_page_describes_a_government_organization(client, kazakhstan, kind, parent):
    office = Office.objects.create(
        status="published",
        name="Office in Astana",
        slug="astana",
        kind=kind,
        city="Astana",
        country=kazakhstan,
    )

    [organization] = head(client, office.get_absolute_url()).json_ld

    assert organization["@type"] == "GovernmentOrganization"
    assert organization["name"] == "Office in Astana"
    assert organization["url"] == "http://testserver/en/offices/astana/"
    assert organization["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Astana",
        "addressCountry": "KZ",
    }
    assert organization["parentOrganization"]["name"] == parent
