"""The workflow's mail: to publishers when work is submitted; to whoever submitted it when it is
sent back, approved or published, with the comment and a link.

Sent by a background task (Django's tasks framework: the database queue and its worker in
production, the immediate backend in development), once the save has committed: a relay that is
down or refuses the message can neither undo nor block a save. A failed send is tried again
later, up to MAX_ATTEMPTS times, where the backend can run a task later; then it is logged.
"""

import datetime
import logging
from functools import partial

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from editorial.text import one_line, site_time
from editorial.workflow import Action

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = datetime.timedelta(minutes=2)


@task
def send_workflow_mail(subject, message, recipients, attempt=1):
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    except Exception:  # any failure of the mailer: the work is saved, the mail tried again
        retry = attempt < MAX_ATTEMPTS and send_workflow_mail.get_backend().supports_defer
        logger.exception(
            "The mail “%s” could not be sent to %s (attempt %d)%s",
            subject,
            recipients,
            attempt,
            ": trying again later" if retry else ": it is lost",
        )
        if retry:
            send_workflow_mail.using(run_after=timezone.now() + RETRY_AFTER * attempt).enqueue(
                subject, message, recipients, attempt + 1
            )


def send_after_commit(subject, message, recipients):
    if recipients:
        transaction.on_commit(
            partial(send_workflow_mail.enqueue, one_line(subject), message, list(recipients))
        )


def send_review_request(*, title, submitted_by, link, recipients):
    send_after_commit(
        _("For review: %(title)s") % {"title": title},
        _("%(user)s submitted “%(title)s” for review.\n\nCheck it and publish it here:\n%(link)s")
        % {"user": submitted_by, "title": title, "link": link},
        recipients,
    )


def publishers_of(model):
    codename = f"publish_{model._meta.model_name}"
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=codename)
            | Q(user_permissions__codename=codename)
        )
        .distinct()
    )


def review_requested(item, model, actor, link, exclude):
    recipients = [user.email for user in publishers_of(model) if user.pk != exclude.pk]
    send_review_request(title=str(item), submitted_by=actor, link=link, recipients=recipients)


RETURNED = {
    Action.REQUEST_CHANGES: (
        gettext_noop("Changes requested: %(title)s"),
        gettext_noop(
            "%(user)s asks for changes to “%(title)s”:\n\n%(comment)s\n\nMake them here, "
            "then submit it again:\n%(link)s"
        ),
    ),
    Action.PUBLISH: (
        gettext_noop("Published: %(title)s"),
        gettext_noop("%(user)s approved and published “%(title)s”.\n\n%(comment)s\n\n%(link)s"),
    ),
    Action.SCHEDULE: (
        gettext_noop("Approved and scheduled: %(title)s"),
        gettext_noop(
            "%(user)s approved “%(title)s”; it goes live at %(when)s.\n\n%(comment)s\n\n%(link)s"
        ),
    ),
    Action.FORCE_PUBLISH: (
        gettext_noop("Published without review: %(title)s"),
        gettext_noop("%(user)s published “%(title)s” without review:\n\n%(comment)s\n\n%(link)s"),
    ),
}


def work_returned(item, action, actor, link, comment, submitter, when=None):
    """Tell whoever submitted the work what became of it (`when`: the time it goes live, if
    not the item's publish time: draft changes scheduled over something live)."""
    if not submitter.email or action not in RETURNED:
        return
    subject, body = RETURNED[action]
    when = when or item.publish_at
    when = site_time(when) if when else ""
    values = {"title": str(item), "user": actor, "comment": comment, "link": link, "when": when}
    send_after_commit(_(subject) % values, _(body) % values, [submitter.email])
