"""Publications: uploads checked by their content, files served only for what is published,
the background task reading pages, text and cover, and the public list, page, feed, sitemap,
search and API."""

import datetime
import io

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from editorial.changes import invalidate
from editorial.models import Draft, Status
from programmes.models import Country, Office, ThematicArea
from publications.models import Publication, PublicationFile
from publications.tasks import read_publication_file
from tests.pdfs import make_docx, make_pdf, make_xlsx, ooxml, rewritten

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/publications/publication/add/"
CHANGE_URL = "/admin/publications/publication/{}/change/"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PUBLICATION_FILES_ROOT = tmp_path / "private"
    return tmp_path / "private"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(action): action(), then what it left for after the commit (the task)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def make_publication(slug="drug-report", files=None, **fields):
    """A publication; files {language: (file name, bytes)} stored and read as an upload is."""
    fields.setdefault("title", "World drug report")
    fields.setdefault("summary", "Trends in drug markets.")
    fields.setdefault("body", "<p>Trends in drug markets.</p>")
    fields.setdefault("date", timezone.localdate() - datetime.timedelta(days=30))
    fields.setdefault("status", Status.PUBLISHED)
    publication = Publication(slug=slug, **fields)
    for language, (name, data) in (files or {}).items():
        stored = publication.stored_file(language)
        stored.save(name, ContentFile(data), save=False)
        PublicationFile.objects.create(
            name=stored.name, format=name.rsplit(".", 1)[1], size=len(data)
        )
    publication.save()
    for language in files or {}:
        read_publication_file.call(publication.stored_file(language).name)
    publication.refresh_from_db()
    return publication


def form_data(publication=None, **overrides):
    data = {
        "title_en": publication.title if publication else "Afghan opiate trade",
        "slug": publication.slug if publication else "afghan-opiate-trade",
        "date": "",
        "summary_en": publication.summary if publication else "Routes of the opiate trade.",
        "body_en": publication.body if publication else "<p>Routes.</p>",
        "document_symbol": "",
        "isbn": "",
        "accessible_format_email": "",
        "action": "save",
        "version": publication.version if publication else "",
    }
    data.update(overrides)
    return data


def upload(name, data):
    return SimpleUploadedFile(name, data)


# ---------------------------------------------------------------- uploads refused by content


def good_pdf(pages=2, text="Opium poppy cultivation survey"):
    return make_pdf(pages=pages, text=text)


def with_script_in_an_annotation(writer):
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): action,
        }
    )
    writer.add_annotation(0, annotation)


BAD_FILES = {
    "an HTML page named .pdf": (
        "report.pdf",
        lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "is not a PDF",
    ),
    "a PDF with JavaScript run on opening": (
        "report.pdf",
        lambda: rewritten(good_pdf(), lambda w: w.add_open_action(JavaScript("app.alert(1);"))),
        "contains JavaScript",
    ),
    "a PDF with JavaScript in a link's action": (
        "report.pdf",
        lambda: rewritten(good_pdf(), with_script_in_an_annotation),
        "contains JavaScript",
    ),
    "an encrypted PDF": (
        "report.pdf",
        lambda: rewritten(good_pdf(), lambda w: w.encrypt("secret")),
        "password-protected",
    ),
    "a truncated PDF": ("report.pdf", lambda: good_pdf()[:400], "damaged or incomplete"),
    "a PDF of garbage between its header and end": (
        "report.pdf",
        lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
        "damaged or incomplete",
    ),
    "a DOCX zip bomb": (
        "report.docx",
        lambda: ooxml(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"<document/>",
                "word/padding.xml": b"0" * (60 * 1024 * 1024),
            }
        ),
        "zip bomb",
    ),
    "an OLE (encrypted Office) file named .docx": (
        "report.docx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024,
        "password-protected (encrypted)",
    ),
    "garbage named .docx": ("report.docx", lambda: b"not a zip at all" * 10, "damaged"),
    "a workbook named .docx": ("report.docx", make_xlsx, "is not a Word document"),
    "a file of another kind": ("report.exe", lambda: b"MZ" + b"\x00" * 100, "Upload a PDF"),
}


