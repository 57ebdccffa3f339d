"""Issue 15's figures for publications and rich text, on PostgreSQL.

    .venv/bin/python bench/publications.py [--database postgres://…/unodc_bench] [--requests 20]

Create the database if it is missing (`psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE
unodc_bench OWNER unodc"`); the script migrates it, and seeds it if it has no countries. In
process, with Django's test client, the page cache off and tasks queued in the database
(TASKS_BACKEND=database, as production, where `manage.py db_worker` runs them):

1. A 300-page PDF of some 20 MB, built here (fixed random seed): 40 lines of text and a
   random-noise JPEG (/DCTDecode, ~64 KB) on each page. An editor uploads it with the admin's
   add form (the POST alone is timed); `validate_publication_file` is timed alone; then
   `manage.py db_worker --batch`, a new process, reads it (pages, text, cover): its wall time
   and peak RSS (os.wait4).
2. The publications list and its country filter at 10 and at 1,000 published publications
   ("[Synthetic] …", bulk_create): query counts and p50 over --requests.
3. A news item whose body links to 20 news items, a programme and a country and shows 5
   library images, against one with 3 links and 1 image: query counts.

It runs at the number of news items the database holds (it adds 20 with `bench_data` if it has
fewer, to link to): `manage.py bench_data --news 100000` first gives the issue's scale. Exits 0
whatever the figures, 1 only if the setup fails.
"""

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RANDOM_SEED = 15
PAGES = 300
LINES_PER_PAGE = 40
PHRASES = [
    "opium poppy cultivation",
    "heroin seized at the border",
    "precursor chemicals",
    "customs officers trained",
    "drug use prevention",
    "trafficking along the northern route",
]
PUBLICATION_SLUG = "bench-300-page-report"
ADD_URL = "/admin/publications/publication/add/"
TARGETS = {"upload_s": 2, "worker_s": 30, "worker_mb": 300}


MISSED = []  # the targets missed, for the exit status


def verdict(passed):
    if not passed:
        MISSED.append(True)
    return "PASS" if passed else "MISS"


def noise_jpeg(generator, side=256, quality=92):
    from PIL import Image as Picture

    output = io.BytesIO()
    noise = generator.randbytes(side * side * 3)
    Picture.frombytes("RGB", (side, side), noise).save(output, "JPEG", quality=quality)
    return output.getvalue()


