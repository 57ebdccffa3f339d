"""Draft changes over something live, approved to go live at a set time (a correction, the
figures of a new year): the public sees the live version until then.

They go live by a task enqueued for that moment, where the tasks backend can run one later (the
database queue and its worker in production), and in any case on the first public request after
it (editorial.changes.current_state), so a worker that is down or late delays nothing by more
than a page view, and the immediate backend of `make run` needs no worker at all.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import workflow
from editorial.models import AuditEntry, ChangeNote, Draft, Status
from editorial.workflow import Action

logger = logging.getLogger(__name__)


@task
def publish_due_drafts_task():
    publish_due_drafts()


def enqueue_at(moment):
    """Ask the worker to publish what is due at moment, once the scheduling has committed."""
    if publish_due_drafts_task.get_backend().supports_defer:
        transaction.on_commit(
            lambda: publish_due_drafts_task.using(run_after=moment).enqueue(),
        )


def publish_due_drafts():
    """Publish every scheduled draft whose time has come; return the items now live.

    Each in its own transaction, its draft locked: two servers (or a server and the worker)
    never publish the same draft twice. One that cannot go live goes back to review, saying why.
    """
    published = []
    due = Draft.objects.filter(state=Draft.SCHEDULED, publish_at__lte=timezone.now())
    for pk in list(due.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                draft = (
                    Draft.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, state=Draft.SCHEDULED)
                    .first()
                )
                if draft is None:  # published (or changed) meanwhile
                    continue
                published.append(go_live(draft))
        except Exception as error:  # noqa: BLE001 - one bad draft must not stop the others
            logger.exception("Scheduled draft %s could not go live", pk)
            send_back(pk, error)
    return published


def go_live(draft):
    """Publish the scheduled draft over its live item, with its change note if it has one."""
    model = draft.content_type.model_class()
    live = model._default_manager.select_for_update().get(pk=draft.object_id)
    actor, now = draft.scheduled_by, timezone.now()
    note_en, note_ru = draft.change_note_en, draft.change_note_ru
    live.status = Status.PUBLISHED
    live.forced_at, live.forced_by, live.forced_reason = None, None, ""
    if note_en:
        live.last_major_change_at = now
    live._change_reason = Action.SCHEDULE.value
    live._history_user = actor  # who scheduled it, not a request's user (there is none)
    workflow.publish_draft(live, draft)
    if note_en:
        ChangeNote.objects.create(
            item=live, note_en=note_en, note_ru=note_ru, published_at=now, made_by=actor
        )
        AuditEntry.record(AuditEntry.Action.MAJOR_CHANGE, live, actor, note_en)
    AuditEntry.record(AuditEntry.Action.PUBLISHED, live, actor, _("as scheduled"))
    return live


def send_back(pk, error):
    draft = Draft.objects.filter(pk=pk, state=Draft.SCHEDULED).first()
    if draft is None:
        return
    draft.unschedule(Status.REVIEW)
    draft.save()
    model = draft.content_type.model_class()
    live = model._default_manager.filter(pk=draft.object_id).first()
    if live is not None:
        AuditEntry.record(
            AuditEntry.Action.SCHEDULE_FAILED,
            live,
            None,
            _("it is back in review: publish or schedule it again"),
            str(error)[:2000],
        )
