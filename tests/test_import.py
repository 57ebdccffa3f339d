import codecs
import datetime
import hashlib
import io
import zipfile

import docx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from news.importer import (
    MAX_DOCUMENT_BYTES,
    DocumentError,
    import_news_draft,
    parse_news,
    read_document,
    suggest_links,
)
from news.models import NewsItem
from sources.models import SourceDocument
from unodc_site.seed import DOCUMENTS_DIR

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/news/newsitem/import/"

ANNUAL_REPORT = "000_19aaeb14bb96f99d.txt"
ABOUT_PAGE = "001_f9dee427082d6cc6.txt"
ARTICLE_2015 = "003_535ae06191ad6c5e.txt"
ARTICLE_2011 = "004_7b8f7a9bce9e88a5.txt"

RUSSIAN_NEWS = """Новости

УНП ООН и Казахстан договорились о совместной работе

8 мая 2015 г. – В Ташкенте представители Казахстана, Кыргызстана и Российской Федерации \
обсудили борьбу с незаконным оборотом наркотиков и коррупцией.

Стороны также договорились о мерах против терроризма.
"""


def shipped(filename):
    path = DOCUMENTS_DIR / filename
    return read_document(path.read_bytes(), path.name)


def counts():
    return SourceDocument.objects.count(), NewsItem.objects.count()


def codes(countries):
    return {country.iso_code for country in countries}


def slugs(objects):
    return {obj.slug for obj in objects}


def docx_bytes(*paragraphs):
    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# Parsing the shipped documents ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "title", "date"),
    [
        (
            ARTICLE_2015,
            "Central Asia: new regional cooperation platform against organized crime, "
            "illicit drugs",
            datetime.date(2015, 5, 8),
        ),
        (
            ARTICLE_2011,
            'UNODC: "Regional cooperation key in countering drug routes in Central Asia"',
            datetime.date(2011, 6, 15),
        ),
        (
            ANNUAL_REPORT,
            "2018 Annual Report: Together Making the Region Safer from Drugs, Crime and Terrorism",
            None,
        ),
        (ABOUT_PAGE, "About UNODC in Central Asia", datetime.date(2021, 11, 24)),
    ],
)
def test_shipped_documents_give_their_title_and_stated_date(filename, title, date):
    news = parse_news(shipped(filename))
    assert news.title == title
    assert news.date == date


def test_dateline_and_photo_caption_stay_out_of_the_summary_and_body():
    news = parse_news(shipped(ARTICLE_2015))
    assert news.summary.startswith("In the past days, UNODC and five countries of Central Asia")
    assert not any("Photo: UNODC" in paragraph for paragraph in news.paragraphs)
    assert not any("8 May 2015" in paragraph for paragraph in news.paragraphs)


def test_page_headings_and_the_reposting_sites_links_are_not_part_of_the_story():
    news = parse_news(shipped(ARTICLE_2011))
    assert news.summary.startswith("On 14th June 2011, the Executive Director")
    assert news.paragraphs[-1].endswith(
        "a more effective barrier to the flow of drugs from Afghanistan."
    )
    assert "News" not in news.paragraphs
    assert "alt text is missing" not in parse_news(shipped(ABOUT_PAGE)).body


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Title\n\n8 May 2015 - Officers met.", datetime.date(2015, 5, 8)),
        ("Title\n\nOn November 24, 2021, the programme started.", datetime.date(2021, 11, 24)),
        ("Заголовок\n\n8 мая 2015 г. – Встреча прошла.", datetime.date(2015, 5, 8)),
        ("Заголовок\n\n24 ноября 2021 года\n\nВстреча прошла.", datetime.date(2021, 11, 24)),
        ("Title\n\nIn 2018, UNODC delivered training.", None),
        ("Title\n\n31 February 2015 - Officers met.", None),
    ],
)
def test_a_date_is_taken_only_where_the_text_states_a_real_one(text, date):
    assert parse_news(text).date == date


# Suggested links ------------------------------------------------------------------------------


def test_2011_article_suggests_kazakhstan_and_its_neighbours_drugs_crime_and_corruption(seeded):
    suggestions = suggest_links(shipped(ARTICLE_2011))
    assert codes(suggestions.countries) == {"KZ", "AF", "IR", "PK"}
    assert slugs(suggestions.thematic_areas) == {"drugs", "organized-crime", "corruption"}


def test_2015_article_suggests_the_five_countries_and_the_programme_it_announces(seeded):
    suggestions = suggest_links(shipped(ARTICLE_2015))
    assert codes(suggestions.countries) == {"KZ", "KG", "TJ", "TM", "UZ"}
    assert slugs(suggestions.programmes) == {"programme-for-central-asia-2015-2019"}
    assert slugs(suggestions.thematic_areas) == {"organized-crime", "drugs", "terrorism"}


