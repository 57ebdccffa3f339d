"""Withdrawal (GOV.UK's): the page stays at its address under a notice with the public reason
and date, and leaves the lists, search, feeds, sitemap and the API's lists."""

import pytest
from django.utils import formats, timezone

from editorial.models import Redirect, Status
from news.models import NewsItem
from tests.html_tree import parse_html
from tests.test_workflow import CHANGE_URL, form_data, login, make_user

pytestmark = pytest.mark.django_db

MARKER = "Zebrafinch"  # a word found nowhere else, to look for everywhere
REASON = "Superseded by the 2026 seizure figures."


@pytest.fixture
def publisher():
    return make_user("publisher", "Publishers")


def withdraw(client, item, **overrides):
    data = form_data(item, **{"action": "withdraw", "withdrawal_reason_en": REASON, **overrides})
    return client.post(CHANGE_URL.format(item.pk), data)


def test_a_withdrawn_item_stays_at_its_address_under_a_notice(client, publisher, make_news):
    item = make_news(slug="seizure", title=f"{MARKER} seizure", summary=f"{MARKER} summary.")
    response = withdraw(login(client, publisher), item)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN
    assert item.withdrawn_at is not None
    client.logout()

    page = client.get("/en/news/seizure/")
    assert page.status_code == 200
    notice = parse_html(page.content.decode()).find("div", class_="withdrawn-notice")
    assert notice.attrs.get("role") == "note"
    withdrawn_on = formats.date_format(timezone.localtime(item.withdrawn_at), "DATE_FORMAT")
    assert f"Withdrawn on {withdrawn_on}" in notice.text()
    assert REASON in notice.text()
    assert not Redirect.objects.exists()  # it is still at its address

    # In Russian the English reason is marked as English, for screen readers.
    ru = parse_html(client.get("/ru/news/seizure/").content.decode())
    reasons = ru.find("div", class_="withdrawn-notice").find_all("p")
    assert any(p.attrs.get("lang") == "en" and REASON in p.text() for p in reasons)


def test_a_withdrawn_item_leaves_every_list_search_feed_sitemap_and_api_list(
    client, publisher, make_news, settings
):
    item = make_news(slug="seizure", title=f"{MARKER} seizure", summary=f"{MARKER} summary.")
    for url in ["/en/news/", "/en/search/?q=seizure", "/api/v1/news/"]:
        assert MARKER in client.get(url).content.decode(), url  # found before it is withdrawn
    withdraw(login(client, publisher), item)
    client.logout()

    for url in [
        "/en/",
        "/en/news/",
        "/ru/news/",
        "/en/search/?q=seizure",
        "/en/news/?q=seizure",
        "/en/news/feed/",
        "/en/news/feed/atom/",
        "/sitemap.xml",
        "/api/v1/news/",
        "/api/v1/news/?q=seizure",
        "/en/news/export.csv",
        "/en/news/export.json",
    ]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert MARKER not in body.decode(), url

    detail = client.get("/api/v1/news/seizure/").json()
    assert detail["withdrawn"]["reason"] == REASON
    assert detail["withdrawn"]["at"]


def test_a_published_item_says_it_is_not_withdrawn_in_the_api(client, make_news):
    make_news(slug="current")
    assert client.get("/api/v1/news/current/").json()["withdrawn"] is None


def test_withdrawing_needs_a_reason(client, publisher, make_news):
    item = make_news()
    response = withdraw(login(client, publisher), item, withdrawal_reason_en=" ")
    assert response.status_code == 200
    assert "Say why it is withdrawn" in response.content.decode()
    assert NewsItem.objects.get().status == Status.PUBLISHED


def test_an_editor_cannot_withdraw_nor_change_a_withdrawn_item(client, make_news):
    editor = make_user("editor", "Editors")
    draft = make_news(status=Status.DRAFT)
    response = withdraw(login(client, editor), draft)
    assert response.status_code == 200
    assert NewsItem.objects.get(pk=draft.pk).status == Status.DRAFT

    withdrawn = make_news(status=Status.WITHDRAWN, withdrawal_reason=REASON)
    response = withdraw(client, withdrawn, title="Changed by an editor")
    assert response.status_code == 200
    assert "Only publishers can" in response.content.decode()
    # Saved as a draft, the editor's change leaves the withdrawn page as it was.
    client.post(CHANGE_URL.format(withdrawn.pk), form_data(withdrawn, title="Changed by an editor"))
    assert NewsItem.objects.get(pk=withdrawn.pk).title != "Changed by an editor"


def test_a_withdrawn_item_unpublished_from_the_list_is_gone(client, publisher, make_news):
    item = make_news(slug="old", status=Status.WITHDRAWN, withdrawal_reason=REASON)
    login(client, publisher).post(
        "/admin/news/newsitem/", {"action": "unpublish", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    assert (item.status, item.withdrawn_at) == (Status.UNPUBLISHED, None)
    client.logout()
    assert client.get("/en/news/old/").status_code == 410


def test_a_withdrawn_programme_keeps_its_page_and_leaves_the_list(client, programme):
    programme.status = Status.WITHDRAWN
    programme.withdrawal_reason = "This programme ended; see the 2022–2025 programme."
    programme.save()
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "This programme ended" in page
    assert programme.title not in client.get("/en/programmes/").content.decode()
    assert client.get(f"/api/v1/programmes/{programme.slug}/").json()["withdrawn"]
    assert programme.slug not in client.get("/api/v1/programmes/").content.decode()
