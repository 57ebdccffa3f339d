"""Public change notes (GOV.UK's): a major change to something live takes a one-line note that
readers see, and moves its "Last updated" date in the page, feeds, sitemap and API; a minor
change is silent."""

import datetime
import re

import pytest
from django.utils import formats, timezone

from editorial.models import ChangeNote
from news.models import NewsItem
from tests.html_tree import parse_html
from tests.shared_caches import read_menus
from tests.test_workflow import CHANGE_URL, form_data, login, make_user

pytestmark = pytest.mark.django_db

NOTE = "Added the seizure figures for 2026."


@pytest.fixture
def publisher():
    return make_user("publisher", "Publishers")


@pytest.fixture
def story(make_news):
    return make_news(slug="story", title="Story", date=datetime.date(2015, 5, 8))


def save_change(client, item, **fields):
    """The publisher's own correction, published at once: without review, saying why."""
    fields = {"action": "force-publish", "comment": "Urgent correction.", **fields}
    return client.post(CHANGE_URL.format(item.pk), form_data(item, **fields))


def test_a_publisher_is_asked_about_a_change_to_what_is_live(client, publisher, story, make_news):
    login(client, publisher)
    assert "This change, for readers" in client.get(CHANGE_URL.format(story.pk)).content.decode()
    draft = make_news(status=NewsItem.Status.DRAFT)
    assert "This change, for readers" not in client.get(CHANGE_URL.format(draft.pk)).text


def test_a_major_change_shows_its_note_and_moves_last_updated_everywhere(client, publisher, story):
    response = save_change(
        login(client, publisher),
        story,
        summary="New summary.",
        change_kind="major",
        change_note_en=NOTE,
        change_note_ru="Добавлены данные об изъятиях за 2026 год.",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    story.refresh_from_db()
    today = timezone.localdate()

    page = client.get("/en/news/story/").content.decode()
    meta = " ".join(parse_html(page).find("p", class_="meta").text().split())
    assert f"Published {formats.date_format(story.date, 'DATE_FORMAT')}" in meta
    assert f"Last updated {formats.date_format(today, 'DATE_FORMAT')}" in meta
    assert 'href="#updates"' in page
    updates = " ".join(parse_html(page).find("section", id="updates").text().split())
    assert NOTE in updates and "First published." in updates
    ru = parse_html(client.get("/ru/news/story/").content.decode()).find("section", id="updates")
    assert "Добавлены данные об изъятиях" in ru.text()

    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver/en/news/story/</loc><lastmod>{today.isoformat()}" in sitemap
    updated = datetime.datetime.fromisoformat(
        client.get("/api/v1/news/story/").json()["updated_at"]
    )
    assert abs(updated - story.last_major_change_at) < datetime.timedelta(seconds=1)
    feed = client.get("/en/news/feed/atom/").content.decode()
    entry_updated = re.search(r"<entry>.*?<updated>([^<]+)</updated>", feed).group(1)
    moved = datetime.datetime.fromisoformat(entry_updated) - story.last_major_change_at
    assert abs(moved) < datetime.timedelta(seconds=1)


def test_a_minor_change_is_silent(client, publisher, story):
    save_change(login(client, publisher), story, summary="Typo fixed.")  # minor by default
    client.logout()
    story.refresh_from_db()
    assert story.summary == "Typo fixed."
    assert not ChangeNote.objects.exists() and story.last_major_change_at is None
    assert "Last updated" not in client.get("/en/news/story/").content.decode()
    assert client.get("/api/v1/news/story/").json()["updated_at"].startswith("2015-05-08")
    assert "<lastmod>2015-05-08</lastmod>" in client.get("/sitemap.xml").content.decode()


def test_a_major_change_needs_a_note(client, publisher, story):
    response = save_change(login(client, publisher), story, summary="Changed.", change_kind="major")
    assert response.status_code == 200
    assert "A major change needs a one-line note for readers" in response.content.decode()
    story.refresh_from_db()
    assert story.summary != "Changed." and not ChangeNote.objects.exists()


def test_a_programme_lists_its_updates(client, programme):
    # The admin's part is PublishableAdmin's, tested above with news; this is the page's.
    ChangeNote.objects.create(item=programme, note_en="The budget was revised.")
    programme.last_major_change_at = timezone.now()
    programme.save()
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "The budget was revised." in page and "Last updated" in page


def test_the_news_page_query_count_does_not_grow_with_notes(client, story, count_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page's own queries, not a cached copy
    counts = []
    for notes in (1, 5):
        for _ in range(notes):
            ChangeNote.objects.create(item=story, note_en=NOTE)
        NewsItem.objects.filter(pk=story.pk).update(last_major_change_at=timezone.now())
        read_menus()
        counts.append(count_queries(lambda: client.get("/en/news/story/")))
    assert counts[0] == counts[1]
