"""The admin home's dashboard: what awaits review (who sent it, when), my drafts, changes asked
of me, what was published without review, what is scheduled in the next 14 days, and the team's
recent activity.

It reads the publishable models the admin index lists for this user, and their revision history
(django-simple-history): a fixed number of queries per model (the drafts over live items: one
per section for all models), whatever the number of items.
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


def drafts_of(models, **lookups):
    """The drafts over live items of the models, in one query for all of them."""
    by_type = ContentType.objects.get_for_models(*models)
    models_of = {content_type.pk: model for model, content_type in by_type.items()}
    drafts = Draft.objects.filter(content_type__in=by_type.values(), **lookups).select_related(
        "submitted_by", "edited_by"
    )
    return models_of, drafts


def awaiting_review(model):
    """Submitted for review, rows not yet live; oldest first (drafts: drafts_awaiting_review)."""
    rows = (
        model._default_manager.filter(status=Status.REVIEW)
        .select_related("submitted_by")
        .order_by("submitted_at")[:LISTED]
    )
    return [entry(model, row.pk, row, row.submitted_by, row.submitted_at) for row in rows]


def drafts_awaiting_review(models):
    models_of, drafts = drafts_of(models, state=Status.REVIEW)
    return [
        entry(models_of[d.content_type_id], d.object_id, d, d.submitted_by, d.submitted_at)
        for d in drafts.order_by("submitted_at")[:LISTED]
    ]


def my_drafts(model, user):
    rows = model._default_manager.filter(
        status__in=[Status.DRAFT, Status.UNPUBLISHED], edited_by=user
    ).order_by("-updated_at" if hasattr(model, "updated_at") else "-pk")[:LISTED]
    return [entry(model, row.pk, row, when=getattr(row, "updated_at", None)) for row in rows]


def my_drafts_over_live(models, user):
    models_of, drafts = drafts_of(models, state=Status.DRAFT, edited_by=user)
    return [
        entry(models_of[d.content_type_id], d.object_id, d, when=d.edited_at)
        for d in drafts.order_by("-edited_at")[:LISTED]
    ]


def changes_requested_of(model, user):
    rows = model._default_manager.filter(status=Status.CHANGES, submitted_by=user)[:LISTED]
    return [entry(model, row.pk, row, when=row.submitted_at) for row in rows]


def drafts_returned_to(models, user):
    models_of, drafts = drafts_of(models, state=Status.CHANGES, submitted_by=user)
    return [
        entry(models_of[d.content_type_id], d.object_id, d, when=d.submitted_at)
        for d in drafts[:LISTED]
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
            action=what,
        )
        for row, moment, what in model._default_manager.scheduled_changes(now, until)
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
    models = list(publishable_models(available_apps))
    sections["review"] += drafts_awaiting_review(models)
    sections["drafts"] += my_drafts_over_live(models, request.user)
    sections["changes"] += drafts_returned_to(models, request.user)
    for model in models:
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
