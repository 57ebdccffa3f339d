"""Draft changes scheduled over something live: the public keeps the live version until the
time, then gets the draft (its links, slug redirect and change note included) on the first
request after it, or from the task worker; an edit cancels the schedule, a publisher may cancel
it, and only a second person may schedule what someone wrote."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from editorial.models import AuditEntry, Draft, Redirect, Status
from editorial.schedule import publish_due_drafts
from news.models import NewsItem
from tests.test_drafts import MARKER, post
from tests.test_workflow import (
    CHANGE_URL,
    at_tashkent_time,
    buttons,
    days_from_today,
    login,
)

pytestmark = pytest.mark.django_db

PAGE = "/en/news/heroin-seized/"


def go_live_fields(day, hour="09:00:00"):
    return {"changes_go_live_at_0": day.isoformat(), "changes_go_live_at_1": hour}


def submitted_correction(client, editor, live, **fields):
    login(client, editor)
    response = post(client, live, summary=f"Officers seized 45 kg of heroin. {MARKER}", **fields)
    assert response.status_code == 302
    summary = f"Officers seized 45 kg of heroin. {MARKER}"
    response = post(client, live, summary=summary, action="submit", **fields)
    assert response.status_code == 302
    client.logout()


def schedule(client, publisher, live, day, **fields):
    login(client, publisher)
    draft = Draft.of(live)
    applied = draft.applied_to(live)
    return post(
        client,
        applied,
        action="schedule",
        **go_live_fields(day),
        **{"summary": applied.summary, "slug": applied.slug, **fields},
    )


def test_scheduled_changes_stay_out_until_their_time_then_go_live_with_their_note(
    client, editor, publisher, live
):
    submitted_correction(client, editor, live, slug="heroin-seized-at-dostyk")
    day = days_from_today(3)
    response = schedule(
        client,
        publisher,
        live,
        day,
        change_kind="major",
        change_note_en="Corrected the amount seized.",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    moment = at_tashkent_time(day, 9)
    draft = Draft.of(live)
    assert (draft.state, draft.publish_at, draft.scheduled_by) == (
        Draft.SCHEDULED,
        moment,
        publisher,
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SCHEDULED).exists()
    form = client.get(CHANGE_URL.format(live.pk))
    assert "These draft changes are scheduled by" in form.content.decode()
    assert "unschedule" in buttons(form)
    calendar = client.get(f"/admin/calendar/?month={day:%Y-%m}").content.decode()
    assert "Draft changes go live" in calendar and "Heroin seized at the border" in calendar
    board = client.get("/admin/").content.decode()
    assert "draft changes go live" in board
    listed = client.get("/admin/news/newsitem/", {"work": "scheduled"})
    assert [item.pk for item in listed.context["cl"].result_list] == [live.pk]
    client.logout()

    live.refresh_from_db()
    assert MARKER not in live.summary and live.last_major_change_at is None
    with time_machine.travel(moment - datetime.timedelta(seconds=1), tick=False):
        assert MARKER not in client.get(PAGE).content.decode()
        assert Draft.objects.exists()
    with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=False):
        response = client.get(PAGE)  # the old address, on the first request after the time
        assert response.status_code == 301
        assert response["Location"] == "/en/news/heroin-seized-at-dostyk/"
        page = client.get(response["Location"]).content.decode()
        assert MARKER in page and "Corrected the amount seized." in page
        assert client.get("/ru/news/heroin-seized/").status_code == 301

    live.refresh_from_db()
    assert not Draft.objects.exists()
    assert live.last_major_change_at is not None and live.forced_at is None
    assert live.history.first().history_user == publisher
    published = AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISHED).get()
    assert (published.actor, published.detail) == (publisher, "as scheduled")
    assert Redirect.objects.filter(old_path="/en/news/heroin-seized/").exists()


def test_an_edit_of_scheduled_changes_cancels_the_schedule(client, editor, publisher, live):
    submitted_correction(client, editor, live)
    assert schedule(client, publisher, live, days_from_today(2)).status_code == 302
    login(client, editor)
    applied = Draft.of(live).applied_to(live)
    assert post(client, applied, summary=applied.summary + " More.").status_code == 302
    draft = Draft.of(live)
    assert (draft.state, draft.publish_at) == (Status.DRAFT, None)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5), tick=False):
        assert publish_due_drafts() == []
    live.refresh_from_db()
    assert MARKER not in live.summary


def test_a_publisher_cancels_the_schedule_and_the_changes_go_back_to_review(
    client, editor, publisher, live
):
    submitted_correction(client, editor, live)
    assert schedule(client, publisher, live, days_from_today(2)).status_code == 302
    applied = Draft.of(live).applied_to(live)
    response = post(client, applied, summary=applied.summary, action="unschedule")
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = Draft.of(live)
    assert (draft.state, draft.publish_at, draft.scheduled_by) == (Status.REVIEW, None, None)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNSCHEDULED).exists()


def test_editors_may_neither_schedule_nor_cancel_a_schedule(client, editor, publisher, live):
    submitted_correction(client, editor, live)
    login(client, editor)
    applied = Draft.of(live).applied_to(live)
    later = go_live_fields(days_from_today(2))
    response = post(client, applied, summary=applied.summary, action="schedule", **later)
    assert "Only publishers can publish, schedule" in response.content.decode()
    assert Draft.of(live).state == Status.REVIEW

    assert schedule(client, publisher, live, days_from_today(2)).status_code == 302
    login(client, editor)
    response = post(client, applied, summary=applied.summary, action="unschedule")
    assert "Only publishers can" in response.content.decode()
    assert Draft.of(live).state == Draft.SCHEDULED


def test_a_time_in_the_past_or_none_is_refused_with_a_sentence(client, editor, publisher, live):
    submitted_correction(client, editor, live)
    response = schedule(client, publisher, live, days_from_today(-1))
    assert "Give the time the draft changes go live" in response.content.decode()
    login(client, publisher)
    applied = Draft.of(live).applied_to(live)
    response = post(client, applied, summary=applied.summary, action="schedule")
    assert "Give the time the draft changes go live" in response.content.decode()
    assert Draft.of(live).state == Status.REVIEW


def test_whoever_wrote_the_changes_cannot_schedule_them(client, publisher, live):
    login(client, publisher)
    post(client, live, summary=f"Officers seized 45 kg. {MARKER}", action="submit")
    response = schedule(client, publisher, live, days_from_today(2))
    assert "a second person must approve them" in response.content.decode()
    assert Draft.of(live).state == Status.REVIEW


def test_changes_that_cannot_go_live_go_back_to_review_saying_why(
    client, editor, publisher, live, make_news
):
    submitted_correction(client, editor, live, slug="taken-later")
    day = days_from_today(2)
    assert schedule(client, publisher, live, day).status_code == 302
    make_news(title="Another story", slug="taken-later")  # the address is taken meanwhile
    with time_machine.travel(at_tashkent_time(day, 10), tick=False):
        assert publish_due_drafts() == []
        assert client.get(PAGE).status_code == 200  # the live version, as it was
    draft = Draft.of(live)
    assert (draft.state, draft.publish_at) == (Status.REVIEW, None)
    failed = AuditEntry.objects.get(action=AuditEntry.Action.SCHEDULE_FAILED)
    assert "back in review" in failed.detail
    assert NewsItem.objects.get(pk=live.pk).slug == "heroin-seized"


@pytest.mark.django_db(transaction=True)
def test_the_worker_publishes_them_at_their_time(client, settings, editor, publisher, live):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    submitted_correction(client, editor, live)
    DBTaskResult.objects.all().delete()  # the review mail
    day = days_from_today(2)
    assert schedule(client, publisher, live, day).status_code == 302
    queued = DBTaskResult.objects.get(task_path="editorial.schedule.publish_due_drafts_task")
    assert queued.run_after == at_tashkent_time(day, 9)

    with time_machine.travel(at_tashkent_time(day, 9, 1), tick=False):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    live.refresh_from_db()
    assert MARKER in live.summary and not Draft.objects.exists()
