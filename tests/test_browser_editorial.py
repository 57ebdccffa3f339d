"""The editors' workflow in a real browser: write, be refused, submit, schedule, appear."""

import datetime
import io
import re

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from editorial.roles import create_groups
from news.models import NewsItem
from tests.conftest import library_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1234"
TITLE = "Border officers seize heroin in Khorog"


def staff(name, group):
    user = get_user_model().objects.create_user(
        name, f"{name}@unodc.example", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, site, username):
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content")).to_be_visible()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "khorog.png"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), "darkgreen").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_editor_writes_publisher_schedules_reader_sees_it(site, browser, photo, settings, tmp_path):
    create_groups(apps)  # made by a data migration, which an earlier transactional test flushed
    settings.MEDIA_ROOT = tmp_path / "media"
    staff("editor", "Editors")
    staff("publisher", "Publishers")

    editor = browser.new_context().new_page()
    log_in(editor, site, "editor")
    editor.goto(f"{site}/admin/news/newsitem/add/")
    editor.locator("#id_title_en").fill(TITLE)
    editor.locator("#id_title_en").press("Tab")  # the slug fills in from the title on change
    expect(editor.get_by_label("Slug:")).to_have_value("border-officers-seize-heroin-in-khorog")
    editor.locator("#id_summary_en").fill("Officers seized 20 kg of heroin at the border.")
    editor.locator(".field-body_en [contenteditable=true].ProseMirror").click()
    editor.keyboard.type("Officers of the border post seized the drugs on Monday.")
    # The image: uploaded to the library from the chooser's pop-up, then shown as chosen.
    with editor.expect_popup() as opened:
        editor.get_by_role("link", name="Upload a new image").click()
    library = opened.value
    library.locator("#id_file").set_input_files(photo)
    library.get_by_role("button", name="Save", exact=True).click()
    expect(
        library.get_by_text("Add alt text for the image: screen readers read it aloud.")
    ).to_be_visible()
    library.locator("#id_file").set_input_files(photo)  # browsers never keep a chosen file
    library.locator("#id_alt_text_en").fill(
        "Officers stand beside seized packages at a border post"
    )
    with library.expect_event("close"):
        library.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".image-chooser-chosen figcaption")).to_have_text("khorog")
    expect(editor.locator(".image-chooser-chosen img")).to_have_attribute(
        "src", re.compile(r"/media/CACHE/images/images/\d{4}/khorog/\w+\.png$")
    )
    expect(editor.locator(".workflow-actions button")).to_have_text(
        ["Save draft", "Submit for review"]
    )
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("is submitted for review")
    item = NewsItem.objects.get(title=TITLE)
    assert item.status == "review"
    assert "<p>Officers of the border post seized the drugs on Monday.</p>" in item.body
    assert [m.to for m in mail.outbox] == [["publisher@unodc.example"]]

    reader = browser.new_context().new_page()
    assert reader.goto(f"{site}/en/news/{item.slug}/").status == 404

    publisher = browser.new_context().new_page()
    log_in(publisher, site, "publisher")
    publisher.get_by_role("link", name="1 news item awaits review").click()
    publisher.get_by_role("link", name=TITLE).click()
    opening_day = timezone.localdate() + datetime.timedelta(days=30)
    publisher.locator("#id_publish_at_0").fill(opening_day.isoformat())
    publisher.locator("#id_publish_at_1").fill("09:00:00")
    publisher.get_by_role("button", name="Schedule", exact=True).click()
    expect(publisher.locator(".messagelist")).to_contain_text("is approved and scheduled")
    publisher.goto(f"{site}/admin/news/newsitem/")
    row = publisher.locator("#result_list tr", has_text=TITLE)
    expect(row).to_contain_text("Scheduled")

    assert reader.goto(f"{site}/en/news/{item.slug}/").status == 404
    opening = datetime.datetime.combine(
        opening_day, datetime.time(9), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(opening, tick=False):
        reader.goto(f"{site}/en/news/")
        reader.get_by_role("link", name=TITLE).click()
        expect(reader.locator("h1")).to_have_text(TITLE)
        image = reader.locator("article img")
        expect(image).to_have_attribute(
            "alt", "Officers stand beside seized packages at a border post"
        )
        expect(reader).to_have_url(re.compile(f"/en/news/{item.slug}/$"))


def test_a_correction_of_live_news_goes_round_the_review_loop(site, browser, make_news):
    """An editor corrects live news; the public keeps the old text until a second person
    approves; changes are requested with a comment and mailed; the approval takes a public
    change note; the old address redirects. Another publisher's forced publication is listed;
    withdrawal and unpublishing show their pages."""
    create_groups(apps)
    staff("editor", "Editors")
    staff("publisher", "Publishers")
    staff("second", "Publishers")
    item = make_news(
        title="Heroin seized at the border",
        slug="heroin-seized",
        summary="Officers seized 40 kg of heroin.",
        body="<p>Officers seized 40 kg of heroin.</p>",
    )
    reader = browser.new_context().new_page()

    editor = browser.new_context().new_page()
    log_in(editor, site, "editor")
    editor.goto(f"{site}/admin/news/newsitem/{item.pk}/change/")
    editor.locator("#id_summary_en").fill("Officers seized 45 kg of heroin.")
    editor.get_by_label("Slug:").fill("heroin-seized-dostyk")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("is submitted for review")
    reader.goto(f"{site}/en/news/heroin-seized/")
    expect(reader.locator("article")).to_contain_text("40 kg")

    publisher = browser.new_context().new_page()
    log_in(publisher, site, "publisher")
    expect(publisher.locator("#awaiting-review")).to_contain_text("Heroin seized at the border")
    publisher.locator("#awaiting-review").get_by_role("link").first.click()
    publisher.get_by_label("Comment:").fill("Give the weight as in the press release: 42 kg.")
    publisher.get_by_role("button", name="Request changes").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Changes to")
    [returned] = [m for m in mail.outbox if m.to == ["editor@unodc.example"]]
    assert "42 kg" in returned.body

    editor.goto(f"{site}/admin/")
    editor.locator("#changes-requested").get_by_role("link").first.click()
    expect(editor.locator(".workflow-timeline")).to_contain_text("42 kg")
    editor.locator("#id_summary_en").fill("Officers seized 42 kg of heroin.")
    editor.get_by_role("button", name="Submit for review").click()

    publisher.goto(f"{site}/admin/news/newsitem/{item.pk}/change/")
    publisher.locator("#id_change_kind_1").check()  # "Major: readers should know…"
    publisher.get_by_label("Change note [en]:").fill("Corrected the weight seized.")
    publisher.get_by_role("button", name="Approve and publish").click()
    expect(publisher.locator(".messagelist")).to_contain_text("is approved and live")

    reader.goto(f"{site}/en/news/heroin-seized/")  # the old address redirects
    expect(reader).to_have_url(re.compile("/en/news/heroin-seized-dostyk/$"))
    expect(reader.locator("article")).to_contain_text("42 kg")
    expect(reader.locator("article")).to_contain_text("Last updated")
    expect(reader.locator("article")).to_contain_text("Corrected the weight seized.")

    second = browser.new_context().new_page()
    log_in(second, site, "second")
    second.goto(f"{site}/admin/news/newsitem/{item.pk}/change/")
    second.locator("#id_title_en").fill("Heroin seized at the Dostyk border")
    second.get_by_label("Comment:").fill("The place was missing from the title.")
    second.get_by_role("button", name="Publish without review").click()
    expect(second.locator(".messagelist")).to_contain_text("live without review")
    publisher.goto(f"{site}/admin/")
    expect(publisher.locator("#published-without-review")).to_contain_text("Dostyk border")

    second.goto(f"{site}/admin/news/newsitem/{item.pk}/change/")
    second.locator("#id_withdrawal_reason_en").fill("Superseded by the annual figures.")
    second.get_by_role("button", name="Withdraw").click()
    reader.goto(f"{site}/en/news/heroin-seized-dostyk/")
    expect(reader.locator("main")).to_contain_text("Superseded by the annual figures.")

    second.goto(f"{site}/admin/news/newsitem/{item.pk}/change/")
    second.get_by_role("button", name="Unpublish").click()
    assert reader.goto(f"{site}/en/news/heroin-seized-dostyk/").status == 410


def test_an_editor_chooses_one_library_image_for_two_stories(site, browser, settings, tmp_path):
    create_groups(apps)
    settings.MEDIA_ROOT = tmp_path / "media"
    staff("editor", "Editors")
    image = library_image(title="Khorog border post")
    first = NewsItem.objects.create(
        title="First story", slug="first-story", summary="S.", body="<p>B.</p>", image=image
    )
    second = NewsItem.objects.create(
        title="Second story",
        slug="second-story",
        summary="S.",
        body="<p>B.</p>",
        status=NewsItem.Status.DRAFT,
    )
    editor = browser.new_context().new_page()
    log_in(editor, site, "editor")
    editor.goto(f"{site}/admin/news/newsitem/{second.pk}/change/")
    expect(editor.get_by_text("No image chosen.")).to_be_visible()
    with editor.expect_popup() as opened:
        editor.get_by_role("link", name="Choose from the library").click()
    library = opened.value
    library.locator("#searchbar").fill("khorog")
    library.keyboard.press("Enter")
    with library.expect_event("close"):
        library.get_by_role("link", name="Khorog border post").click()
    expect(editor.locator(".image-chooser-chosen figcaption")).to_have_text("Khorog border post")
    editor.get_by_role("button", name="Save draft").click()
    expect(editor.locator(".messagelist")).to_contain_text("saved")
    second.refresh_from_db()
    assert second.image == first.image == image

    editor.goto(f"{site}/admin/images/image/{image.pk}/change/")
    expect(editor.get_by_text("News item: First story")).to_be_visible()
    expect(editor.get_by_text("News item: Second story")).to_be_visible()