@pytest.mark.parametrize("name, make, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_with_a_sentence_and_nothing_is_stored(
    client, editor, private_files, name, make, message
):
    client.force_login(editor)
    response = client.post(ADD_URL, form_data(file_en=upload(name, make())))
    assert response.status_code == 200
    assert message in response.text
    assert not Publication.objects.exists()
    assert not PublicationFile.objects.exists()
    assert not private_files.exists() or not any(private_files.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(client, editor, settings):
    settings.MAX_PUBLICATION_BYTES = 1000
    client.force_login(editor)
    response = client.post(ADD_URL, form_data(file_en=upload("report.pdf", good_pdf(pages=30))))
    assert "the limit is 1000" in response.text.replace("\xa0", " ")
    assert not Publication.objects.exists()


def test_a_wrong_isbn_is_refused_and_a_right_one_taken(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, form_data(isbn="978-92-1-148314-8"))
    assert "This is not a valid ISBN" in response.text
    response = client.post(ADD_URL, form_data(isbn="978-92-1-148314-7"))
    assert response.status_code == 302
    assert Publication.objects.get().isbn == "978-92-1-148314-7"


def test_a_valid_pdf_is_stored_privately_and_read_by_the_task(
    client, editor, private_files, committed
):
    client.force_login(editor)
    data = good_pdf(pages=3, text="Opium poppy cultivation survey")
    response = committed(
        lambda: client.post(ADD_URL, form_data(file_en=upload("Survey FINAL.pdf", data)))
    )
    assert response.status_code == 302
    publication = Publication.objects.get()
    stored = publication.file_en.name
    assert stored.startswith("publications/") and stored.endswith("/en.pdf")
    assert "Survey" not in stored  # a random name, not the upload's
    assert (private_files / stored).read_bytes() == data
    details = PublicationFile.objects.get(name=stored)
    assert (details.format, details.size, details.pages) == ("pdf", len(data), 3)
    assert "Opium poppy cultivation survey page 3" in details.text
    cover = PILImage.open(io.BytesIO((private_files / details.cover.name).read_bytes()))
    assert cover.format == "JPEG" and cover.width == 600
    assert details.cover_height == cover.height
    assert "poppy" in Publication.objects.values_list("file_text_en", flat=True).get()


def test_word_and_excel_files_are_accepted_and_their_text_read(client, editor, committed):
    client.force_login(editor)
    response = committed(
        lambda: client.post(
            ADD_URL,
            form_data(
                file_en=upload("report.docx", make_docx("Border management training report")),
                file_ru=upload("tables.xlsx", make_xlsx(["Изъятия", "героина"])),
            ),
        )
    )
    assert response.status_code == 302
    publication = Publication.objects.get()
    english = PublicationFile.objects.get(name=publication.file_en.name)
    russian = PublicationFile.objects.get(name=publication.file_ru.name)
    assert (english.format, russian.format) == ("docx", "xlsx")
    assert "Border management" in english.text
    assert "героина" in russian.text
    assert english.pages is None and not english.cover


def test_admin_shows_what_was_read_of_each_file(client, publisher):
    publication = make_publication(files={"en": ("report.pdf", good_pdf(pages=4))})
    client.force_login(publisher)
    page = client.get(CHANGE_URL.format(publication.pk)).text
    assert "Format: PDF" in page
    assert "Pages: 4" in page
    assert "Text extracted: yes" in page
    assert "No file." in page  # the Russian one


# ---------------------------------------------------------------- downloads


def test_a_published_publications_file_downloads_with_the_safe_headers(client):
    data = good_pdf()
    make_publication(files={"en": ("report.pdf", data)})
    response = client.get("/en/publications/drug-report/files/en/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"] == 'attachment; filename="drug-report-en.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_word_file_downloads_as_word(client):
    make_publication(files={"ru": ("report.docx", make_docx())})
    response = client.get("/ru/publications/drug-report/files/ru/")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"] == 'attachment; filename="drug-report-ru.docx"'


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED])
def test_a_file_of_a_publication_not_published_is_not_found(client, status):
    make_publication(status=status, files={"en": ("report.pdf", good_pdf())})
    assert client.get("/en/publications/drug-report/files/en/").status_code == 404
    assert client.get("/en/publications/drug-report/cover/en/").status_code == 404
    assert client.get("/en/publications/drug-report/").status_code == 404


