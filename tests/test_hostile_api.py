"""Hostile input in the JSON API and the exports.

Every payload in every field (tests/hostile.py), made once for the module. JSON (API, exports)
must give back the exact text, rich text as sanitised; CSV cells must never start a spreadsheet
formula.
"""

import csv
import io
import json

import pytest
from django.test import Client

from editorial.richtext import for_readers
from news.models import NewsItem
from programmes.downloads import neutralised
from programmes.models import Country, Office, Programme, ThematicArea
from tests.hostile import (
    LANGUAGES,
    hostile_fixtures,
    hostile_news,
    hostile_programmes,
    in_language,
    read_page,
)
from tests.xss_payloads import PAYLOADS

COLLECTIONS = ["news", "programmes", "countries", "offices", "thematic-areas"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


hostile, site = hostile_fixtures(images=False)


def api_records(client, url):
    """Every record of a list, following its next links, each page served as JSON."""
    records = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: status {response.status_code}"
        assert response["Content-Type"] == "application/json", f"{url}: {response['Content-Type']}"
        assert response.get("X-Content-Type-Options") == "nosniff", f"{url}: no nosniff"
        data = response.json()
        records += data["results"]
        url = data["next"]
    return records


@pytest.fixture(scope="module")
def api_by_language(hostile, django_db_blocker):
    """{language: {slug: record}} of every list of the API, read once for the module."""
    client = Client(raise_request_exception=False)
    with django_db_blocker.unblock():
        return {
            language: {
                record["slug"]: record
                for collection in COLLECTIONS
                for record in api_records(
                    client, f"/api/v1/{collection}/?lang={language}&page_size=100"
                )
            }
            for language in LANGUAGES
        }


def assert_fields(slug, record, wanted):
    for field, value in wanted.items():
        found = record.get(field)
        assert found == value, f"{slug}: {field} reads {found!r:.120}, not {value!r:.120}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_api_lists_are_json_and_not_sniffed(site, language, collection):
    records = api_records(site, f"/api/v1/{collection}/?lang={language}&page_size=100")
    assert len([r for r in records if r["slug"].startswith("hostile-")]) == len(PAYLOADS)


# One test per language and kind, each record checked in turn: the assertion names the record.
@pytest.mark.parametrize("language", LANGUAGES)
def test_api_gives_back_news_exactly_as_typed(site, api_by_language, language):
    items = NewsItem.objects.filter(slug__startswith="hostile-news-").select_related("source")
    items = items.prefetch_related("countries", "thematic_areas", "programmes")
    assert len(items) == len(PAYLOADS)
    for item in items:
        record = api_by_language[language].get(item.slug, {})
        wanted = {
            "title": in_language(item, "title", language),
            "summary": in_language(item, "summary", language),
            "body": for_readers(in_language(item, "body", language)),
            "original_publisher": item.original_publisher,
        }
        assert_fields(item.slug, record, wanted)
        links = {
            "countries": [in_language(c, "name", language) for c in item.countries.all()],
            "thematic_areas": [in_language(a, "name", language) for a in item.thematic_areas.all()],
            "programmes": [in_language(p, "title", language) for p in item.programmes.all()],
            "sources": [item.source.title],
        }
        for field, names in links.items():
            found = [link.get("name", link.get("title")) for link in record.get(field, [])]
            assert found == names, f"{item.slug}: {field} read {found!r:.200}, not {names!r:.120}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_gives_back_programmes_exactly_as_typed(site, api_by_language, language):
    programmes = Programme.objects.filter(slug__startswith="hostile-programme-")
    assert len(programmes) == len(PAYLOADS)
    for programme in programmes:
        wanted = {
            "title": in_language(programme, "title", language),
            "vision": in_language(programme, "vision", language),
            "description": for_readers(in_language(programme, "description", language)),
            "date_note": in_language(programme, "date_note", language),
        }
        assert_fields(programme.slug, api_by_language[language].get(programme.slug, {}), wanted)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("model", "kind"), [(Country, "country"), (Office, "office"), (ThematicArea, "area")]
)
def test_api_gives_back_places_and_areas_exactly_as_typed(
    site, api_by_language, language, model, kind
):
    records = model.objects.filter(slug__startswith=f"hostile-{kind}-")
    assert len(records) == len(PAYLOADS)
    for record in records:
        wanted = {
            "name": in_language(record, "name", language),
            "description": in_language(record, "description", language),
        }
        assert_fields(record.slug, api_by_language[language].get(record.slug, {}), wanted)


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_documentation_shows_an_example_record_as_text(site, language):
    read_page(site, "/api/", HTTP_ACCEPT_LANGUAGE=language)


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.get("X-Content-Type-Options") == "nosniff", f"{url}: no nosniff"
    return b"".join(response.streaming_content).decode("utf-8-sig")


def hostile_records_named(name):
    return hostile_news() if name == "news" else hostile_programmes()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["news", "programmes"])
def test_csv_export_gives_back_titles_with_formulas_made_inert(site, language, name):
    url = f"/{language}/{name}/export.csv"
    rows = list(csv.DictReader(io.StringIO(download(site, url))))
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), f"{url}: {column} {cell!r:.80} is a formula"
    titles = [in_language(record, "title", language) for record in hostile_records_named(name)]
    assert sorted(row["title"] for row in rows) == sorted(map(neutralised, titles)), url


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["news", "programmes"])
def test_json_export_gives_back_titles_exactly_as_typed(site, language, name):
    url = f"/{language}/{name}/export.json"
    data = json.loads(download(site, url))
    titles = [in_language(record, "title", language) for record in hostile_records_named(name)]
    assert sorted(record["title"] for record in data) == sorted(titles), url
