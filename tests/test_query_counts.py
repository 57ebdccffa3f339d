"""Every public page and API endpoint makes a fixed number of SQL queries, at most six.

Counted on a page rendered afresh (the page cache is empty, the menus every page shares already
read): the same with 3 and with 50 more news items linked to the same country, programme and
thematic area.
"""

import pytest

from news.models import NewsItem
from programmes.models import Country, Programme, ThematicArea
from tests.public_pages import public_pages
from tests.shared_caches import read_menus

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6
# The site search: one query ranks the matches of every kind, then one reads the rows of each
# kind found (news, publications, programmes, countries, offices, pages).
SEARCH_QUERIES = 1 + 6

FEEDS_AND_API = [
    ("RSS feed", "/en/news/feed/"),
    ("Atom feed, filtered", "/en/news/feed/atom/?country=kazakhstan"),
    ("sitemap", "/sitemap.xml"),
    ("news list, every filter", "/en/news/?country=kazakhstan&theme=drugs&year=2021&q=item"),
    ("API news", "/api/v1/news/?page_size=100"),
    ("API news, filtered", "/api/v1/news/?country=kazakhstan&q=item"),
    ("API news detail", "/api/v1/news/bench-item-1/"),
    ("API programmes", "/api/v1/programmes/?page_size=100"),
    ("API programme", "/api/v1/programmes/programme-for-central-asia-2015-2019/"),
    ("API countries", "/api/v1/countries/"),
    ("API offices", "/api/v1/offices/"),
    ("API thematic areas", "/api/v1/thematic-areas/"),
    ("news export", "/en/news/export.csv"),
    ("programme export", "/en/programmes/export.json"),
]
PAGES = [(name, path) for name, path, _status in public_pages("en")] + FEEDS_AND_API


def add_news(count, start):
    kazakhstan = Country.objects.get(slug="kazakhstan")
    programme = Programme.objects.get(slug="programme-for-central-asia-2015-2019")
    theme = ThematicArea.objects.order_by("position").first()
    for number in range(start, start + count):
        item = NewsItem.objects.create(
            title=f"Bench item {number}",
            slug=f"bench-item-{number}",
            summary="Summary.",
            body="<p>Body.</p>",
            status=NewsItem.Status.PUBLISHED,
        )
        item.countries.add(kazakhstan)
        item.programmes.add(programme)
        item.thematic_areas.add(theme)


def queries_for(client, count_queries, path):
    return count_queries(lambda: client.get(path))


@pytest.fixture
def counts(client, seeded, count_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page's own queries, not a cached copy
    add_news(3, start=1)
    read_menus()
    with_3 = {path: queries_for(client, count_queries, path) for _name, path in PAGES}
    add_news(47, start=4)
    read_menus()
    with_50 = {path: queries_for(client, count_queries, path) for _name, path in PAGES}
    return with_3, with_50


@pytest.mark.parametrize("name, path", PAGES, ids=[name for name, _path in PAGES])
def test_queries_per_page_are_few_and_do_not_grow(counts, name, path):
    with_3, with_50 = counts
    assert with_3[path] == with_50[path], f"{name}: {with_3[path]} then {with_50[path]}"
    limit = SEARCH_QUERIES if name.startswith("search results") else MAX_QUERIES
    assert with_3[path] <= limit, f"{name}: {with_3[path]} queries"
