"""The workflow's mail as production sends it: queued in the database by the save, sent by the
worker (`manage.py db_worker`) through a real SMTP server on 127.0.0.1, and tried again later
when the relay is down, while the save stands."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from editorial.models import Status
from news.models import NewsItem
from tests.ports import free_port
from tests.test_mail import smtp_mailer, submit_for_review

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_save_queues_the_mail_and_the_worker_sends_it(database_queue, settings, smtp_server):
    inbox, port = smtp_server()
    smtp_mailer(settings, port)
    assert submit_for_review().status_code == 302
    assert inbox.messages == []  # nothing is sent in the request
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "editorial.mail.send_workflow_mail"

    run_worker()
    [message] = inbox.messages
    assert message["To"] == "publisher@unodc.example"
    assert message["Subject"] == "For review: Seizure on the border"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_relay_that_is_down_gets_the_mail_again_later(database_queue, settings):
    smtp_mailer(settings, free_port())  # nothing listens there
    assert submit_for_review().status_code == 302
    assert NewsItem.objects.get().status == Status.REVIEW  # the save stands
    run_worker()
    retry = DBTaskResult.objects.exclude(status="SUCCESSFUL").get()
    assert retry.status == "READY" and retry.run_after is not None
    assert retry.args_kwargs["args"][-1] == 2  # the second attempt, waiting its turn