def test_a_scheduled_publications_file_is_not_found_until_its_time(client):
    later = timezone.now() + datetime.timedelta(days=1)
    make_publication(publish_at=later, files={"en": ("report.pdf", good_pdf())})
    assert client.get("/en/publications/drug-report/files/en/").status_code == 404


def test_a_withdrawn_publications_file_is_gone_while_its_page_stays(client):
    make_publication(
        status=Status.WITHDRAWN,
        withdrawal_reason="A newer edition replaces it.",
        files={"en": ("report.pdf", good_pdf())},
    )
    assert client.get("/en/publications/drug-report/files/en/").status_code == 410
    page = client.get("/en/publications/drug-report/")
    assert page.status_code == 200
    assert "A newer edition replaces it." in page.text


def test_a_missing_language_or_unknown_one_is_not_found(client):
    make_publication(files={"en": ("report.pdf", good_pdf())})
    assert client.get("/en/publications/drug-report/files/ru/").status_code == 404
    assert client.get("/en/publications/drug-report/files/xx/").status_code == 404
    assert client.get("/en/publications/no-such-report/files/en/").status_code == 404


def test_a_new_file_in_a_draft_over_a_live_publication_is_served_only_once_published(
    client, editor, publisher, committed
):
    old, new = good_pdf(text="First edition"), good_pdf(text="Second edition")
    publication = make_publication(files={"en": ("report.pdf", old)})
    client.force_login(editor)
    response = committed(
        lambda: client.post(
            CHANGE_URL.format(publication.pk),
            form_data(publication, file_en=upload("report.pdf", new)),
        )
    )
    assert response.status_code == 302
    draft = Draft.of(publication)
    drafted_name = draft.content["fields"]["file_en"]
    assert drafted_name != publication.file_en.name
    assert PublicationFile.objects.get(name=drafted_name).size == len(new)

    client.logout()
    served = client.get("/en/publications/drug-report/files/en/")
    assert b"".join(served.streaming_content) == old

    client.force_login(publisher)
    publication.refresh_from_db()
    response = client.post(
        CHANGE_URL.format(publication.pk), form_data(publication, action="publish")
    )
    assert response.status_code == 302, response.text
    client.logout()
    served = client.get("/en/publications/drug-report/files/en/")
    assert b"".join(served.streaming_content) == new
    publication.refresh_from_db()
    assert "Second edition" in Publication.objects.values_list("file_text_en", flat=True).get()


# ---------------------------------------------------------------- public pages


def test_detail_page_lists_each_file_with_its_facts_and_the_accessible_format_link(
    client, kazakhstan
):
    Office.objects.create(
        slug="roca", name="Regional office", kind=Office.Kind.REGIONAL, country=kazakhstan,
        email="roca@unodc.example", status=Status.PUBLISHED,
    )  # fmt: skip
    make_publication(
        document_symbol="UNODC/ROCA/2024/1",
        isbn="978-92-1-148314-7",
        files={
            "en": ("report.pdf", good_pdf(pages=12)),
            "ru": ("report.docx", make_docx()),
        },
        file_ru_accessible=True,
    )
    page = client.get("/en/publications/drug-report/").text
    assert "Download in English (PDF)" in page
    assert "12 pages" in page
    assert "Download in Russian (Word (DOCX))" in page
    assert 'href="/en/publications/drug-report/files/en/"' in page
    assert page.count("Request an accessible format") == 1  # the English file only
    assert "mailto:roca@unodc.example" in page
    assert "UNODC/ROCA/2024/1" in page and "978-92-1-148314-7" in page
    assert 'src="/en/publications/drug-report/cover/en/"' in page
    assert client.get("/en/publications/drug-report/cover/en/")["Content-Type"] == "image/jpeg"


