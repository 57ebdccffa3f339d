"""The workflow's actions, as editors name them, and who may take each (Wagtail's moderation
with GOV.UK's second pair of eyes): one set of rules for every content type, used by the admin's
form, its list actions and the tests alike.

The *work* on an item is what will go live next: the row itself while it is not live (a draft
never published, or unpublished), else the Draft kept over the live row. Both carry a state
(draft, submitted for review, changes requested), who last edited it and who submitted it.
"""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editorial.models import (
    LIVE_STATES,
    AuditEntry,
    Draft,
    DraftRevision,
    Status,
    child_instances,
    child_relation,
    content_fields,
)


class Action(models.TextChoices):
    SAVE = "save", gettext_lazy("Save draft")
    SUBMIT = "submit", gettext_lazy("Submit for review")
    REQUEST_CHANGES = "request-changes", gettext_lazy("Request changes")
    PUBLISH = "publish", gettext_lazy("Approve and publish")
    SCHEDULE = "schedule", gettext_lazy("Schedule")
    UNSCHEDULE = "unschedule", gettext_lazy("Cancel the schedule")
    FORCE_PUBLISH = "force-publish", gettext_lazy("Publish without review")
    APPROVE_LATER = "approve-later", gettext_lazy("Approve what was published without review")
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")
    UNPUBLISH = "unpublish", gettext_lazy("Unpublish")


EVERYONE = {Action.SAVE, Action.SUBMIT}
GOES_LIVE = {Action.PUBLISH, Action.SCHEDULE, Action.FORCE_PUBLISH}


def second_pair_of_eyes():
    """Whoever made or submitted changes cannot approve them; off for a one-person office."""
    return settings.EDITORIAL_SECOND_PAIR_OF_EYES


def work_on(item):
    """The Draft over a live row, else the row itself (or None: live, nothing drafted)."""
    if item.is_live:
        return getattr(item, "draft", None) or Draft.of(item)
    return item


def is_scheduled_draft(work):
    return isinstance(work, Draft) and work.state == Draft.SCHEDULED


def state_of(work):
    return work.state if isinstance(work, Draft) else work.status


def actions_for(item, user, can_publish):
    """The buttons to offer, in the order of the form (the first is what Enter does): those
    refusal() would let this user take now on the stored item (None: a new one)."""
    later = timezone.now() + datetime.timedelta(days=1)
    # Whether the form will change anything is known only when it is sent: offer what either
    # way allows (a new item is all changes, its author's own).
    ways = [True] if item is None else [False, True]
    return [
        action
        for action in Action
        if any(
            refusal(
                action,
                item,
                user,
                can_publish=can_publish,
                changed=changed,
                comment="?",
                publish_at=later if action == Action.SCHEDULE else None,
            )
            is None
            for changed in ways
        )
    ]


def refusal(action, item, user, *, can_publish, changed, comment, publish_at=None):
    """Why this user may not take this action on the item now, in a sentence; None if they may.

    `item` is the stored row (None for a new one); `changed`: the form changes what readers
    would see (not only the schedule or the comment).
    """
    if action not in EVERYONE and not can_publish:
        return _(
            "Only publishers can publish, schedule, withdraw or unpublish, or send work back. "
            "Choose “Submit for review” to ask a publisher to check it."
        )
    work = work_on(item) if item is not None else None
    live = item is not None and item.is_live
    if action == Action.REQUEST_CHANGES:
        if work is None or state_of(work) != Status.REVIEW:
            return _("Only work submitted for review can be sent back with changes requested.")
        if not comment:
            return _("Say what should change: the comment goes to whoever submitted it.")
    if action in (Action.PUBLISH, Action.SCHEDULE) and second_pair_of_eyes():
        if changed:
            return _(
                "You changed this in the form, so a second person must review your changes: "
                "save them and submit them for review, or, if it cannot wait, choose "
                "“Publish without review” and give the reason."
            )
        if work is not None and user.pk in {work.submitted_by_id, work.edited_by_id}:
            return _(
                "You made or submitted these changes, so a second person must approve them. "
                "If it cannot wait, choose “Publish without review” and give the reason."
            )
    nothing_drafted = live and work is None and not changed
    if action in (Action.SUBMIT, *GOES_LIVE) and nothing_drafted:
        return _("There are no draft changes: this is what the public sees.")
    if action == Action.FORCE_PUBLISH and not second_pair_of_eyes():
        return _("Choose “Approve and publish”: no second review is asked for on this site.")
    if action == Action.FORCE_PUBLISH and not comment:
        return _(
            "Give the reason to publish without review (an urgent correction, say): it stays "
            "in the audit log, and the item is listed until a second person approves it."
        )
    if action == Action.SCHEDULE and (publish_at is None or publish_at <= timezone.now()):
        if live:
            return _(
                "Give the time the draft changes go live (“Publish the changes at”), in the "
                "future, to schedule them."
            )
        return _("Give a publish time in the future to schedule it.")
    if action == Action.UNSCHEDULE and not is_scheduled_draft(work):
        return _("No draft changes are scheduled: there is no schedule to cancel.")
    future = publish_at is not None and publish_at > timezone.now()
    if action in GOES_LIVE - {Action.SCHEDULE} and future and not live:
        return _("The publish time is in the future: choose “Schedule”, or clear it.")
    if action == Action.APPROVE_LATER:
        if item is None or not item.forced_at:
            return _("This was not published without review: there is nothing to approve.")
        if second_pair_of_eyes() and user.pk == item.forced_by_id:
            return _("You published this without review: someone else must approve it.")
    if action == Action.WITHDRAW and (item is None or item.status != Status.PUBLISHED):
        return _("Only what is published can be withdrawn.")
    if action == Action.UNPUBLISH and not live:
        return _("This is not published: there is nothing to unpublish.")
    return None


