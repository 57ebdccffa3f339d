# ruff: noqa: E402 - Django is set up below, before the project's modules are imported.
"""How long the site search and the news list's word filter take on a large PostgreSQL database.

    .venv/bin/python bench/search.py postgres://unodc@127.0.0.1:5432/unodc_search [--runs 5]

The database needs at least 100,000 news items (`manage.py seed`, then `manage.py bench_data
--news 100000`). For a rare word, common English words and a common Russian word (on /ru/), on
page 1 and on the deepest page offered, it prints the median time of 5 requests (--runs; page
cache off, one process, after one warm-up request) and the SQL queries of the page; then
EXPLAIN (ANALYZE) of every query of the news list with the words that reads news_newsitem, and
whether any reads the table whole (a Seq Scan). Timings on a shared machine are noisy: compare
runs made side by side.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
arguments.add_argument("database_url", help="postgres://…: a database with 100,000 news items")
arguments.add_argument("--runs", type=int, default=5, help="requests timed per page")
arguments = arguments.parse_args()
if not arguments.database_url.startswith("postgres"):
    sys.exit("Give a PostgreSQL database URL: the measurements are of PostgreSQL's search.")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = arguments.database_url
os.environ["PAGE_CACHE_SECONDS"] = "0"  # each request searches; none is answered from the cache
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unodc_site.settings")

import django

django.setup()

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from news.models import NewsItem

MIN_NEWS = 100_000
RUNS = arguments.runs
HOST = "127.0.0.1"
# (what it stands for, language, words): "platform" is in one seeded item and no synthetic one.
SEARCHES = [
    ("rare word", "en", "platform"),
    ("common English word", "en", "drug"),
    ("common English word", "en", "border"),
    ("common English word", "en", "Kazakhstan"),
    ("common English word", "en", "UNODC"),
    ("common Russian word", "ru", "наркотиков"),
]
PLANS_SHOWN = "/en/news/?q=border"
PAGE_OF = re.compile(r'<span aria-current="page">\D*\d+\D+(\d+)</span>')
SEQ_SCAN_ON_NEWS = re.compile(r"Seq Scan on news_newsitem\b")
NEWS_TABLE = re.compile(r'"news_newsitem"')


def deepest_page(client, path):
    """The last page the pagination offers ("Page 1 of N"), or 1 if it offers none."""
    pages = PAGE_OF.search(client.get(path).text)
    return int(pages.group(1)) if pages else 1


def measured(client, path):
    client.get(path)  # warm-up: what a running server process has already looked up
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    queries = list(context.captured_queries)  # read now: each request empties the log
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return response, queries, statistics.median(times)


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    news = NewsItem.objects.count()
    if news < MIN_NEWS:
        sys.exit(f"{news} news items: run `manage.py bench_data --news {MIN_NEWS}` first.")
    print(f"{news} news items, {NewsItem.objects.published().count()} published")
    print(f"median of {RUNS} requests, page cache off; a shared 2-core machine: noisy\n")
    print(f"{'page':<52} {'ms':>8} {'queries':>8} {'status':>7}")
    news_list_queries = {}
    for what, language, words in SEARCHES:
        for page_name, base in [("search", "search/"), ("news list", "news/")]:
            first = f"/{language}/{base}?{urlencode({'q': words})}"
            deepest = deepest_page(client, first)
            for page in sorted({1, deepest}):
                path = first if page == 1 else f"{first}&page={page}"
                response, queries, ms = measured(client, path)
                label = f"{page_name} /{language}/ “{words}” p.{page}"
                print(f"{label:<52} {ms:8.1f} {len(queries):8d} {response.status_code:7d}")
                if page_name == "news list":
                    news_list_queries[path] = queries
        print(f"  ({what})")

    print("\nEXPLAIN (ANALYZE, BUFFERS) of each query of the news list with q that reads news;")
    print(f"the whole plans for {PLANS_SHOWN}")
    seq_scans = []
    for path, queries in news_list_queries.items():
        for query in queries:
            sql = query["sql"]
            if not (sql.lstrip().upper().startswith("SELECT") and NEWS_TABLE.search(sql)):
                continue
            plan = explain(sql)
            execution = re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)
            seq_scan = bool(SEQ_SCAN_ON_NEWS.search(plan))
            if seq_scan:
                seq_scans.append(path)
            print(f"{path:<45} {execution:>8} ms  Seq Scan on news_newsitem: {seq_scan}")
            if path == PLANS_SHOWN:
                print(f"\n{sql[:400]}{' …' if len(sql) > 400 else ''}\n{plan}\n")
    print(
        "\nSeq Scan on news_newsitem in the news list with q: "
        + (
            f"YES, in {len(seq_scans)} queries ({', '.join(sorted(set(seq_scans)))})"
            if seq_scans
            else "none"
        )
    )


if __name__ == "__main__":
    main()
