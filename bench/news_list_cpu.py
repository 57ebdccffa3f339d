"""CPU time of one uncached news list page, its filter form rendered by Jinja2 (as the site
does) and by Django's template engine, measured alternately in one process.

    .venv/bin/python bench/news_list_cpu.py [--database postgres://…/unodc_bench] [--batches 15]

In-process, with Django's test client and the page cache off: what rendering the page costs,
without the server and network. CPU time (time.process_time), not wall time: the database's
own work is left out, and so is most of what other jobs on the machine do. Batches of 20
pages alternate between the two renderers, so that a drift of the machine's speed touches
both; the medians and minimums of the batches are printed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES_PER_BATCH = 20


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default="postgres://unodc@127.0.0.1:5432/unodc_bench",
        help="DATABASE_URL (bench/load.py fills unodc_bench with 100,000 items)",
    )
    parser.add_argument("--path", default="/en/news/")
    parser.add_argument("--batches", type=int, default=15)
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="unodc_site.settings",
        DEBUG="false",
        SECRET_KEY="bench-news-list-cpu-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=arguments.database,
        PAGE_CACHE_SECONDS="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from news.filters import NewsFilterForm

    client = Client(HTTP_HOST="127.0.0.1")
    renderers = {"Jinja2": NewsFilterForm.default_renderer, "Django templates": None}
    milliseconds = {name: [] for name in renderers}
    for batch in range(arguments.batches + 1):
        for name, renderer in renderers.items():
            NewsFilterForm.default_renderer = renderer
            started = time.process_time()
            for _ in range(PAGES_PER_BATCH):
                response = client.get(arguments.path)
                assert response.status_code == 200, response.status_code
            if batch:  # the first batch of each warms the templates and connections
                milliseconds[name].append((time.process_time() - started) / PAGES_PER_BATCH * 1000)
    print(
        f"CPU ms per uncached {arguments.path}, {arguments.batches} batches of "
        f"{PAGES_PER_BATCH} pages each:"
    )
    for name, values in milliseconds.items():
        print(
            f"  filter form by {name:<17} median {statistics.median(values):6.2f}"
            f"  min {min(values):6.2f}"
        )


if __name__ == "__main__":
    main()
