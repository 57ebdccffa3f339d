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
    editor.locator("#id_image").set_input_files(photo)
    expect(editor.get_by_label("Status:").locator("option")).to_have_text(["Draft", "In review"])
    editor.get_by_label("Status:").select_option(label="In review")
    editor.get_by_role("button", name="Save", exact=True).click()

    expect(
        editor.get_by_text("Add alt text for the image: screen readers read it aloud.")
    ).to_be_visible()
    assert not NewsItem.objects.filter(title=TITLE).exists()

    editor.locator("#id_image").set_input_files(photo)  # browsers never keep a chosen file
    editor.get_by_label("Alt text:").fill("Officers stand beside seized packages at a border post")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
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
    publisher.get_by_label("Status:").select_option(label="Published")
    opening_day = timezone.localdate() + datetime.timedelta(days=30)
    publisher.locator("#id_publish_at_0").fill(opening_day.isoformat())
    publisher.locator("#id_publish_at_1").fill("09:00:00")
    publisher.get_by_role("button", name="Save", exact=True).click()
    expect(publisher.locator(".messagelist")).to_contain_text("was changed successfully")
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