def test_annual_report_suggests_all_eight_countries_and_five_areas(seeded):
    suggestions = suggest_links(shipped(ANNUAL_REPORT))
    assert codes(suggestions.countries) == {"KZ", "KG", "TJ", "TM", "UZ", "AM", "AZ", "GE"}
    assert len(suggestions.thematic_areas) == 5
    assert slugs(suggestions.offices) == {"regional-office-for-central-asia"}


def test_offices_are_found_by_city(seeded):
    suggestions = suggest_links("Training took place in Bishkek and in Душанбе.")
    assert slugs(suggestions.offices) == {"programme-office-bishkek", "programme-office-dushanbe"}


def test_names_match_whole_words_only(seeded):
    suggestions = suggest_links("Georgians and Iranians met. Груз был изъят.")
    assert suggestions.countries == []


def test_unodcs_own_name_does_not_make_a_text_about_drugs(seeded):
    text = "The United Nations Office on Drugs and Crime opened a library in Almaty."
    assert suggest_links(text).thematic_areas == []


def test_russian_text_gives_its_date_and_countries_named_in_any_case(seeded):
    news = parse_news(RUSSIAN_NEWS)
    assert news.title == "УНП ООН и Казахстан договорились о совместной работе"
    assert news.date == datetime.date(2015, 5, 8)
    assert news.summary.startswith("В Ташкенте представители")
    suggestions = suggest_links(RUSSIAN_NEWS)
    assert codes(suggestions.countries) == {"KZ", "KG", "RU"}
    assert slugs(suggestions.offices) == {"regional-office-for-central-asia"}
    assert slugs(suggestions.thematic_areas) == {"drugs", "corruption", "terrorism"}


# Reading formats ------------------------------------------------------------------------------


def test_html_gives_paragraphs_from_blocks_without_scripts_or_styles():
    html = b"""<!DOCTYPE html><html><head><title>UNODC - site</title>
    <style>p { color: red }</style></head><body>
    <nav><a href="/">Home</a></nav>
    <h1>Border officers  trained
    in Almaty</h1>
    <p>12 March 2024 - Officers from <b>five</b> countries&nbsp;met.</p>
    <script>alert("x")</script>
    <div>Second paragraph<br>with a line break.</div></body></html>"""
    text = read_document(html, "story.html")
    assert text == (
        "Border officers trained in Almaty\n\n"
        "12 March 2024 - Officers from five countries met.\n\n"
        "Second paragraph\nwith a line break."
    )
    news = parse_news(text)
    assert news.title == "Border officers trained in Almaty"
    assert news.date == datetime.date(2024, 3, 12)
    assert news.paragraphs == [
        "Officers from five countries met.",
        "Second paragraph with a line break.",
    ]


def test_docx_gives_its_paragraphs():
    data = docx_bytes("Seizure in Tajikistan", "15 June 2011", "Officers seized heroin.", "")
    assert read_document(data, "Seizure.DOCX") == (
        "Seizure in Tajikistan\n\n15 June 2011\n\nOfficers seized heroin."
    )


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "Заголовок\r\n\r\nТекст.".encode(),
        "Заголовок\r\n\r\nТекст.".encode("utf-16"),  # with its byte order mark
    ],
)
def test_text_with_a_byte_order_mark_is_read(data):
    assert read_document(data, "news.txt") == "Заголовок\n\nТекст."


BAD_DOCUMENTS = [
    (b"", "news.txt", "empty"),
    (b"  \n\n \t", "news.txt", "empty"),
    ("  \n".encode("utf-16"), "news.txt", "empty"),
    (b"<html><body> <script>x</script> </body></html>", "news.html", "empty"),
    (b"GIF89a\x01\x00\x00\x00", "news.txt", "not text"),
    ("Café in Almaty".encode("latin-1"), "news.txt", "not UTF-8"),
    ("Казахстан".encode("cp1251"), "news.htm", "not UTF-8"),
    (b"a" * (MAX_DOCUMENT_BYTES + 1), "news.txt", "larger than 2 MB"),
    (b"%PDF-1.7 text", "news.pdf", "Upload a .txt, .html or .docx file"),
    (b"Title\n\nText.", "news", "Upload a .txt, .html or .docx file"),
    (b"PK\x03\x04 not really a zip", "news.docx", "damaged or is not a Word document"),
    (zip_bytes({"a.txt": "hi"}), "news.docx", "damaged or is not a Word document"),
    (docx_bytes("Title", "Text")[:2000], "news.docx", "damaged or is not a Word document"),
    (b"Only a title", "news.txt", "no text under it"),
]


@pytest.mark.parametrize(("data", "filename", "message"), BAD_DOCUMENTS)
def test_a_bad_document_is_refused_with_a_reason_and_nothing_is_saved(
    seeded, data, filename, message
):
    before = counts()
    with pytest.raises(DocumentError, match=message):
        import_news_draft(data, filename)
    assert counts() == before


