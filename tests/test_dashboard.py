"""The admin home's dashboard: awaiting review, my drafts, scheduled soon, recent activity."""

import datetime

import pytest
from django.utils import timezone

from editorial.models import Status
from tests.html_tree import parse_html
from tests.test_workflow import ADD_URL, form_data, login, make_user

pytestmark = pytest.mark.django_db


def section(client, section_id):
    page = parse_html(client.get("/admin/").content.decode())
    found = page.find("div", id=section_id)
    assert found.tag == "div", f"no section {section_id}"
    return " ".join(found.text().split())


@pytest.fixture
def editor():
    return make_user("editor", "Editors", first_name="Dilnoza", last_name="Karimova")


@pytest.fixture
def publisher():
    return make_user("publisher", "Publishers")


def test_publishers_see_what_awaits_review_with_who_sent_it(client, editor, publisher):
    login(client, editor).post(
        ADD_URL, form_data(title="Border seizure", slug="border-seizure", action="submit")
    )
    login(client, publisher)
    awaiting = section(client, "awaiting-review")
    assert "Border seizure" in awaiting and "sent by Dilnoza Karimova" in awaiting


def test_my_drafts_are_mine_only(client, editor, publisher):
    login(client, editor).post(ADD_URL, form_data(title="Editor's draft", slug="editors-draft"))
    assert "Editor's draft" in section(client, "my-drafts")
    login(client, publisher)
    assert "Editor's draft" not in section(client, "my-drafts")
    assert "You have no drafts" in section(client, "my-drafts")


def test_what_goes_live_or_expires_in_the_next_14_days_is_listed(client, editor, make_news):
    now = timezone.now()
    make_news(title="Soon live", publish_at=now + datetime.timedelta(days=3))
    make_news(title="Soon gone", expire_at=now + datetime.timedelta(days=13))
    make_news(title="Later", publish_at=now + datetime.timedelta(days=20))
    make_news(title="Draft soon", status=Status.DRAFT, publish_at=now + datetime.timedelta(days=2))
    scheduled = section(login(client, editor), "scheduled-soon")
    assert "goes live — Soon live" in scheduled and "expires — Soon gone" in scheduled
    assert "Later" not in scheduled and "Draft soon" not in scheduled
    assert scheduled.index("Soon live") < scheduled.index("Soon gone")  # soonest first


def test_the_teams_recent_activity_names_who_did_what(client, editor, publisher):
    login(client, editor).post(ADD_URL, form_data(title="Fresh story", slug="fresh-story"))
    activity = section(login(client, publisher), "recent-activity")
    assert "Dilnoza Karimova created Fresh story" in activity


def test_the_dashboard_query_count_does_not_grow_with_items(
    client, editor, make_news, count_queries
):
    login(client, editor)
    counts = []
    for items in (3, 30):
        for index in range(items):
            status = [Status.DRAFT, Status.REVIEW, Status.PUBLISHED][index % 3]
            make_news(status=status, publish_at=timezone.now() + datetime.timedelta(days=1))
        counts.append(count_queries(lambda: client.get("/admin/")))
    assert counts[0] == counts[1]
