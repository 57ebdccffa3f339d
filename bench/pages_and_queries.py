# ruff: noqa: E402 - Django is set up below, before the project's modules are imported.
"""The Django side of bench/load.py: which pages to load, and what SQL each of them runs.

    DATABASE_URL=postgres://... .venv/bin/python bench/pages_and_queries.py > report.json

bench/load.py runs this with the same settings as its servers (page cache off) and reads one JSON
document from stdout:

- "pages": the pages to load with wrk, chosen from the data (a filter that has results, the
  deepest page of the news list, a programme with news), each with its status and how many SQL
  queries it makes (counted on a second request, so that one-off look-ups do not count);
- "news_list": the same for the news list under each of its filters (and its deepest page);
- with each page, "explains": every query that reads the news tables, with EXPLAIN (ANALYZE,
  BUFFERS): its time, its plan, and whether it reads news_newsitem whole ("Seq Scan on
  news_newsitem");
- "connection_pool": whether settings.py gives PostgreSQL a pool of connections;
- "news_count", and the deepest API page: a cursor built by the API's own pagination class.
"""

import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unodc_site.settings")

import django

django.setup()

from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.pagination import NewsCursorPagination
from news.models import NewsItem
from news.views import NewsListView
from programmes.models import Programme

HOST = "127.0.0.1"
API_DEPTH = 99_000
NEWS_TABLES = re.compile(r'\bnews_newsitem(_\w+)?"?\b')
SEQ_SCAN_ON_NEWS = re.compile(r"Seq Scan on news_newsitem\b")
COUNTRY = "kazakhstan"
YEAR = 2015
REPORT = "annual-report-2018"  # the seeded publication
THEME = "drugs"
SEARCH_WORDS = "heroin border"


def busiest_programme():
    return (
        Programme.objects.published()
        .annotate(news=Count("news_items"))
        .order_by("-news")
        .values_list("slug", flat=True)
        .first()
    )


def news_list_filters(programme):
    """The news list's filters, alone and combined, as query strings."""
    return {
        "none": {},
        "country": {"country": COUNTRY},
        "programme": {"programme": programme},
        "theme": {"theme": THEME},
        "year": {"year": YEAR},
        "q": {"q": SEARCH_WORDS},
        "combined": {"country": COUNTRY, "theme": THEME, "year": YEAR, "q": "border"},
    }


def deepest_news_page():
    """The last page the news list offers (its paginator may stop before the last item)."""
    view = NewsListView()
    queryset = NewsItem.objects.published().for_listing()
    return view.get_paginator(queryset, view.paginate_by).num_pages


def deep_api_path(depth):
    """/api/v1/news/?cursor=… for the page that starts after the item at `depth`, built as the
    API builds its own next links."""
    pagination = NewsCursorPagination()
    ordered = NewsItem.objects.published().order_by(*pagination.ordering)
    item = ordered[min(depth, ordered.count() - 1)]
    pagination.request = Request(APIRequestFactory().get("/api/v1/news/", HTTP_HOST=HOST))
    url = urlsplit(pagination.link(item, reverse=False))
    return f"{url.path}?{url.query}"


def pages(programme):
    detail = NewsItem.objects.published().filter(source__isnull=False).first()
    detail = detail or NewsItem.objects.published().first()
    filtered = urlencode({"country": COUNTRY, "year": YEAR})
    return [
        ("home", "/en/"),
        ("news list", "/en/news/"),
        ("news list filtered", f"/en/news/?{filtered}"),
        ("news list deepest", f"/en/news/?page={deepest_news_page()}"),
        ("news detail", f"/en/news/{detail.slug}/"),
        ("publication list", "/en/publications/"),
        ("publication detail", f"/en/publications/{REPORT}/"),
        ("programme detail", f"/en/programmes/{programme}/"),
        ("country detail", f"/en/countries/{COUNTRY}/"),
        ("search", f"/en/search/?{urlencode({'q': SEARCH_WORDS})}"),
        ("news feed", "/en/news/feed/"),
        ("API news list", "/api/v1/news/"),
        ("API news deep", deep_api_path(API_DEPTH)),
        ("static CSS", staticfiles_storage.url("css/site.css")),
    ]


def captured(client, path):
    client.get(path)  # once first: what a warm server process no longer looks up
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    return response, context.captured_queries


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    time = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {
        "sql": sql,
        "ms": float(time.group(1)) if time else None,
        "seq_scan_on_news": bool(SEQ_SCAN_ON_NEWS.search(plan)),
        "plan": plan,
    }


def explained(queries):
    return [
        explain(query["sql"])
        for query in queries
        if query["sql"].lstrip().upper().startswith("SELECT") and NEWS_TABLES.search(query["sql"])
    ]


def main():
    client = Client(HTTP_HOST=HOST)
    programme = busiest_programme()
    report = {
        "news_count": NewsItem.objects.count(),
        "published_count": NewsItem.objects.published().count(),
        "filtered_count": NewsItem.objects.published()
        .filter(countries__slug=COUNTRY, date__year=YEAR)
        .count(),
        "connection_pool": "pool" in connection.settings_dict.get("OPTIONS", {}),
        "pages": [],
        "news_list": [],
    }
    for name, path in pages(programme):
        response, queries = captured(client, path)
        report["pages"].append(
            {
                "name": name,
                "path": path,
                "status": response.status_code,
                "queries": len(queries),
                "explains": explained(queries),
            }
        )

    filters = news_list_filters(programme)
    filters["deepest page"] = {"page": deepest_news_page()}
    for name, query in filters.items():
        path = f"/en/news/?{urlencode(query)}" if query else "/en/news/"
        response, queries = captured(client, path)
        report["news_list"].append(
            {
                "name": name,
                "path": path,
                "status": response.status_code,
                "queries": len(queries),
                "explains": explained(queries),
            }
        )
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: EXPLAIN here is PostgreSQL's.")
    main()
