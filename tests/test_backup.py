import io
import json
import logging
import re
import tarfile

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from moto import mock_aws
from PIL import Image

from news.models import NewsItem
from programmes.models import Programme
from tests.conftest import library_image
from unodc_site.backups import media_checksums, table_checksums

# pg_dump and pg_restore work through connections of their own, so the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # imagekit remembers in the cache which renditions exist


@pytest.fixture
def news_with_image(make_news):
    jpeg = io.BytesIO()
    Image.new("RGB", (1000, 500), "navy").save(jpeg, "JPEG")
    return make_news(
        title="Border officers trained in Termez",
        slug="border-officers-trained",
        image=library_image(jpeg.getvalue(), name="border.jpg"),  # with its renditions
    )


def back_up(tmp_path):
    path = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(path), stdout=io.StringIO())
    return path


def state():
    return table_checksums(), media_checksums()


def media_on(page):
    """The stored names of the media files a page links to."""
    urls = re.findall(rf"{django_settings.MEDIA_URL}[^\s\"',]+", page)
    return sorted({url.removeprefix(django_settings.MEDIA_URL) for url in urls})


def rendition_width(name):
    with default_storage.open(name) as file, Image.open(file) as picture:
        return picture.width


class Terminal(io.StringIO):
    """Standard input as a person at a terminal types it."""

    def isatty(self):
        return True


def rewrite(archive, change):
    """Copy the archive with each member's bytes passed through change(name, content)."""
    with tarfile.open(archive) as original:
        members = [(m, original.extractfile(m).read()) for m in original.getmembers()]
    with tarfile.open(archive, "w:gz") as rewritten:
        for member, content in members:
            content = change(member.name, content)
            member.size = len(content)
            rewritten.addfile(member, io.BytesIO(content))


def test_restore_brings_back_every_table_and_media_file(seeded, news_with_image, client, tmp_path):
    page_before = client.get(news_with_image.get_absolute_url()).text
    images = media_on(page_before)  # the renditions of the image (WebP, JPEG), its social crop
    assert len(images) >= 2
    tables_before, files_before = state()
    assert tables_before["news_newsitem"]["rows"] == NewsItem.objects.count() > 1
    assert {news_with_image.image.file.name, *images} <= set(files_before)

    archive = back_up(tmp_path)

    NewsItem.objects.all().delete()
    Programme.objects.all().delete()
    NewsItem.objects.create(title="Written after the backup", slug="after", summary="S", body="B")
    for name in files_before:
        default_storage.delete(name)
    default_storage.save("images/stray.jpg", ContentFile(b"not in the backup"))
    assert state() != (tables_before, files_before)

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert state() == (tables_before, files_before)
    assert not NewsItem.objects.filter(slug="after").exists()
    assert not default_storage.exists("images/stray.jpg")
    response = client.get(news_with_image.get_absolute_url())
    assert response.status_code == 200
    assert response.text == page_before
    # The three widths, and the 1200 × 630 picture for link previews.
    assert {rendition_width(name) for name in images} == {480, 960, 1000, 1200}


def test_archive_holds_the_database_the_media_and_a_manifest(news_with_image, tmp_path):
    archive = back_up(tmp_path)

    with tarfile.open(archive) as contents:
        names = contents.getnames()
        manifest = json.load(contents.extractfile("manifest.json"))
        database = contents.extractfile(manifest["database"]["file"]).read(16)
    assert manifest["engine"] == connection.vendor
    assert database.startswith(
        b"PGDMP" if connection.vendor == "postgresql" else b"SQLite format 3"
    )
    assert f"media/{news_with_image.image.file.name}" in names
    assert manifest["media"].keys() == media_checksums().keys()
    assert manifest["tables"]["news_newsitem"]["rows"] == 1
    assert ("news", manifest["migrations"]["news"]) in MigrationLoader(None).graph.leaf_nodes()
    assert archive.stat().st_mode & 0o777 == 0o600


def test_media_in_s3_object_storage_are_backed_up_and_restored(settings, tmp_path, monkeypatch):
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(variable, "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="roca-media")
        settings.AWS_STORAGE_BUCKET_NAME = "roca-media"
        settings.AWS_S3_REGION_NAME = "us-east-1"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        }
        for name in ("images/2025/a.jpg", "CACHE/images/images/2025/a/480.webp", "top.txt"):
            default_storage.save(name, ContentFile(f"content of {name}".encode()))
        files_before = media_checksums()
        archive = back_up(tmp_path)
        default_storage.delete("images/2025/a.jpg")
        default_storage.save("images/2026/stray.jpg", ContentFile(b"not in the backup"))

        call_command("restore", str(archive), yes=True, stdout=io.StringIO())

        assert len(files_before) == 3
        assert media_checksums() == files_before
    assert not (tmp_path / "media").exists()  # all of it was in the bucket


def test_damaged_archive_is_refused_before_anything_changes(news_with_image, tmp_path):
    archive = back_up(tmp_path)
    altered = news_with_image.image.file.name

    def alter_image(name, content):
        return content[:-1] + b"!" if name == f"media/{altered}" else content

    rewrite(archive, alter_image)
    news_with_image.delete()
    before = state()

    with pytest.raises(CommandError, match=f"damaged; nothing was changed.*{re.escape(altered)}"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert state() == before


def test_restore_goes_ahead_only_when_confirmed(news_with_image, tmp_path, monkeypatch):
    archive = back_up(tmp_path)
    news_with_image.delete()
    before = state()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: nobody can answer

    with pytest.raises(CommandError, match="Run it again with --yes"):
        call_command("restore", str(archive), stdout=io.StringIO())

    monkeypatch.setattr("sys.stdin", Terminal("no\n"))
    with pytest.raises(CommandError, match="Restore cancelled; nothing was changed"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert state() == before

    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    call_command("restore", str(archive), stdout=io.StringIO())
    assert NewsItem.objects.filter(slug=news_with_image.slug).exists()


def test_backup_of_another_database_engine_is_refused(news_with_image, tmp_path):
    archive = back_up(tmp_path)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def change_engine(name, content):
        if name != "manifest.json":
            return content
        return json.dumps({**json.loads(content), "engine": other}).encode()

    rewrite(archive, change_engine)

    with pytest.raises(CommandError, match="can only be restored into the same database engine"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert NewsItem.objects.filter(pk=news_with_image.pk).exists()


def test_archive_that_is_not_a_backup_is_refused_with_a_sentence(tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_text("just text")

    with pytest.raises(CommandError, match="is not a readable backup archive"):
        call_command("restore", str(not_a_backup), yes=True)
    with pytest.raises(CommandError, match="There is no backup at"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)


def test_backup_prints_one_line_and_the_log_stays_quiet(tmp_path, monkeypatch):
    # The console handler of settings.LOGGING: what the nightly timer's journal shows.
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    journal = io.StringIO()
    monkeypatch.setattr(console, "stream", journal)
    out = io.StringIO()

    call_command("backup", output=str(tmp_path / "backup.tar.gz"), stdout=out)

    assert out.getvalue().startswith("Backup written to") and out.getvalue().count("\n") == 1
    assert journal.getvalue() == ""  # no pg_dump command lines from django-dbbackup
