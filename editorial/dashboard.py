"""The admin home's dashboard: what awaits review (who sent it, when), my drafts, what is
scheduled in the next 14 days, and the team's recent activity.

It reads the publishable models the admin index lists for this user, and their revision history
(django-simple-history): a fixed number of queries per model, whatever the number of items.
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from editorial.models import Publishable, Status

LISTED = 10  # items in each section
SCHEDULED_DAYS = 14


@dataclass
class Entry:
    title: str
    kind: str
    url: str
    who: str = ""
    when: datetime.datetime | None = None
    action: str = ""


def publishable_models(available_apps):
    for app in available_apps:
        for entry in app["models"]:
            model = entry["model"]
            if (
                issubclass(model, Publishable)
                and hasattr(model, "history")
                and entry["perms"].get("view")
            ):
                yield model


def change_url(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def latest_revision(model, **lookups):
    """The newest revision of the row (OuterRef pk), among those matching lookups."""
    history = model.history.model
    return history.objects.filter(id=OuterRef("pk"), **lookups).order_by("-history_date")


def person(user_name, full_name=""):
    return full_name.strip() or user_name or ""


def awaiting_review(model):
    submitted = latest_revision(model, status=Status.REVIEW)
    rows = (
        model._default_manager.awaiting_review()
        .annotate(
            submitted_at=Subquery(submitted.values("history_date")[:1]),
            submitted_by=Subquery(submitted.values("history_user__username")[:1]),
            submitted_by_first=Subquery(submitted.values("history_user__first_name")[:1]),
            submitted_by_last=Subquery(submitted.values("history_user__last_name")[:1]),
        )
        .order_by("submitted_at")[:LISTED]
    )
    return [
        Entry(
            str(row),
            str(model._meta.verbose_name),
            change_url(model, row.pk),
            person(
                row.submitted_by, f"{row.submitted_by_first or ''} {row.submitted_by_last or ''}"
            ),
            row.submitted_at,
        )
        for row in rows
    ]


def my_drafts(model, user):
    last = latest_revision(model)
    rows = (
        model._default_manager.filter(status=Status.DRAFT)
        .annotate(
            last_editor=Subquery(last.values("history_user")[:1]),
            last_saved=Subquery(last.values("history_date")[:1]),
        )
        .filter(last_editor=user.pk)
        .order_by("-last_saved")[:LISTED]
    )
    return [
        Entry(
            str(row), str(model._meta.verbose_name), change_url(model, row.pk), when=row.last_saved
        )
        for row in rows
    ]


def scheduled_soon(model, now):
    until = now + datetime.timedelta(days=SCHEDULED_DAYS)
    return [
        Entry(
            str(row),
            str(model._meta.verbose_name),
            change_url(model, row.pk),
            when=moment,
            action="live" if goes_live else "expires",
        )
        for row, moment, goes_live in model._default_manager.scheduled_changes(now, until)
    ]


HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def recent_activity(model):
    history = model.history.select_related("history_user").order_by("-history_date")[:LISTED]
    return [
        Entry(
            str(revision),
            str(model._meta.verbose_name),
            change_url(model, revision.id) if revision.history_type != "-" else "",
            person(
                revision.history_user.get_username() if revision.history_user else "",
                revision.history_user.get_full_name() if revision.history_user else "",
            ),
            revision.history_date,
            HISTORY_ACTIONS.get(revision.history_type, ""),
        )
        for revision in history
    ]


def dashboard(request, available_apps):
    now = timezone.now()
    sections = {"review": [], "drafts": [], "scheduled": [], "activity": []}
    for model in publishable_models(available_apps):
        sections["review"] += awaiting_review(model)
        sections["drafts"] += my_drafts(model, request.user)
        sections["scheduled"] += scheduled_soon(model, now)
        sections["activity"] += recent_activity(model)
    sections["review"].sort(key=lambda entry: (entry.when is None, entry.when or now))
    sections["drafts"].sort(key=lambda entry: entry.when or now, reverse=True)
    sections["scheduled"].sort(key=lambda entry: entry.when)
    sections["activity"].sort(key=lambda entry: entry.when, reverse=True)
    return {name: entries[:LISTED] for name, entries in sections.items()}
