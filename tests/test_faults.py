"""What readers and editors see when the database, Redis or the object storage is down."""

import io
import logging
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from images.models import Image as LibraryImage
from images.tasks import make_renditions
from tests.outages import database_down, redis_down_caches, storage_down_storages

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-for-the-fault-tests"


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


# PostgreSQL down ----------------------------------------------------------------------------


def test_database_down_gives_the_sites_503_page_in_english(reader, make_news):
    make_news(title="Border liaison offices meet")
    with database_down():
        response = reader.get("/en/news/")
    assert response.status_code == 503
    assert "<h1>The site is unavailable for a moment</h1>" in response.text
    assert "Please try again in a few minutes." in response.text
    assert "Skip to main content" in response.text  # the site's own design, from base.html
    assert response["Retry-After"] == "120"
    assert "no-store" in response["Cache-Control"]


def test_database_down_gives_the_503_page_in_russian(reader):
    with database_down():
        response = reader.get("/ru/")
    assert response.status_code == 503
    assert '<html lang="ru">' in response.text
    assert "<h1>Сайт ненадолго недоступен</h1>" in response.text


def test_database_back_serves_the_page_again_not_a_cached_503(reader, make_news):
    make_news(title="Border liaison offices meet")
    with database_down():
        assert reader.get("/en/news/").status_code == 503
    response = reader.get("/en/news/")
    assert response.status_code == 200
    assert "Border liaison offices meet" in response.text


def test_other_faults_are_still_a_500(reader, settings):
    settings.ROOT_URLCONF = "tests.broken_urls"
    response = reader.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text


# Redis down ---------------------------------------------------------------------------------


@pytest.fixture
def redis_down():
    with override_settings(CACHES=redis_down_caches()):
        yield


def test_redis_down_pages_come_from_the_database(redis_down, reader, make_news):
    make_news(title="Border liaison offices meet")
    for _ in range(2):  # the second time, too: nothing was cached, nothing half-read
        response = reader.get("/en/news/")
        assert response.status_code == 200
        assert "Border liaison offices meet" in response.text


def test_redis_down_editors_log_in_and_stay_logged_in(redis_down, reader):
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    response = reader.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    # The session was written to the database only; each request reads it from there.
    for _ in range(3):
        response = reader.get("/admin/news/newsitem/")
        assert response.status_code == 200
        assert "Log out" in response.text


def test_redis_down_the_api_answers_and_is_not_throttled_shut(redis_down, reader, make_news):
    make_news(title="Border liaison offices meet")
    for _ in range(3):
        response = reader.get("/api/v1/news/")
        assert response.status_code == 200
        assert "Border liaison offices meet" in response.text


# Object storage down ------------------------------------------------------------------------


@pytest.fixture
def storage_down(settings):
    settings.STORAGES = storage_down_storages(bucket="roca-media")


def png_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_storage_down_pages_with_images_still_render(storage_down, reader, make_news):
    # Stored, with its renditions, before the storage went down.
    image = LibraryImage.objects.create(title="Border post", alt_text="Officers at a border post")
    name = "images/2024/photo.png"
    LibraryImage.objects.filter(pk=image.pk).update(
        file=name, width=1200, height=800, renditions_of=f"{name}@50,50"
    )
    item = make_news(title="Border liaison offices meet", image=image)
    response = reader.get(item.get_absolute_url())
    assert response.status_code == 200
    assert 'alt="Officers at a border post"' in response.text
    assert "/roca-media/CACHE/images/images/2024/photo/" in response.text  # built offline


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", None)
    client.force_login(editor)
    return client


def upload_an_image(client):
    return client.post(
        "/admin/images/image/add/",
        {
            "file": png_upload(),
            "title": "Border post",
            "alt_text_en": "Officers at a border post",
            "caption_en": "A caption that the editor typed.",
            "focal_x": "50",
            "focal_y": "50",
        },
    )


def test_storage_down_an_upload_is_refused_with_a_message_and_nothing_saved(
    storage_down, editor_client
):
    response = upload_an_image(editor_client)
    assert response.status_code == 200  # the form again, not a redirect and not a 500
    assert (
        "The image could not be stored: the file storage is unreachable. "
        "Nothing was saved; try again later."
    ) in response.text
    assert "A caption that the editor typed." in response.text  # what they wrote is kept
    assert not LibraryImage.objects.exists()


