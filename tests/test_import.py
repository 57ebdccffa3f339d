import codecs
import datetime
import hashlib
import io
import zipfile

import docx
import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from editorial.richtext import to_storage
from images.models import Image
from news.importer import (
    MAX_DOCUMENT_BYTES,
    DocumentError,
    import_news_draft,
    parse_news,
    parse_structured,
    read_document,
    suggest_links,
)
from news.models import NewsItem
from programmes.models import Programme
from sources.models import SourceDocument
from tests import docx_documents
from tests.xss_payloads import PAYLOADS
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
    item, suggestions, _report = import_news_draft(data, "press-release.txt")

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
    first, *_ = import_news_draft(b"Seizure in Osh\n\nOfficers seized heroin.", "seizure.txt")
    second, *_ = import_news_draft(b"Seizure in Osh\n\nOfficers seized opium.", "seizure.txt")
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


# Structured import: Word and web pages ---------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_a_word_press_release_keeps_its_structure_and_its_picture(seeded, media, editor):
    programme = Programme.objects.get(slug="programme-for-central-asia-2015-2019")
    images_before = Image.objects.count()

    item, _suggestions, report = import_news_draft(
        docx_documents.press_release(), "press-release.docx", user=editor
    )

    assert item.title == "Border officers of Central Asia trained in Almaty"
    assert item.date == datetime.date(2021, 3, 12)
    assert item.summary == (
        "Officers from five countries met in Almaty with UNODC under the Programme for "
        "Central Asia."
    )
    body = item.body
    assert body.startswith("<p>Officers from <strong>five countries</strong> met in <em>Almaty")
    assert "TASHKENT" not in body
    assert '<a href="https://www.unodc.org/">UNODC</a>' in body
    assert f'data-ref="programmes.programme:{programme.pk}"' in body
    assert "<h2>What the officers agreed</h2>" in body
    assert "<ul><li><p>Joint patrols on the border</p></li><li><p>Shared training" in body
    assert "<ol><li><p>Sign the plan</p></li><li><p>Report in a year</p></li></ol>" in body
    assert "<tr><th><p>Country</p></th><th><p>Officers</p></th><th><p>Posts</p></th></tr>" in body
    assert "<td><p>Kazakhstan</p></td>" in body
    assert Image.objects.count() == images_before + 1
    image = Image.objects.latest("pk")
    assert (image.alt_text, image.title, image.uploaded_by) == ("", "press release 1", editor)
    assert f'<figure><img src="{image.file.url}" alt="" data-file="{image.pk}"></figure>' in body
    assert body.index("data-file") > body.index("</table>")
    assert body.endswith("<p>The training ends on Friday.</p>")
    assert "without alt text" in report[0]


def test_an_imported_picture_is_stored_without_its_metadata(seeded, media):
    item, *_ = import_news_draft(docx_documents.press_release(), "release.docx")
    image = Image.objects.get(pk=int(item.body.split('data-file="')[1].split('"')[0]))
    with PILImage.open(image.file.path) as stored:
        assert stored.format == "PNG"
        assert stored.size == (60, 40)
        assert not stored.info.get("exif")


