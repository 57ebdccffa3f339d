"""Issue 15 in a real browser: one library photo in two stories and in a body, a table and a
link to a programme in that body, a publication with its PDF; a reader reads and downloads."""

import io
import re
from contextlib import suppress

import pytest
from django.apps import apps
from PIL import Image as Picture
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from editorial.roles import create_groups
from images.models import Image
from news.models import NewsItem
from programmes.models import Programme
from publications.models import Publication
from tests.pdfs import make_pdf
from tests.test_browser_editorial import log_in, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALT = "Officers stand beside seized packages at the Khorog border post"


@pytest.fixture
def files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLICATION_FILES_ROOT = tmp_path / "private"
    photo = tmp_path / "khorog.png"
    buffer = io.BytesIO()
    Picture.new("RGB", (800, 450), "darkgreen").save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())
    report = tmp_path / "annual-report.pdf"
    report.write_bytes(make_pdf(pages=3, text="Annual report of the regional office"))
    return photo, report


def choose_in_pop_up(pop_up, choice):
    """Click a picker's choice, which hands it to the opener and closes the pop-up at once:
    often before Playwright hears that the click is done (its error is the page closing; any
    other failure leaves the pop-up open, and waiting for its close fails the test)."""
    with pop_up.expect_event("close"), suppress(PlaywrightError):
        choice.click()


def choose_library_image(page, title):
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Choose from the library").click()
    library = opened.value
    library.locator("#searchbar").fill(title.split()[0])
    library.keyboard.press("Enter")
    with library.expect_event("close"):
        library.get_by_role("link", name=title).click()
    expect(page.locator(".image-chooser-chosen figcaption")).to_have_text(title)


def new_story(page, site, title, summary):
    page.goto(f"{site}/admin/news/newsitem/add/")
    page.locator("#id_title_en").fill(title)
    page.locator("#id_title_en").press("Tab")
    page.locator("#id_summary_en").fill(summary)
    body = page.locator(".field-body_en [contenteditable=true].ProseMirror")
    body.click()
    page.keyboard.type(summary)
    return body


def approve_and_publish(page, site, path):
    page.goto(f"{site}{path}")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("is approved and live")


