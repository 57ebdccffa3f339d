import io
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-0123456789-abcdef",
    "ALLOWED_HOSTS": "roca.example.org",
}


def test_deployment_checklist_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_bare_address_redirects_by_the_browsers_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru").headers["Location"] == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en").headers["Location"] == "/en/"


@pytest.mark.django_db
def test_pages_exist_in_russian_with_the_right_lang_and_alternates(client, seeded):
    response = client.get("/ru/news/")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.text
    assert 'hreflang="en" href="http://testserver/en/news/"' in response.text
    assert 'hreflang="ru" href="http://testserver/ru/news/"' in response.text


@pytest.mark.django_db
def test_language_switcher_keeps_the_reader_on_the_same_page(client, seeded):
    html = client.get("/en/news/?country=kazakhstan").text
    assert 'href="/ru/news/?country=kazakhstan" hreflang="ru"' in html


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/en/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_server_error_shows_the_sites_own_page(settings):
    settings.ROOT_URLCONF = "tests.broken_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Skip to main content" in response.text


def test_static_css_is_served_with_a_hashed_name(client, db):
    html = client.get("/en/").text
    assert "/static/css/site." in html and '.css"' in html
    assert 'href="/static/css/site.css"' not in html


def test_favicon_is_an_icon_kept_by_browsers_and_linked_from_every_page(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
    assert "max-age=2592000" in response["Cache-Control"]
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/en/").text


@pytest.mark.django_db
def test_interface_is_in_russian_with_russian_dates_and_money(client, seeded):
    news = client.get("/ru/news/").text
    assert "<h1>Новости</h1>" in news
    assert "Показать новости" in news and "Все страны" in news
    assert "3 новости" in news
    assert '<time datetime="2015-05-08">8 мая 2015 г.</time>' in news
    home = client.get("/ru/").text
    assert "Последние новости" in home
    assert "26 млн долл. США" in home
    assert "14,5 млн долл. США" in home


@pytest.mark.django_db
def test_country_names_in_russian_come_from_the_iso_translations(client, seeded):
    html = client.get("/ru/countries/").text
    assert "Казахстан" in html and "Российская Федерация" in html
    assert "Kazakhstan" not in html


@pytest.mark.django_db
def test_missing_russian_text_falls_back_to_english_with_a_note_and_lang(client, seeded):
    from news.models import NewsItem

    item = NewsItem.objects.get(slug="central-asia-new-regional-cooperation-platform")
    html = client.get(f"/ru/news/{item.slug}/").text
    assert "Этот текст пока не переведён на русский язык" in html
    assert f'<h1 lang="en">{item.title}</h1>' in html
    assert '<div class="prose" lang="en">' in html

    item.title_ru = "Центральная Азия: новая платформа регионального сотрудничества"
    item.body_ru = "<p>На днях УНП ООН и пять стран Центральной Азии подписали программу.</p>"
    item.save()
    html = client.get(f"/ru/news/{item.slug}/").text
    assert "Этот текст пока не переведён" not in html
    assert "<h1>Центральная Азия: новая платформа регионального сотрудничества</h1>" in html
    english = client.get(f"/en/news/{item.slug}/").text
    assert "Этот текст" not in english and "<h1>Central Asia: new regional" in english


CRAFTED_PATHS = [
    "//evil.example/",
    "/%2F%2Fevil.example",
    "/.//evil.example",
    "/%5Cevil.example",
    "/%2F%5Cevil.example/",
    "/%09/evil.example",
    "/en//evil.example/",
    "/en/%2F%2Fevil.example/?page=2",
    "/en/news/%2F/evil.example/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", CRAFTED_PATHS)
def test_links_built_from_a_crafted_path_stay_on_the_site(client, path):
    response = client.get(path, follow=True)
    links = re.findall(r'(?:href|content)="([^"]*)"', response.text)
    built = [link for link in links if "evil.example" in link]
    for link in built:
        assert not link.startswith("//") and "\t" not in link and "\\" not in link, link
        assert urlsplit(urljoin("http://testserver/en/", link)).netloc == "testserver", link


@pytest.mark.django_db
def test_language_switch_keeps_the_page_and_its_query(client, make_news):
    make_news(title="Border liaison offices meet")
    html = client.get("/en/news/?year=2020").text
    assert 'href="/ru/news/?year=2020"' in html


@pytest.mark.django_db
def test_static_files_carry_the_sites_security_headers(client):
    html = client.get("/en/").text
    stylesheet = re.search(r'href="(/static/css/site\.[^"]+\.css)"', html).group(1)
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_with_an_unsafe_next_lands_on_the_admin_index(settings, unsafe):
    settings.ADMIN_REQUIRE_2FA = False
    get_user_model().objects.create_superuser("chief", "chief@unodc.example", "a-long-password-1")
    response = Client().post(
        f"/admin/login/?next={unsafe}",
        {"username": "chief", "password": "a-long-password-1", "next": unsafe},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