def test_storage_failing_for_renditions_leaves_the_image_shown_as_stored(
    settings, tmp_path, editor_client, make_news, django_capture_on_commit_callbacks, caplog
):
    settings.MEDIA_ROOT = tmp_path
    save = FileSystemStorage._save
    saves = []

    def full_after_three_files(storage, name, content):
        saves.append(name)
        if len(saves) > 3:
            raise OSError(28, "No space left on device")
        return save(storage, name, content)

    with (
        mock.patch.object(FileSystemStorage, "_save", full_after_three_files),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = upload_an_image(editor_client)
    assert response.status_code == 302  # the original is stored: the upload is done
    assert len(saves) == 4  # the original and two renditions were stored, the third failed
    assert "Could not make the renditions" in caplog.text
    image = LibraryImage.objects.get()
    assert not image.has_renditions
    page = editor_client.get(make_news(image=image).get_absolute_url()).text
    assert f'<img src="/media/{image.file.name}"' in page  # the stored copy, not a broken link

    make_renditions.call(image.pk)  # space again: the task's next attempt makes them all
    image.refresh_from_db()
    assert image.has_renditions
    stored = sorted(path.suffix for path in tmp_path.rglob("*") if path.is_file())
    assert stored == [".jpg"] + [".png"] * 5 + [".webp"] * 3  # social crop, thumbnail, widths


def test_storage_failing_for_the_original_leaves_nothing(settings, tmp_path, editor_client):
    settings.MEDIA_ROOT = tmp_path

    def full(storage, name, content):
        raise OSError(28, "No space left on device")

    with mock.patch.object(FileSystemStorage, "_save", full):
        response = upload_an_image(editor_client)
    assert "The image could not be stored" in response.text
    assert not LibraryImage.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []

    response = upload_an_image(editor_client)  # space again: the same upload succeeds
    assert response.status_code == 302
    assert LibraryImage.objects.get().file.name.endswith("/photo.png")  # the name was free


# Exports and the API with the database down -----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/en/news/export.csv",
        "/en/news/export.json",
        "/ru/news/export.csv",
        "/en/programmes/export.csv",
        "/en/programmes/export.json",
    ],
)
def test_database_down_an_export_is_a_503_not_an_empty_download(reader, make_news, url):
    make_news(title="Border liaison offices meet")
    with database_down():
        response = reader.get(url)
    assert response.status_code == 503
    assert "Content-Disposition" not in response  # no file that looks complete but is empty
    assert response["Retry-After"] == "120"


def test_database_back_the_export_has_its_rows(reader, make_news):
    make_news(title="Border liaison offices meet")
    with database_down():
        reader.get("/en/news/export.csv")
    response = reader.get("/en/news/export.csv")
    assert response.status_code == 200
    assert "Border liaison offices meet" in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("url", ["/api/v1/news/", "/api/v1/programmes/", "/api/v1/countries/"])
def test_database_down_the_api_answers_a_json_503(reader, url):
    with database_down():
        response = reader.get(url)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The service is unavailable for a moment."}
    assert response["Retry-After"] == "120"
    assert "no-store" in response["Cache-Control"]


def test_other_api_faults_are_a_json_500(reader, settings):
    settings.ROOT_URLCONF = "tests.broken_urls"
    response = reader.get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_an_unknown_api_address_is_a_json_404(reader):
    response = reader.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_redis_down_logs_one_line_not_one_per_cache_call(
    redis_down, reader, make_news, settings, caplog
):
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    with override_settings(CACHES=redis_down_caches()):  # a new client, which reads the setting
        for once_per_minute in logging.getLogger("django_redis.cache").filters:
            once_per_minute.last_passed = None  # an earlier test's outage is another episode
        make_news(title="Border liaison offices meet")
        for page in ["/en/", "/en/news/", "/ru/news/", "/api/v1/news/", "/en/programmes/"]:
            assert reader.get(page).status_code == 200
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    redis_lines = [r for r in records if r.name == "django_redis.cache"]
    assert len(redis_lines) == 1
    assert "Redis unreachable" in redis_lines[0].getMessage()
    assert not any(r.exc_info for r in records)