def save_draft(live, edited, links, user, children=None):
    """Keep the edited copy of a live row as its draft; the public still sees the row.
    Children not edited this time stay as the draft had them."""
    draft = Draft.of(live) or Draft(item=live)
    kept = draft.children() if draft.pk else {}
    content = Draft.serialise(edited, links, {**kept, **(children or {})})
    return save_draft_content(live, draft, content, user)


@transaction.atomic
def restore_draft(live, revision, user):
    """Make an earlier draft revision the draft again (as a new revision): not live."""
    draft = Draft.of(live) or Draft(item=live)
    draft.state = Status.DRAFT
    return save_draft_content(live, draft, revision.content, user)


def save_draft_content(live, draft, content, user):
    """Save the draft's content as a new draft revision."""
    draft.content = content
    draft.edited_by, draft.edited_at = user, timezone.now()
    if draft.state in (Draft.SCHEDULED, Status.DRAFT):  # what was approved is not what is there
        draft.unschedule(Status.DRAFT)
    draft.save()
    DraftRevision.objects.create(
        content_type=draft.content_type,
        object_id=live.pk,
        content=content,
        saved_by=user,
        saved_at=draft.edited_at,
    )
    # A save all the same: a form opened before it is refused as stale (PublishableForm).
    type(live).objects.filter(pk=live.pk).update(version=models.F("version") + 1)
    return draft


@transaction.atomic
def publish_draft(live, draft):
    """Copy the draft over the live row and delete it: one transaction."""
    model = type(live)
    fields = draft.content["fields"]
    for field in content_fields(model):
        if field.attname in fields:
            setattr(live, field.attname, field.to_python(fields[field.attname]))
    live.save()
    for name, keys in draft.links().items():
        getattr(live, name).set(keys)
    for accessor, rows in draft.children().items():
        relation = child_relation(model, accessor)
        relation.related_model._default_manager.filter(**{relation.field.name: live}).delete()
        relation.related_model._default_manager.bulk_create(
            child_instances(relation, live.pk, rows)
        )
    draft.delete()


def take(action, item, work, user, comment="", reason_detail="", publish_at=None):
    """Change the work's and the item's workflow fields for the action (saved by the caller);
    return the audit entries to record, as (action, detail, comment).

    Draft changes over a live item scheduled (at publish_at) leave the item as it is: they go
    live by editorial/schedule.py."""
    A, entries = AuditEntry.Action, []
    now = timezone.now()
    if action == Action.SCHEDULE and isinstance(work, Draft):
        work.state, work.publish_at, work.scheduled_by = Draft.SCHEDULED, publish_at, user
        entries.append((A.SCHEDULED, reason_detail, comment))
    elif action == Action.UNSCHEDULE:
        work.unschedule(Status.REVIEW)
        entries.append((A.UNSCHEDULED, "", comment))
    elif action == Action.SUBMIT:
        work_set(work, state=Status.REVIEW, submitted_by=user)
        entries.append((A.SUBMITTED, "", comment))
    elif action == Action.REQUEST_CHANGES:
        work_set(work, state=Status.CHANGES)
        entries.append((A.CHANGES_REQUESTED, "", comment))
    elif action in GOES_LIVE:
        forced = action == Action.FORCE_PUBLISH
        item.status = Status.PUBLISHED
        item.forced_at, item.forced_by = (now, user) if forced else (None, None)
        item.forced_reason = comment if forced else ""
        if forced:
            entries.append((A.FORCE_PUBLISHED, "", comment))
        elif action == Action.SCHEDULE:
            entries.append((A.SCHEDULED, reason_detail, comment))
        else:
            entries.append((A.PUBLISHED, "", comment))
    elif action == Action.APPROVE_LATER:
        entries.append((A.APPROVED, item.forced_reason, comment))
        item.forced_at, item.forced_by, item.forced_reason = None, None, ""
    elif action == Action.WITHDRAW:
        item.status = Status.WITHDRAWN
        entries.append((A.WITHDRAWN, item.withdrawal_reason, comment))
    elif action == Action.UNPUBLISH:
        item.status = Status.UNPUBLISHED
        entries.append((A.UNPUBLISHED, reason_detail, comment))
    elif comment:
        entries.append((A.COMMENTED, "", comment))
    return entries


def work_set(work, state, submitted_by=None):
    if isinstance(work, Draft):
        work.state = state
    else:
        work.status = state
    if submitted_by is not None:
        work.submitted_by, work.submitted_at = submitted_by, timezone.now()


def is_live_row(model, pk):
    return pk is not None and model._default_manager.filter(pk=pk, status__in=LIVE_STATES).exists()
