"""Every filtered news list can be answered from indexes: PostgreSQL's plan never reads the
whole news table.

With a few rows PostgreSQL would rightly read the table anyway, so sequential scans are priced out
(enable_seqscan off): a plan that still scans the table has no index to use. The plans at 100,000
items, with ordinary costs, are printed by bench/load.py.
"""

import pytest
from django.db import connection

from news.filters import NewsFilter
from news.models import NewsItem
from news.views import NewsPaginator

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

FILTERS = [
    {},
    {"country": "kazakhstan"},
    {"programme": "programme-for-central-asia-2015-2019"},
    {"theme": "drugs"},
    {"year": "2015"},
    {"q": "border"},
    {"country": "kazakhstan", "theme": "drugs", "year": "2015"},
    {"country": "kazakhstan", "q": "drug"},
]


def plans(data):
    news_filter = NewsFilter(data, queryset=NewsItem.objects.published().for_listing())
    assert news_filter.is_valid(), news_filter.errors
    rows = news_filter.qs
    limit = NewsPaginator.MAX_PAGES * 10
    return {
        "page": rows[:10].explain(),
        "deep page": rows[limit - 10 : limit].explain(),
        "count": rows.values("id")[: limit + 1].explain(),
    }


@pytest.mark.parametrize("data", FILTERS, ids=lambda data: "&".join(data) or "no filter")
def test_news_list_plans_read_no_whole_news_table(seeded, data):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for name, plan in plans(data).items():
        assert "Seq Scan on news_newsitem " not in plan + " ", f"{name}:\n{plan}"
