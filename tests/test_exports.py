import csv
import datetime
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from news.models import NewsItem
from programmes.downloads import neutralised
from programmes.models import Programme, Signatory
from sources.models import SourceDocument

pytestmark = pytest.mark.django_db

NEWS_CSV = "/en/news/export.csv"
NEWS_JSON = "/en/news/export.json"
PROGRAMMES_CSV = "/en/programmes/export.csv"
PROGRAMMES_JSON = "/en/programmes/export.json"


def content(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    """The rows as a spreadsheet would read them: header first, then one dict per row."""
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"), newline="")))


def json_records(response):
    return json.loads(content(response).decode("utf-8"))


def test_news_csv_has_the_columns_and_values_of_the_news_index(
    client, make_news, kazakhstan, programme
):
    make_news(
        title="Border liaison offices open",
        date=datetime.date(2015, 5, 8),
        countries=[kazakhstan],
        programmes=[programme],
    )
    response = client.get(NEWS_CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="news-en.csv"'
    assert csv_rows(response) == [
        {
            "title": "Border liaison offices open",
            "date": "2015-05-08",
            "countries": "Kazakhstan",
            "programmes": "Programme for Central Asia 2015-2019",
            "url": "http://testserver/en/news/news-item-1/",
        }
    ]


def test_news_exports_are_streamed(client, make_news):
    make_news()
    for url in (NEWS_CSV, NEWS_JSON, PROGRAMMES_CSV, PROGRAMMES_JSON):
        assert isinstance(client.get(url), StreamingHttpResponse)


def test_csv_starts_with_a_byte_order_mark_and_keeps_cyrillic(client, make_news):
    make_news(title="Old", title_ru="Новый офис в Бишкеке")
    response = client.get("/ru/news/export.csv")
    raw = content(response)
    assert raw.startswith(b"\xef\xbb\xbftitle,date,")
    assert "Новый офис в Бишкеке".encode() in raw
    assert response["Content-Disposition"] == 'attachment; filename="news-ru.csv"'


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("A plain title = fine", "A plain title = fine"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(
    client, make_news, title, cell
):
    make_news(title=title)
    assert csv_rows(client.get(NEWS_CSV))[0]["title"] == cell


def test_neutralised_leaves_empty_and_ordinary_values_alone():
    assert neutralised(None) == ""
    assert neutralised("") == ""
    assert neutralised(2015) == "2015"
    assert neutralised("=1") == "'=1"


def test_news_json_is_a_valid_array_with_cyrillic_as_such(client, make_news, kazakhstan):
    make_news(title="Training", title_ru="Тренинг", countries=[kazakhstan], date=None)
    response = client.get("/ru/news/export.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="news-ru.json"'
    raw = content(response)
    assert "Тренинг".encode() in raw
    assert json.loads(raw) == [
        {
            "title": "Тренинг",
            "date": None,
            "countries": ["Kazakhstan"],
            "programmes": [],
            "url": "http://testserver/ru/news/news-item-1/",
        }
    ]


def test_json_of_no_news_is_an_empty_array(client, db):
    assert json_records(client.get(NEWS_JSON)) == []


def test_russian_export_falls_back_to_english_where_no_translation_exists(client, make_news):
    make_news(title="Only in English", date=datetime.date(2020, 1, 1))
    make_news(title="Both", title_ru="Оба языка", date=datetime.date(2021, 1, 1))
    rows = csv_rows(client.get("/ru/news/export.csv"))
    assert [row["title"] for row in rows] == ["Оба языка", "Only in English"]
    assert all(row["url"].startswith("http://testserver/ru/news/") for row in rows)


def test_news_exports_honour_the_filters_of_the_list(client, make_news, kazakhstan):
    make_news(title="In Kazakhstan 2015", countries=[kazakhstan], date=datetime.date(2015, 3, 1))
    make_news(title="In Kazakhstan 2016", countries=[kazakhstan], date=datetime.date(2016, 3, 1))
    make_news(title="Elsewhere 2015", date=datetime.date(2015, 4, 1))
    query = "?country=kazakhstan&year=2015"
    assert [row["title"] for row in csv_rows(client.get(NEWS_CSV + query))] == [
        "In Kazakhstan 2015"
    ]
    assert [record["title"] for record in json_records(client.get(NEWS_JSON + query))] == [
        "In Kazakhstan 2015"
    ]


def test_news_export_honours_the_words_filter(client, make_news):
    make_news(title="New office in Bishkek")
    make_news(title="Training in Almaty")
    rows = csv_rows(client.get(NEWS_CSV + "?q=bishkek"))
    assert [row["title"] for row in rows] == ["New office in Bishkek"]


@pytest.mark.parametrize("url", [NEWS_CSV, NEWS_JSON])
def test_an_unknown_filter_value_gives_400_with_a_plain_message(client, make_news, url):
    make_news()
    response = client.get(url + "?country=atlantis")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "There is no such country on this site." in response.text


def test_unpublished_scheduled_and_expired_news_is_never_exported(client, make_news):
    now = timezone.now()
    make_news(title="Public")
    make_news(title="Draft", status=NewsItem.Status.DRAFT)
    make_news(title="In review", status=NewsItem.Status.REVIEW)
    make_news(title="Scheduled", publish_at=now + datetime.timedelta(days=1))
    make_news(title="Expired", expire_at=now - datetime.timedelta(days=1))
    assert [row["title"] for row in csv_rows(client.get(NEWS_CSV))] == ["Public"]
    assert [record["title"] for record in json_records(client.get(NEWS_JSON))] == ["Public"]


def test_draft_programmes_are_left_out_of_the_news_export(client, make_news, programme):
    draft = Programme.objects.create(
        title="Draft programme", slug="draft", start_year=2020, end_year=2021
    )
    make_news(programmes=[programme, draft])
    assert csv_rows(client.get(NEWS_CSV))[0]["programmes"] == programme.title


@pytest.mark.parametrize("url", [NEWS_CSV, NEWS_JSON])
def test_news_export_makes_as_many_queries_for_50_items_as_for_3(
    client, make_news, count_queries, kazakhstan, programme, url
):
    def export():
        content(client.get(url))

    for _ in range(3):
        make_news(countries=[kazakhstan], programmes=[programme])
    with_three = count_queries(export)
    for _ in range(47):
        make_news(countries=[kazakhstan], programmes=[programme])
    assert count_queries(export) == with_three
    assert with_three <= 5


@pytest.fixture
def programme_with_everything(programme, kazakhstan):
    Signatory.objects.create(
        programme=programme, name="A. Person", title="Minister", country=kazakhstan, position=1
    )
    Signatory.objects.create(
        programme=programme, name="B. Person", title="Director", organisation="UNODC", position=2
    )
    source = SourceDocument.objects.create(
        title="About UNODC in Central Asia",
        slug="about",
        kind="about",
        filename="about.md",
        text="…",
    )
    programme.sources.add(source)
    return programme


def test_programme_csv_has_the_columns_and_values_of_the_table(client, programme_with_everything):
    response = client.get(PROGRAMMES_CSV)
    assert response["Content-Disposition"] == 'attachment; filename="programmes-en.csv"'
    assert csv_rows(response) == [
        {
            "title": "Programme for Central Asia 2015-2019",
            "period": "2015–2019",
            "status": "Completed",
            "budget": "70000000.00",
            "currency": "USD",
            "countries": "Kazakhstan",
            "thematic_areas": "Drugs",
            "signatories": "A. Person, Minister (Kazakhstan); B. Person, Director (UNODC)",
            "sources": "About UNODC in Central Asia",
            "source_urls": "http://testserver/en/sources/about/",
            "url": "http://testserver/en/programmes/pca-2015-2019/",
        }
    ]


def test_programme_json_lists_and_never_exports_the_publishing_state(
    client, programme_with_everything
):
    Programme.objects.create(title="Draft", slug="draft", start_year=2020, end_year=2021)
    [record] = json_records(client.get(PROGRAMMES_JSON))
    assert record["signatories"] == [
        "A. Person, Minister (Kazakhstan)",
        "B. Person, Director (UNODC)",
    ]
    assert record["status"] == "Completed"
    assert "published" not in json.dumps(record)


def test_programme_export_in_russian_uses_russian_values(client, programme, kazakhstan):
    Programme.objects.filter(pk=programme.pk).update(title_ru="Программа для Центральной Азии")
    kazakhstan.name_ru = "Казахстан"
    kazakhstan.save()
    [row] = csv_rows(client.get("/ru/programmes/export.csv"))
    assert row["title"] == "Программа для Центральной Азии"
    assert row["countries"] == "Казахстан"
    assert row["thematic_areas"] == "Drugs"  # no Russian name: English
    assert row["status"] == "Завершена"
    assert row["url"] == "http://testserver/ru/programmes/pca-2015-2019/"


@pytest.mark.parametrize("url", [PROGRAMMES_CSV, PROGRAMMES_JSON])
def test_programme_export_makes_as_many_queries_for_50_programmes_as_for_3(
    client, count_queries, kazakhstan, drugs, url
):
    def add_programmes(numbers):
        for number in numbers:
            programme = Programme.objects.create(
                title=f"Programme {number}",
                slug=f"programme-{number}",
                start_year=2020,
                end_year=2030,
                status="published",
            )
            programme.countries.add(kazakhstan)
            programme.thematic_areas.add(drugs)
            Signatory.objects.create(programme=programme, name="N", title="T", country=kazakhstan)

    def export():
        content(client.get(url))

    add_programmes(range(3))
    with_three = count_queries(export)
    add_programmes(range(3, 50))
    assert count_queries(export) == with_three


def test_news_list_links_to_the_downloads_with_its_filters(client, make_news, kazakhstan):
    make_news(countries=[kazakhstan])
    html = client.get("/en/news/?country=kazakhstan&page=1").text
    assert 'href="/en/news/export.csv?country=kazakhstan"' in html
    assert 'href="/en/news/export.json?country=kazakhstan"' in html
    assert "file of the news with these filters" in html


def test_programme_list_links_to_the_downloads(client, programme):
    html = client.get("/ru/programmes/").text
    assert 'href="/ru/programmes/export.csv"' in html
    assert 'href="/ru/programmes/export.json"' in html


@pytest.mark.parametrize(
    "cell",
    [
        " =1+1",
        "\n=1+1",
        "\u200b=1+1",
        "\ufeff=1+1",
        "\xa0=1+1",
        "\uff1d1+1",  # fullwidth equals sign
        "\uff0b1+1",  # fullwidth plus sign
        "\uff20SUM(A1)",  # fullwidth commercial at
        "|calc!A1",
        " \u200b\ufeff|calc!A1",
    ],
    ids=repr,
)
def test_formulas_behind_blanks_or_in_fullwidth_forms_are_neutralised_too(cell):
    assert neutralised(cell) == "'" + cell


@pytest.mark.parametrize("cell", [" Border liaison", "\u200bTitle", "Ｔitle", "a | b"], ids=repr)
def test_blanks_or_fullwidth_letters_alone_are_left_alone(cell):
    assert neutralised(cell) == cell
