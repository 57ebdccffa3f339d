"""Memory and time of the streamed news CSV export at 100, 10,000 and 100,000 rows.

    .venv/bin/python bench/export_memory.py [ROWS ...]

Each size runs in a fresh process with a throwaway SQLite database in a temporary directory,
filled with SYNTHETIC published news items (bulk_create; one country each, so the prefetch is
exercised). The export is read through Django's test client chunk by chunk, as a server sends it.
Printed per size: rows, megabytes sent, seconds to stream, the tracemalloc peak while streaming
(Python allocations above what was allocated before the request) and the process's peak RSS.
docs/deploy.md keeps a run's figures.
"""

import datetime
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

DEFAULT_SIZES = [100, 10_000, 100_000]
BATCH = 2000
ROOT = Path(__file__).resolve().parent.parent


def fill(rows):
    from news.models import NewsItem
    from programmes.models import Country

    country = Country.objects.create(
        status="published",
        name="Synthetic country",
        name_ru="Синтетическая страна",
        iso_code="ZZ",
        slug="zz",
    )
    first_day = datetime.date(2000, 1, 1)
    # In batches, collecting the garbage after each, so that filling the database does not set
    # the process's peak memory (the figure to measure is the export's).
    for start in range(0, rows, BATCH):
        items = NewsItem.objects.bulk_create(
            NewsItem(
                title=f"Synthetic news item {number}",
                title_ru=f"Синтетическая новость {number}",
                slug=f"synthetic-{number}",
                date=first_day + datetime.timedelta(days=number % 9000),
                summary="Synthetic data for the export benchmark.",
                body="<p>Synthetic.</p>",
                status=NewsItem.Status.PUBLISHED,
            )
            for number in range(start, min(start + BATCH, rows))
        )
        NewsItem.countries.through.objects.bulk_create(
            NewsItem.countries.through(newsitem_id=item.pk, country_id=country.pk) for item in items
        )
        del items
        gc.collect()


def stream(client, url):
    response = client.get(url)
    sent = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return sent


def measure(rows):
    """Run in the child process: set up Django on a fresh database, fill it, stream, print."""
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    call_command("migrate", verbosity=0)
    fill(rows)
    client = Client()
    url = "/ru/news/export.csv"

    started = time.perf_counter()
    sent = stream(client, url)
    seconds = time.perf_counter() - started

    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    stream(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{rows:>8,} rows  {sent / 1e6:7.2f} MB sent  {seconds:6.2f} s  "
        f"tracemalloc peak {(peak - before) / 1e6:6.2f} MB  max RSS {max_rss_mb:6.1f} MB",
        flush=True,
    )


def main(sizes):
    print("Streaming /ru/news/export.csv over synthetic news items (fresh SQLite per size)")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as directory:
            environment = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "unodc_site.settings",
                "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
                "DEBUG": "false",
                "ALLOWED_HOSTS": "testserver",
                "PYTHONPATH": str(ROOT),
            }
            subprocess.run(
                [sys.executable, __file__, "--measure", str(rows)],
                env=environment,
                cwd=ROOT,
                check=True,
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(int(sys.argv[2]))
    else:
        main([int(size) for size in sys.argv[1:]] or DEFAULT_SIZES)