# Importing ------------------------------------------------------------------------------------


def test_import_makes_a_linked_draft_and_keeps_the_document(seeded):
    data = RUSSIAN_NEWS.encode()
    item, suggestions = import_news_draft(data, "press-release.txt")

    document = item.source
    assert (document.kind, document.filename, document.text) == (
        SourceDocument.Kind.NEWS,
        "press-release.txt",
        RUSSIAN_NEWS,
    )
    assert document.sha256 == hashlib.sha256(RUSSIAN_NEWS.encode()).hexdigest()
    assert item.status == NewsItem.Status.DRAFT
    assert item.title == "УНП ООН и Казахстан договорились о совместной работе"
    assert item.slug == "unp-oon-i-kazakhstan-dogovorilis-o-sovmestnoy-rabote"
    assert item.date == datetime.date(2015, 5, 8)
    assert item.body.startswith("<p>В Ташкенте представители")
    assert item.body.endswith("<p>Стороны также договорились о мерах против терроризма.</p>")
    assert codes(item.countries.all()) == {"KZ", "KG", "RU"}
    assert slugs(item.thematic_areas.all()) == slugs(suggestions.thematic_areas)


def test_same_title_and_file_name_get_their_own_slug_and_name(seeded):
    first, _ = import_news_draft(b"Seizure in Osh\n\nOfficers seized heroin.", "seizure.txt")
    second, _ = import_news_draft(b"Seizure in Osh\n\nOfficers seized opium.", "seizure.txt")
    assert (first.slug, second.slug) == ("seizure-in-osh", "seizure-in-osh-2")
    assert (first.source.filename, second.source.filename) == ("seizure.txt", "seizure-2.txt")


def test_a_text_imported_before_is_refused_naming_the_document(seeded):
    path = DOCUMENTS_DIR / ARTICLE_2011
    before = counts()
    with pytest.raises(DocumentError, match="Regional cooperation key in countering drug routes"):
        import_news_draft(path.read_bytes(), "copy.txt")
    assert counts() == before


def test_a_failure_after_the_document_is_stored_saves_nothing(seeded, monkeypatch):
    def fail(text):
        raise RuntimeError("disk full")

    monkeypatch.setattr("news.importer.paragraphs_to_html", fail)
    before = counts()
    with pytest.raises(RuntimeError):
        import_news_draft(b"Seizure in Osh\n\nOfficers seized heroin.", "seizure.txt")
    assert counts() == before


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_user("editor", "editor@unodc.example", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


def upload(client, data, filename):
    return client.post(IMPORT_URL, {"document": SimpleUploadedFile(filename, data)})


def test_editor_uploads_a_docx_and_lands_on_the_draft_with_its_suggestions(editor_client, seeded):
    data = docx_bytes(
        "Seizure in Tajikistan",
        "15 June 2011",
        "Officers in Tajikistan seized 100 kg of heroin bound for Kazakhstan.",
    )
    response = upload(editor_client, data, "seizure.docx")

    item = NewsItem.objects.get(title="Seizure in Tajikistan")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/news/newsitem/{item.pk}/change/"
    assert item.status == NewsItem.Status.DRAFT
    assert item.date == datetime.date(2011, 6, 15)
    page = editor_client.get(response["Location"])
    assert page.status_code == 200
    assert "is now the draft" in page.text
    assert "Kazakhstan, Tajikistan" in page.text
    assert "Drugs" in page.text


def test_a_bad_upload_shows_why_on_the_form_and_saves_nothing(editor_client, seeded):
    before = counts()
    response = upload(editor_client, "Café".encode("latin-1"), "news.txt")
    assert response.status_code == 200
    assert "This file is not UTF-8 text. Save it as UTF-8 and upload it again." in response.text
    assert counts() == before


def test_a_post_without_a_file_asks_for_one(editor_client, seeded):
    before = counts()
    response = editor_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert counts() == before


def test_news_list_offers_the_import_to_editors(editor_client, seeded):
    response = editor_client.get("/admin/news/newsitem/")
    assert IMPORT_URL in response.text
    assert editor_client.get(IMPORT_URL).status_code == 200


def test_staff_who_may_not_add_news_cannot_import(client, seeded):
    user = get_user_model().objects.create_user("viewer", "viewer@unodc.example", is_staff=True)
    client.force_login(user)
    before = counts()
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, b"Title\n\nText.", "news.txt").status_code == 403
    assert counts() == before


def test_imported_draft_is_not_public(editor_client, seeded):
    upload(editor_client, b"Seizure in Osh\n\nOfficers seized heroin.", "seizure.txt")
    item = NewsItem.objects.get(slug="seizure-in-osh")
    assert item.status == NewsItem.Status.DRAFT
    assert editor_client.get(f"/en/news/{item.slug}/").status_code == 404
    assert item.title not in editor_client.get("/en/news/").text