def report_pdf(pages=PAGES):
    """A PDF whose every page has lines of text (Helvetica) and a picture of its own that does
    not compress: a report's size, and words for the search on each page. Objects 1 to 3 are
    the catalogue, the page tree and the font; then each page's picture, drawing and page."""
    from tests.pdfs import jpeg_size

    generator = random.Random(RANDOM_SEED)
    kids = b" ".join(b"%d 0 R" % (6 + 3 * n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for number in range(1, pages + 1):
        lines = [f"Page {number}: illicit drug markets in Central Asia"]
        lines += ["; ".join(generator.choices(PHRASES, k=3)) for _ in range(LINES_PER_PAGE - 1)]
        shown = b" ".join(b"(%s) Tj T*" % line.encode() for line in lines)
        drawing = b"BT /F1 10 Tf 12 TL 72 750 Td %s ET q 200 0 0 200 72 40 cm /Im1 Do Q" % shown
        picture = noise_jpeg(generator)
        objects += [
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
            % (*jpeg_size(picture), len(picture), picture),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(drawing), drawing),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources "
            b"<< /Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
            % (len(objects) + 2, len(objects) + 1),
        ]
    output = io.BytesIO()
    output.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    output.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    output.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    output.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return output.getvalue()


def forget_earlier_run():
    """The previous run's bench publication and its stored files: a run leaves one behind."""
    from publications.models import Publication, PublicationFile
    from publications.storage import private_storage

    storage = private_storage()
    for publication in Publication.objects.filter(slug=PUBLICATION_SLUG):
        for details in PublicationFile.objects.filter(name=publication.file_en.name):
            for name in (details.name, details.cover.name):
                if name and storage.exists(name):
                    storage.delete(name)
            details.delete()
        publication.delete()


def run_worker():
    """(wall seconds, peak RSS in MB, exit status) of `manage.py db_worker --batch`."""
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    started = time.perf_counter()
    worker = subprocess.Popen([*command, "-v", "0"], cwd=ROOT)
    _pid, status, usage = os.wait4(worker.pid, 0)
    worker.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss * 1024 / 1e6, worker.returncode


def large_pdf_figures(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tasks_db.models import DBTaskResult

    from publications.models import Publication, PublicationFile
    from publications.storage import private_storage
    from publications.validation import validate_publication_file

    print("1. A 300-page PDF (tasks backend: django-tasks-db, run by db_worker in a new process)")
    started = time.perf_counter()
    pdf = report_pdf()
    print(f"   built in {time.perf_counter() - started:.1f} s: {len(pdf) / 2**20:.1f} MiB")
    forget_earlier_run()
    if DBTaskResult.objects.ready().exists():
        run_worker()  # what earlier work left queued: the timed run reads this file alone
    data = {
        "title_en": "[Bench] Illicit drug markets in Central Asia, 300 pages",
        "slug": PUBLICATION_SLUG,
        "summary_en": "A report of 300 pages, for the benchmark.",
        "body_en": "<p>Trends in drug markets.</p>",
        "action": "save",  # a draft, as an editor saves it
        "file_en": SimpleUploadedFile("report.pdf", pdf, content_type="application/pdf"),
    }
    started = time.perf_counter()
    response = client.post(ADD_URL, data)
    upload_s = time.perf_counter() - started
    passed = response.status_code == 302 and upload_s <= TARGETS["upload_s"]
    print(
        f"   upload POST: {upload_s:.2f} s, status {response.status_code}"
        f"  target <= {TARGETS['upload_s']} s: {verdict(passed)}"
    )
    started = time.perf_counter()
    validate_publication_file(SimpleUploadedFile("report.pdf", pdf))
    print(f"   validate_publication_file alone: {time.perf_counter() - started:.2f} s")
    publication = Publication.objects.filter(slug=PUBLICATION_SLUG).first()
    if publication is None:
        print("   no publication was saved: the worker's figures cannot be measured")
        return
    queued = DBTaskResult.objects.ready().count()
    wall_s, peak_mb, status = run_worker()
    name = publication.file_en.name
    task = DBTaskResult.objects.filter(args_kwargs__args=[name]).first()
    ran_s = (task.finished_at - task.started_at).total_seconds() if task and task.finished_at else 0
    passed = status == 0 and wall_s <= TARGETS["worker_s"] and peak_mb <= TARGETS["worker_mb"]
    print(
        f"   worker ({queued} task queued): {wall_s:.1f} s wall, the task itself {ran_s:.1f} s, "
        f"peak RSS {peak_mb:.0f} MB, exit {status}  target <= {TARGETS['worker_s']} s and "
        f"<= {TARGETS['worker_mb']} MB: {verdict(passed)}"
    )
    details = PublicationFile.objects.get(name=name)
    indexed = Publication.objects.filter(pk=publication.pk).values_list("file_text_en").get()[0]
    covered = bool(details.cover) and private_storage().exists(details.cover.name)
    print(
        f"   read: {details.pages} pages, {len(details.text):,} characters of text, "
        f"file_text_en {len(indexed):,} characters, cover {'stored' if covered else 'MISSING'} "
        f"({details.cover_height} px high)  {verdict(bool(indexed) and covered)}"
    )


def counted(client, path):
    from django.db import connection

    from bench.admin_pages import QueryCounter

    queries = QueryCounter()
    # A wrapper: the test client's request_started signal empties connection.queries.
    with connection.execute_wrapper(queries):
        status = client.get(path).status_code
    return len(queries), status


def median_ms(client, path, requests):
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def publish_synthetic_publications(total):
    """Synthetic published publications until `total` are published, each with a country and a
    thematic area; their links by bulk_create too."""
    from django.utils.text import slugify

    from editorial import changes
    from editorial.models import Status
    from programmes.models import Country, ThematicArea
    from publications.models import Publication

    missing = total - Publication.objects.published().count()
    if missing <= 0:
        return
    start = Publication.objects.filter(title_en__startswith="[Synthetic] ").count()
    generator = random.Random(RANDOM_SEED + start)
    countries, areas = list(Country.objects.published()), list(ThematicArea.objects.published())
    made = Publication.objects.bulk_create(
        Publication(
            title_en=(title := f"[Synthetic] Drug markets report {number}"),
            slug=f"synthetic-{slugify(title)}",
            summary_en="Trends in drug markets of Central Asia.",
            body_en="<p>Trends in drug markets.</p>",
            date=f"{generator.randint(2006, 2025)}-{generator.randint(1, 12):02d}-01",
            status=Status.PUBLISHED,
            version=1,
        )
        for number in range(start + 1, start + missing + 1)
    )
    links = [("countries", "country_id", countries), ("thematic_areas", "thematicarea_id", areas)]
    for field, column, choices in links:
        through = getattr(Publication, field).through
        through.objects.bulk_create(
            through(publication_id=p.pk, **{column: generator.choice(choices).pk}) for p in made
        )
    changes.invalidate()  # bulk_create sends no signal


def list_figures(client, requests):
    from publications.models import Publication

    print("2. Publications list (page cache off)")
    Publication.objects.filter(title_en__startswith="[Synthetic] ").delete()
    pages = {"list": "/en/publications/", "by country": "/en/publications/?country=kazakhstan"}
    counts = {}
    for total in (10, 1000):
        publish_synthetic_publications(total)
        published = Publication.objects.published().count()
        for name, path in pages.items():
            client.get(path)  # warm: the menus, the filter's choices
            counts[name, total], status = counted(client, path)
            p50 = median_ms(client, path, requests)
            print(
                f"   {name:<10} at {published:>5,} published: {counts[name, total]:>3} queries, "
                f"p50 {p50:.1f} ms over {requests}, status {status}"
            )
    for name in pages:
        same = counts[name, 10] == counts[name, 1000]
        print(f"   {name}: queries at 10 = at 1,000  {verdict(same)}")


def library_images(count):
    """Synthetic library images, as bench/media_library.py makes them (one small stored file)."""
    from bench.media_library import add_synthetic_images
    from images.models import Image

    add_synthetic_images(count)
    return list(Image.objects.filter(title__startswith="[Synthetic] ").order_by("pk")[:count])


def rich_news_item(slug, links, images):
    from django.utils import timezone

    from editorial.models import Status
    from editorial.richtext import to_storage
    from news.models import NewsItem

    anchors = "".join(f'<li><a href="{path}">Related {n}</a></li>' for n, path in enumerate(links))
    figures = "".join(
        f'<figure><img data-file="{i.pk}" alt="{i.alt_text_en}"></figure>' for i in images
    )
    body = to_storage(f"<p>Links of the story.</p><ul>{anchors}</ul>{figures}", "en")
    item, _created = NewsItem.objects.update_or_create(
        slug=slug,
        defaults={
            "title_en": f"[Bench] News with {len(links)} links and {len(images)} images",
            "summary_en": "A news item for the benchmark.",
            "body_en": body,
            "date": timezone.localdate(),
            "status": Status.PUBLISHED,
        },
    )
    return item, body.count("data-ref="), body.count("data-file=")


def rich_text_figures(client):
    from django.core.management import call_command

    from editorial import changes
    from news.models import NewsItem
    from programmes.models import Country, Programme

    others = NewsItem.objects.published().exclude(slug__startswith="bench-")
    if (missing := 20 - others.count()) > 0:  # a seeded database: 20 items to link to
        call_command("bench_data", news=missing, verbosity=0)
    print(f"3. News detail, internal links and library images ({NewsItem.objects.count():,} news)")
    paths = [f"/en/news/{slug}/" for slug in others.values_list("slug", flat=True)[:20]]
    programme = f"/en/programmes/{Programme.objects.published().first().slug}/"
    country = f"/en/countries/{Country.objects.published().first().slug}/"
    images = library_images(5)
    rich = rich_news_item("bench-rich-20-links", [*paths, programme, country], images)
    plain = rich_news_item("bench-rich-3-links", [paths[0], programme, country], images[:1])
    counts = []
    for item, refs, pictures in (rich, plain):
        # A new content generation, then a page without links: its menus are read, while
        # this item's links and images are not known yet.
        changes.invalidate()
        client.get("/en/news/")
        first, status = counted(client, item.get_absolute_url())
        after, _status = counted(client, item.get_absolute_url())
        counts.append((first, after))
        print(
            f"   {refs:>2} links, {pictures} images: {first:>3} queries on its first request, "
            f"{after:>3} after, status {status}"
        )
    for n, when in enumerate(["on the first request", "after one warm request"]):
        print(f"   queries equal {when}  {verdict(counts[0][n] == counts[1][n])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://unodc@127.0.0.1:5432/unodc_bench")
    parser.add_argument("--requests", type=int, default=20)
    arguments = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="unodc_site.settings",
        DEBUG="false",
        SECRET_KEY="bench-publications-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=arguments.database,
        PAGE_CACHE_SECONDS="0",
        ADMIN_REQUIRE_2FA="false",
        TASKS_BACKEND="database",
        EMAIL_URL="dummymail://",  # the worker may send the workflow's mail: nowhere
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from programmes.models import Country

    call_command("migrate", verbosity=0)
    if not Country.objects.exists():
        call_command("seed", verbosity=0)
    user, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Editors"))
    editor = Client(HTTP_HOST="127.0.0.1")
    editor.force_login(user)
    large_pdf_figures(editor)
    reader = Client(HTTP_HOST="127.0.0.1")
    list_figures(reader, arguments.requests)
    rich_text_figures(reader)
    return 1 if MISSED else 0


if __name__ == "__main__":
    sys.exit(main())