def test_the_publications_own_email_comes_before_the_offices_and_none_gives_no_link(client):
    make_publication(files={"en": ("report.pdf", good_pdf())})
    assert "Request an accessible format" not in client.get("/en/publications/drug-report/").text
    Publication.objects.update(accessible_format_email="publications@unodc.example")
    invalidate()  # update() sends no signal: the cached page would stay
    page = client.get("/en/publications/drug-report/").text
    assert "mailto:publications@unodc.example" in page


def test_a_publication_without_files_says_so(client):
    make_publication()
    page = client.get("/ru/publications/drug-report/")
    assert page.status_code == 200
    assert "No file is available yet." in client.get("/en/publications/drug-report/").text


def test_list_filters_by_country_theme_year_and_file_language(client, kazakhstan, drugs):
    this_year = timezone.localdate().year
    kazakh = make_publication(slug="kazakh-report", title="Kazakh report")
    kazakh.countries.add(kazakhstan)
    themed = make_publication(
        slug="drug-themed",
        title="Drug markets study",
        date=datetime.date(this_year - 3, 5, 1),
        files={"ru": ("report.pdf", good_pdf())},
    )
    themed.thematic_areas.add(drugs)
    make_publication(slug="draft-report", title="Draft report", status=Status.DRAFT)

    def titles(query):
        response = client.get(f"/en/publications/{query}")
        assert response.status_code == 200
        return {
            t for t in ("Kazakh report", "Drug markets study", "Draft report") if t in response.text
        }

    assert titles("") == {"Kazakh report", "Drug markets study"}
    assert titles(f"?country={kazakhstan.slug}") == {"Kazakh report"}
    assert titles(f"?theme={drugs.slug}") == {"Drug markets study"}
    assert titles(f"?year={this_year - 3}") == {"Drug markets study"}
    assert titles("?language=ru") == {"Drug markets study"}
    assert titles("?language=en") == set()


def test_an_unknown_filter_value_is_a_400_with_a_message(client):
    make_publication()
    response = client.get("/en/publications/?country=atlantis&language=fr")
    assert response.status_code == 400
    assert "There is no such country on this site" in response.text
    assert "Choose English or Russian." in response.text


def test_list_queries_do_not_grow_with_the_publications(
    client, count_queries, kazakhstan, settings
):
    settings.PAGE_CACHE_SECONDS = 0

    def add(start, count):
        for number in range(start, start + count):
            make_publication(slug=f"report-{number}").countries.add(kazakhstan)

    add(1, 2)
    few = count_queries(lambda: client.get("/en/publications/"))
    add(3, 25)
    many = count_queries(lambda: client.get("/en/publications/"))
    assert few == many


def test_feeds_list_published_publications_newest_first(client):
    make_publication(slug="older", title="Older report", date=datetime.date(2019, 1, 1))
    make_publication(slug="newer", title="Newer report")
    make_publication(slug="hidden", title="Hidden draft", status=Status.DRAFT)
    for path in ("/en/publications/feed/", "/en/publications/feed/atom/"):
        feed = feedparser.parse(client.get(path).content)
        assert [entry.title for entry in feed.entries] == ["Newer report", "Older report"]


def test_sitemap_lists_only_published_publications(client):
    make_publication(slug="public-report")
    make_publication(slug="draft-report", status=Status.DRAFT)
    sitemap = client.get("/sitemap.xml").text
    assert "/en/publications/public-report/" in sitemap
    assert "/ru/publications/public-report/" in sitemap
    assert "/en/publications/</loc>" in sitemap
    assert "draft-report" not in sitemap


def test_site_search_finds_a_word_only_the_file_has(client):
    make_publication(files={"en": ("report.pdf", good_pdf(text="Precursor chemicals"))})
    make_publication(
        slug="draft", status=Status.DRAFT, files={"en": ("r.pdf", good_pdf(text="Precursor"))}
    )
    page = client.get("/en/search/?q=precursor").text
    assert "/en/publications/drug-report/" in page
    assert "/en/publications/draft/" not in page


