"""The audit log of workflow actions: who did what, when; filterable; nobody can edit it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from editorial.models import AuditEntry, Status
from news.models import NewsItem
from tests.test_workflow import ADD_URL, CHANGE_URL, form_data, login, make_user

pytestmark = pytest.mark.django_db

LOG = "/admin/editorial/auditentry/"
Action = AuditEntry.Action


@pytest.fixture
def editor():
    return make_user("editor", "Editors")


@pytest.fixture
def publisher():
    return make_user("publisher", "Publishers")


def actions():
    return [
        (entry.action, entry.actor and entry.actor.username)
        for entry in AuditEntry.objects.order_by("at", "id")
    ]


def test_every_workflow_action_is_logged_with_who(client, editor, publisher):
    login(client, editor).post(ADD_URL, form_data(action="submit"))
    item = NewsItem.objects.get()
    login(client, publisher).post(CHANGE_URL.format(item.pk), form_data(item, action="publish"))
    item.refresh_from_db()
    client.post(
        CHANGE_URL.format(item.pk),
        form_data(item, action="withdraw", withdrawal_reason_en="Superseded."),
    )
    client.post("/admin/news/newsitem/", {"action": "unpublish", "_selected_action": [item.pk]})
    client.post(f"/admin/news/newsitem/{item.pk}/delete/", {"post": "yes"})

    logged = [(action, who) for action, who in actions() if action != Action.REDIRECT_CREATED]
    assert logged == [
        (Action.SUBMITTED, "editor"),
        (Action.PUBLISHED, "publisher"),
        (Action.WITHDRAWN, "publisher"),
        (Action.UNPUBLISHED, "publisher"),
        (Action.DELETED, "publisher"),
    ]
    withdrawn = AuditEntry.objects.get(action=Action.WITHDRAWN)
    assert withdrawn.detail == "Superseded." and withdrawn.item == "Seizure on the border"
    # Unpublishing left a 410 at the old address: the site made that redirect itself.
    assert AuditEntry.objects.filter(action=Action.REDIRECT_CREATED, actor=None).exists()


def test_scheduling_is_logged_with_the_time(client, publisher, make_news):
    item = make_news(status=Status.REVIEW)
    day = timezone.localdate() + datetime.timedelta(days=3)
    login(client, publisher).post(
        CHANGE_URL.format(item.pk),
        form_data(item, action="schedule", publish_at_0=day.isoformat(), publish_at_1="09:00:00"),
    )
    entry = AuditEntry.objects.get()
    assert entry.action == Action.SCHEDULED and "Tashkent time" in entry.detail


def test_the_log_filters_by_action_and_person(client, editor, publisher, make_news):
    login(client, editor).post(ADD_URL, form_data(action="submit"))
    item = NewsItem.objects.get()
    login(client, publisher).post(CHANGE_URL.format(item.pk), form_data(item, action="publish"))

    login(client, editor)
    published = client.get(LOG, {"action__exact": Action.PUBLISHED})
    assert list(published.context["cl"].result_list) == [
        AuditEntry.objects.get(action=Action.PUBLISHED)
    ]
    by_editor = client.get(LOG, {"actor__id__exact": editor.pk})
    assert [entry.action for entry in by_editor.context["cl"].result_list] == [Action.SUBMITTED]


def test_nobody_can_add_change_or_delete_log_entries(client, make_news):
    entry = AuditEntry.record(Action.PUBLISHED, make_news())
    admin = get_user_model().objects.create_superuser("root", "root@unodc.example", None)
    login(client, admin)
    assert client.post(f"{LOG}add/", {"action": "deleted", "item": "x"}).status_code == 403
    client.post(f"{LOG}{entry.pk}/change/", {"action": "deleted", "item": "forged"})
    client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"})
    client.post(LOG, {"action": "delete_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert (entry.action, entry.item) == (Action.PUBLISHED, "News item 1")
    assert AuditEntry.objects.count() == 1