def test_a_picture_the_library_refuses_is_left_out_and_reported(seeded, media, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 10
    item, _suggestions, report = import_news_draft(docx_documents.press_release(), "r.docx")
    assert "<img" not in item.body
    assert Image.objects.count() == 0
    assert any(line.startswith("Picture 1 of the document was not added") for line in report)


def test_an_imported_picture_must_be_described_before_the_text_is_saved_again(seeded, media):
    item, *_ = import_news_draft(docx_documents.press_release(), "release.docx")
    with pytest.raises(ValidationError, match="has no alt text"):
        to_storage(item.body, "en")
    image = Image.objects.get()
    image.alt_text_en = "Officers at a border post"
    image.save()
    assert 'alt="Officers at a border post"' in to_storage(item.body, "en")


@pytest.mark.parametrize(
    ("dateline", "date"),
    [
        ("TASHKENT (Uzbekistan), 12 March 2021 – ", datetime.date(2021, 3, 12)),
        ("VIENNA, 8 May 2015 (UN Information Service) - ", datetime.date(2015, 5, 8)),
        ("NEW YORK, June 3, 2019 — ", datetime.date(2019, 6, 3)),
        ("ТАШКЕНТ (Узбекистан), 12 марта 2021 года – ", datetime.date(2021, 3, 12)),
        ("Бишкек, 3 июня 2019 г. - ", datetime.date(2019, 6, 3)),
    ],
)
def test_a_un_dateline_gives_the_date_and_leaves_the_text(dateline, date):
    data = docx_documents.saved(
        docx_documents.simple(dateline + "Officers seized heroin.", "They were trained.")
    )
    news = parse_structured(data, "seizure.docx")
    assert news.date == date
    assert news.summary == "Officers seized heroin."
    assert news.body == "<p>Officers seized heroin.</p><p>They were trained.</p>"


@pytest.mark.parametrize(
    "first_paragraph",
    [
        "TASHKENT, 31 February 2021 – Officers seized heroin.",
        "In 2018, officers seized heroin.",
        "Officers, 12 March 2021 and later, seized heroin.",  # no dash: not a dateline
    ],
)
def test_no_date_is_taken_where_the_dateline_states_no_real_one(first_paragraph):
    data = docx_documents.saved(docx_documents.simple(first_paragraph))
    news = parse_structured(data, "seizure.docx")
    assert news.date is None
    assert news.body == f"<p>{first_paragraph}</p>"


PAGE = b"""<!DOCTYPE html><html><head><title>UNODC</title><style>p { color: red }</style>
<script>alert("x")</script></head><body><nav><a href="/">Home</a></nav>
<h1>Border officers trained in Almaty</h1>
<p>VIENNA, 8 May 2015 (UN Information Service) - Officers from <b>five</b> countries met
at <a href="https://www.unodc.org/centralasia/">the office</a>.</p>
<img src="https://cdn.example.org/photo.jpg" alt="Officers">
<h3>Agreed</h3><ul><li>Joint patrols</li><li>Training <i>centres</i></li></ul>
<ol><li>Sign</li></ol><h4>Figures</h4>
<table><tr><td>Country</td><td>Officers</td></tr><tr><td>Kazakhstan</td><td>40</td></tr></table>
<p onclick="steal()">Read <a href="javascript:steal()">this</a>.</p></body></html>"""


def test_a_web_page_keeps_headings_lists_tables_and_links_and_reports_what_it_drops(seeded):
    item, _suggestions, report = import_news_draft(PAGE, "story.html")
    assert item.title == "Border officers trained in Almaty"
    assert item.date == datetime.date(2015, 5, 8)
    assert item.body == (
        '<p>Officers from <strong>five</strong> countries met at <a href="https://www.unodc.org'
        '/centralasia/">the office</a>.</p><h2>Agreed</h2><ul><li><p>Joint patrols</p></li>'
        "<li><p>Training <em>centres</em></p></li></ul><ol><li><p>Sign</p></li></ol>"
        "<h3>Figures</h3><table><tbody><tr><th><p>Country</p></th><th><p>Officers</p></th></tr>"
        "<tr><td><p>Kazakhstan</p></td><td><p>40</p></td></tr></tbody></table>"
        "<p>Read this.</p>"
    )
    assert "alert" not in item.body and "steal" not in item.body
    assert report[0] == "Not kept from the document: scripts, styles."
    assert "1 image from another site was not kept" in report[1]
    assert "1 link was not kept" in report[2]


def test_a_word_comment_tracked_changes_and_colours_are_reported():
    document = docx_documents.simple("Officers seized heroin.")
    paragraph = document.add_paragraph("Kept text")
    red = paragraph.add_run(" in red")
    red.font.color.rgb = docx.shared.RGBColor(0xFF, 0, 0)
    document.add_comment(paragraph.runs, text="Check the figure", author="Reviewer")
    docx_documents.add_tracked_change(paragraph, inserted=" and added", deleted=" and removed")

    news = parse_structured(docx_documents.saved(document), "seizure.docx")

    assert news.report[0] == "Not kept from the document: comments, colours."
    assert news.report[1].startswith("The document has tracked changes")
    assert "<p>Kept text in red and added</p>" in news.body
    assert "removed" not in news.body


def test_a_plain_word_document_reports_nothing():
    data = docx_documents.saved(docx_documents.simple("Officers seized heroin."))
    assert parse_structured(data, "seizure.docx").report == []


def test_a_failure_after_the_pictures_are_stored_saves_nothing(seeded, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(NewsItem, "save", fail)  # after the picture is in the library
    before = counts(), Image.objects.count()
    with pytest.raises(RuntimeError):
        import_news_draft(docx_documents.press_release(), "press-release.docx")
    assert (counts(), Image.objects.count()) == before
    assert stored_files(media) == []


def test_editor_uploads_a_press_release_and_reads_what_was_not_kept(editor_client, seeded, media):
    response = upload(editor_client, docx_documents.press_release(), "press-release.docx")

    item = NewsItem.objects.get(title="Border officers of Central Asia trained in Almaty")
    assert response["Location"] == f"/admin/news/newsitem/{item.pk}/change/"
    page = editor_client.get(response["Location"])
    assert "is now the draft" in page.text
    assert "1 image was added to the media library without alt text" in page.text
    assert Image.objects.get().uploaded_by.username == "editor"


def test_hostile_pages_give_a_clean_draft_body_or_a_sentence():
    for payload in PAYLOADS:
        page = f"<h1>T</h1><p>{payload}</p><table><tr><td colspan='{payload}'>{payload}</td></tr>"
        try:
            news = parse_structured(f"{page}</table><ul><li>{payload}</li></ul>".encode(), "a.html")
        except DocumentError:
            continue
        stored = lxml.html.fragment_fromstring(to_storage(news.body, "en"), create_parent="div")
        elements = list(stored.iter())
        assert not [element for element in elements if element.tag in ("script", "style")]
        assert not [name for element in elements for name in element.attrib if name[:2] == "on"]
        assert not [a for a in stored.iter("a") if "script:" in a.get("href", "").lower()]