# ---------------------------------------------------------------- API


def test_api_lists_published_publications_with_their_files(client):
    make_publication(files={"en": ("report.pdf", good_pdf(pages=5))})
    make_publication(slug="draft", status=Status.DRAFT)
    records = client.get("/api/v1/publications/").json()["results"]
    assert [r["slug"] for r in records] == ["drug-report"]
    (file,) = records[0]["files"]
    assert file["language"] == "en" and file["format"] == "pdf" and file["pages"] == 5
    assert file["size"] > 0 and file["accessible"] is False
    assert file["url"] == "http://testserver/en/publications/drug-report/files/en/"
    assert "text" not in file


def test_api_detail_gives_the_files_text_and_404_for_a_draft(client):
    make_publication(files={"en": ("report.pdf", good_pdf(text="Synthetic drugs"))})
    make_publication(slug="draft", status=Status.DRAFT)
    record = client.get("/api/v1/publications/drug-report/").json()
    assert "Synthetic drugs page 1" in record["files"][0]["text"]
    assert client.get("/api/v1/publications/draft/").status_code == 404


def test_api_and_list_filter_by_words_of_the_file_country_and_language(client, kazakhstan):
    report = make_publication(files={"en": ("report.pdf", good_pdf(text="Precursor chemicals"))})
    report.countries.add(kazakhstan)
    make_publication(slug="other", title="Border management", files={"ru": ("r.pdf", good_pdf())})

    def slugs(query):
        return [r["slug"] for r in client.get("/api/v1/publications/", query).json()["results"]]

    assert slugs({"q": "precursor"}) == ["drug-report"]  # a word of the file's text alone
    assert slugs({"country": "kazakhstan"}) == ["drug-report"]
    assert slugs({"language": "ru"}) == ["other"]
    assert slugs({"q": "precursor", "language": "ru"}) == []
    response = client.get("/api/v1/publications/", {"country": "atlantis"})
    assert response.status_code == 400 and "country" in response.json()
    page = client.get("/en/publications/", {"q": "precursor"}).text
    assert "/en/publications/drug-report/" in page and "/en/publications/other/" not in page


def test_api_list_queries_do_not_grow(client, count_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_publication(slug="a", files={"en": ("a.pdf", good_pdf())})
    few = count_queries(lambda: client.get("/api/v1/publications/"))
    for number in range(10):
        make_publication(slug=f"r{number}", files={"ru": ("r.pdf", good_pdf())})
    assert count_queries(lambda: client.get("/api/v1/publications/")) == few


# ---------------------------------------------------------------- seed, permissions


def test_the_2018_annual_report_is_seeded_as_a_publication_without_file_or_date(seeded, client):
    report = Publication.objects.get(slug="annual-report-2018")
    assert report.is_public
    assert report.date is None  # the document states none
    assert report.title.startswith("2018 Annual Report")
    assert "over $ 14.5 million" in report.body
    assert [s.slug for s in report.sources.all()] == ["annual-report-2018"]
    assert set(report.countries.values_list("iso_code", flat=True)) == {
        "KZ", "KG", "TJ", "TM", "UZ", "AZ", "GE", "AM",
    }  # fmt: skip
    page = client.get(report.get_absolute_url()).text
    assert "No file is available yet." in page
    assert "Source:" in page


def test_publishers_alone_may_publish_publications():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    publishers = Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    assert "change_publication" in editors and "publish_publication" not in editors
    assert "publish_publication" in publishers


def test_reference_links_stay_to_published_countries_and_areas(client):
    draft_country = Country.objects.create(
        name="Atlantis", slug="atlantis", iso_code="XA", status=Status.DRAFT
    )
    area = ThematicArea.objects.create(name="Piracy", slug="piracy", status=Status.PUBLISHED)
    publication = make_publication()
    publication.countries.add(draft_country)
    publication.thematic_areas.add(area)
    page = client.get("/en/publications/drug-report/").text
    assert "Atlantis" not in page
    assert "Piracy" in page
