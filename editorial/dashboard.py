"""The admin home's dashboard: what awaits review (who sent it, when), my drafts, changes asked
of me, what was published without review, what is scheduled in the next 14 days, and the team's
recent activity.

It reads the publishable models the admin index lists for this user, and their revision history
(django-simple-history): a fixed number of queries per model, whatever the number of items.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from editorial.models import Draft, Publishable, Status

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


def person(user_name, full_name=""):
    return full_name.strip() or user_name or ""


def entry(model, pk, title, who=None, when=None):
    return Entry(
        str(title),
        str(model._meta.verbose_name),
        change_url(model, pk),
        person(who.get_username(), who.get_full_name()) if who else "",
        when,
    )


def drafts_of(model, **lookups):
    return Draft.objects.filter(
        content_type=ContentType.objects.get_for_model(model), **lookups
    ).select_related("submitted_by", "edited_by")


def awaiting_review(model):
    """Submitted for review: rows not yet live, and drafts over live ones; oldest first."""
    rows = (
        model._default_manager.filter(status=Status.REVIEW)
        .select_related("submitted_by")
        .order_by("submitted_at")[:LISTED]
    )
    drafts = drafts_of(model, state=Status.REVIEW).order_by("submitted_at")[:LISTED]
    return [entry(model, row.pk, row, row.submitted_by, row.submitted_at) for row in rows] + [
        entry(model, draft.object_id, draft, draft.submitted_by, draft.submitted_at)
        for draft in drafts
    ]


def my_drafts(model, user):
    rows = model._default_manager.filter(
        status__in=[Status.DRAFT, Status.UNPUBLISHED], edited_by=user
    ).order_by("-updated_at" if hasattr(model, "updated_at") else "-pk")[:LISTED]
    drafts = drafts_of(model, state=Status.DRAFT, edited_by=user).order_by("-edited_at")[:LISTED]
    return [entry(model, row.pk, row, when=getattr(row, "updated_at", None)) for row in rows] + [
        entry(model, draft.object_id, draft, when=draft.edited_at) for draft in drafts
    ]


def changes_requested_of(model, user):
    rows = model._default_manager.filter(status=Status.CHANGES, submitted_by=user)[:LISTED]
    drafts = drafts_of(model, state=Status.CHANGES, submitted_by=user)[:LISTED]
    return [entry(model, row.pk, row, when=row.submitted_at) for row in rows] + [
        entry(model, draft.object_id, draft, when=draft.submitted_at) for draft in drafts
    ]


def force_published(model):
    rows = (
        model._default_manager.force_published()
        .select_related("forced_by")
        .order_by("forced_at")[:LISTED]
    )
    return [entry(model, row.pk, row, row.forced_by, row.forced_at) for row in rows]


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
    sections = {
        "review": [],
        "drafts": [],
        "changes": [],
        "unreviewed": [],
        "scheduled": [],
        "activity": [],
    }
    for model in publishable_models(available_apps):
        sections["review"] += awaiting_review(model)
        sections["drafts"] += my_drafts(model, request.user)
        sections["changes"] += changes_requested_of(model, request.user)
        sections["unreviewed"] += force_published(model)
        sections["scheduled"] += scheduled_soon(model, now)
        sections["activity"] += recent_activity(model)
    sections["review"].sort(key=lambda entry: (entry.when is None, entry.when or now))
    sections["drafts"].sort(key=lambda entry: entry.when or now, reverse=True)
    sections["unreviewed"].sort(key=lambda entry: entry.when or now)
    sections["scheduled"].sort(key=lambda entry: entry.when)
    sections["activity"].sort(key=lambda entry: entry.when, reverse=True)
    return {name: entries[:LISTED] for name, entries in sections.items()}