def test_a_library_photo_a_table_a_link_and_a_publication_reach_the_reader(site, browser, files):
    create_groups(apps)  # made by a data migration, which an earlier transactional test flushed
    photo, report = files
    staff("editor", "Editors")
    staff("publisher", "Publishers")
    programme = Programme.objects.published().order_by("-start_year").first()

    editor = browser.new_context().new_page()
    log_in(editor, site, "editor")
    # The photo goes into the library once.
    editor.goto(f"{site}/admin/images/image/add/")
    editor.locator("#id_file").set_input_files(photo)
    editor.locator("#id_title").fill("Khorog border post")
    editor.locator("#id_alt_text_en").fill(ALT)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    image = Image.objects.get(title="Khorog border post")

    # The first story shows it as its image.
    new_story(editor, site, "Heroin seized in Khorog", "Officers seized 20 kg of heroin.")
    choose_library_image(editor, "Khorog border post")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("is submitted for review")

    # The second shows it too, and in its body, with a table and a link to a programme.
    body = new_story(editor, site, "Seizures in 2024", "The border posts' seizures in 2024.")
    choose_library_image(editor, "Khorog border post")
    toolbar = editor.locator(".field-body_en")
    toolbar.get_by_role("button", name="figure").click()
    dialog = editor.locator("dialog[open]")
    with editor.expect_popup() as opened:
        dialog.get_by_role("button", name="Browse...").click()
    picker = opened.value
    choose_in_pop_up(picker, picker.get_by_role("link", name=re.compile("Khorog border post")))
    expect(dialog.locator("input[name=altText]")).to_have_value(ALT)
    dialog.get_by_role("button", name="Insert").click()

    body.press("Control+End")
    toolbar.get_by_role("button", name="Insert table").click()
    if editor.locator("dialog[open]").count():  # rows, columns and a header row to choose
        editor.locator("dialog[open]").get_by_role("button", name=re.compile("Insert")).click()
    for cell_text in ["Post", "Heroin (kg)", "Khorog", "20"]:
        editor.keyboard.type(cell_text)
        editor.keyboard.press("Tab")

    body.press("Control+End")
    editor.keyboard.press("Enter")
    with editor.expect_popup() as opened:
        toolbar.get_by_role("button", name="Link to an item of this site").click()
    links = opened.value
    links.locator("input[name=q]").fill(programme.title.split()[0])
    links.keyboard.press("Enter")
    choose_in_pop_up(links, links.get_by_role("link", name=programme.title).first)

    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("is submitted for review")
    story = NewsItem.objects.get(title="Seizures in 2024")
    assert f'data-file="{image.pk}"' in story.body
    assert f'data-ref="programmes.programme:{programme.pk}"' in story.body
    assert "<th" in story.body

    # The publication, with its PDF.
    editor.goto(f"{site}/admin/publications/publication/add/")
    editor.locator("#id_title_en").fill("Annual report 2024")
    editor.locator("#id_title_en").press("Tab")
    editor.locator("#id_summary_en").fill("What the office did in 2024.")
    editor.locator(".field-body_en [contenteditable=true].ProseMirror").click()
    editor.keyboard.type("The office's work in 2024.")
    editor.locator("#id_file_en").set_input_files(report)
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("is submitted for review")
    publication = Publication.objects.get(title="Annual report 2024")

    publisher = browser.new_context().new_page()
    log_in(publisher, site, "publisher")
    for item in NewsItem.objects.filter(image=image):
        approve_and_publish(publisher, site, f"/admin/news/newsitem/{item.pk}/change/")
    approve_and_publish(
        publisher, site, f"/admin/publications/publication/{publication.pk}/change/"
    )
    publisher.goto(f"{site}/admin/images/image/{image.pk}/change/")
    expect(publisher.get_by_text("News item: Heroin seized in Khorog")).to_be_visible()
    expect(publisher.get_by_text("News item: Seizures in 2024", exact=True)).to_be_visible()
    expect(publisher.get_by_text("News item: Seizures in 2024 (in its text)")).to_be_visible()

    reader = browser.new_context().new_page()
    reader.goto(f"{site}/en/news/{story.slug}/")
    prose = reader.locator("article .prose")
    expect(prose.locator("figure img")).to_have_attribute("alt", ALT)
    expect(prose.locator("table th").first).to_have_text("Post")
    expect(prose.get_by_role("link", name=programme.title)).to_have_attribute(
        "href", f"/en/programmes/{programme.slug}/"
    )
    reader.goto(f"{site}/en/publications/{publication.slug}/")
    with reader.expect_download() as downloading:
        reader.get_by_role("link", name=re.compile("Download in English")).click()
    download = downloading.value
    assert download.suggested_filename == f"{publication.slug}-en.pdf"
    assert download.path().read_bytes() == report.read_bytes()


# Word puts a table on the clipboard as HTML of its own: classes, styles, <o:p> and paragraphs
# in every cell.
WORD_CLIPBOARD = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>
<p class=MsoNormal><b>Seizures</b> by post<o:p></o:p></p>
<table class=MsoTableGrid border=1 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
<tr><td width=200 style='width:150pt'><p class=MsoNormal>Post<o:p></o:p></p></td>
<td width=200 style='width:150pt'><p class=MsoNormal>Heroin (kg)<o:p></o:p></p></td></tr>
<tr><td><p class=MsoNormal>Khorog<o:p></o:p></p></td><td><p class=MsoNormal>20</p></td></tr>
</table></body></html>"""


def test_a_table_pasted_from_word_is_kept(site, browser):
    create_groups(apps)
    staff("editor", "Editors")
    editor = browser.new_context().new_page()
    log_in(editor, site, "editor")
    body = new_story(editor, site, "Pasted from Word", "A table pasted from Word.")
    body.press("Control+End")
    body.evaluate(
        """(element, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Seizures by post");
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                cancelable: true}));
        }""",
        WORD_CLIPBOARD,
    )
    expect(body.locator("table td, table th")).to_have_count(4)
    editor.get_by_role("button", name="Save draft").click()
    expect(editor.locator(".messagelist")).to_contain_text("is saved as a draft")
    stored = NewsItem.objects.get(title="Pasted from Word").body
    assert "<strong>Seizures</strong>" in stored, stored
    assert re.search(r"<th[^>]*>\s*(<p>)?Post", stored), stored
    assert re.search(r"<td[^>]*>\s*(<p>)?Khorog", stored), stored
    assert "Mso" not in stored and "style=" not in stored and "o:p" not in stored, stored
