"""Wall time and SQL queries of the editors' admin pages at 100,000 news items.

    .venv/bin/python bench/admin_pages.py [--database postgres://…/unodc_bench] [--requests 20]

In-process, with Django's test client, the page cache off and one signed-in publisher: the news
change list (filtered by state, and searched), a change form, its history and compare pages,
the dashboard (admin home) and the scheduling calendar. Prints each page's median and 90th
percentile over --requests requests (after one warm-up) and its query count. Issue 14's target:
p50 <= 150 ms each. Run bench/load.py once first: it fills unodc_bench. The migrations are
applied first (the database may predate the latest).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P50_MS = 150


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, *args):
        self.count += 1
        return execute(*args)

    def __len__(self):
        return self.count


def time_pages(client, pages, requests, target_ms):
    """Print each page's p50 and p90 over `requests` requests (after one warm-up) and its query
    count; return how many missed the target (or did not answer 200)."""
    from django.db import connection

    print(f"{'page':<26}{'p50 ms':>9}{'p90 ms':>9}{'queries':>9}  target p50 <= {target_ms} ms")
    missed = 0
    for name, path in pages.items():
        client.get(path)  # warm-up: templates, the URLconf
        queries = QueryCounter()
        # Counted by a wrapper: the test client's request_started signal empties queries_log.
        with connection.execute_wrapper(queries):
            status = client.get(path).status_code
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        p50 = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        passed = status == 200 and p50 <= target_ms
        missed += not passed
        verdict = "pass" if passed else f"FAIL (status {status})"
        print(f"{name:<26}{p50:>9.1f}{p90:>9.1f}{len(queries):>9}  {verdict}")
    return missed


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://unodc@127.0.0.1:5432/unodc_bench")
    parser.add_argument("--requests", type=int, default=20)
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="unodc_site.settings",
        DEBUG="false",
        SECRET_KEY="bench-admin-pages-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=arguments.database,
        PAGE_CACHE_SECONDS="0",
        ADMIN_REQUIRE_2FA="false",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from news.models import NewsItem

    call_command("migrate", verbosity=0)
    user, _created = get_user_model().objects.get_or_create(
        username="bench-publisher", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Publishers"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    item = NewsItem.objects.published().first()
    # The synthetic items are made in bulk, without revisions: compare one that has some.
    revised = NewsItem.objects.filter(pk=NewsItem.history.values("id")[:1]).first() or item
    in_review = NewsItem.objects.awaiting_review().first() or item
    news = "/admin/news/newsitem/"
    pages = {
        "change list, published": f"{news}?status__exact=published",
        "change list, in review": f"{news}?work=review",
        "change list, searched": f"{news}?q=border",
        "change form": f"{news}{item.pk}/change/",
        "history": f"{news}{item.pk}/history/",
        "compare": f"{news}{revised.pk}/history/compare/",
        "compare draft": f"{news}{in_review.pk}/draft/compare/",
        "dashboard": "/admin/",
        "calendar": "/admin/calendar/",
    }
    print(f"{NewsItem.objects.count():,} news items; {arguments.requests} requests a page")
    missed = time_pages(client, pages, arguments.requests, TARGET_P50_MS)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
