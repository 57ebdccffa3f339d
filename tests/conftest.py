import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import NewsItem
from programmes.models import Country, Programme, ThematicArea
from sources.seed import seed


@pytest.fixture(scope="session", autouse=True)
def static_files():
    """Pages name their CSS through the hashed-file manifest, so build it as production does."""
    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture
def seeded(db):
    """The real seed: the five documents and every record built from them."""
    seed()


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


@pytest.fixture
def kazakhstan(db):
    return Country.objects.create(
        name="Kazakhstan",
        iso_code="KZ",
        slug="kazakhstan",
        sub_region="central-asia",
        covered_by_roca=True,
    )


@pytest.fixture
def drugs(db):
    return ThematicArea.objects.create(name="Drugs", slug="drugs", position=2)


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


@pytest.fixture
def count_queries():
    """Run a callable and return how many SQL queries it made."""

    def count(action):
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    return count
