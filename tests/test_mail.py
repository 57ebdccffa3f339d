"""The review mail: sent after the save commits, through a real SMTP conversation, and a mailer
that fails (relay down, message refused, bad address) loses the mail, never the editor's work."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from editorial.mail import send_review_request
from editorial.models import Status
from news.models import NewsItem
from programmes.models import Country
from tests.ports import free_port

ADD_URL = "/admin/news/newsitem/add/"
# Unicode line breaks and separators that a paste from a word processor can carry.
LINE_BREAKS = ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\r\n", "\n"]


def smtp_mailer(settings, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def superuser(name):
    return get_user_model().objects.create_superuser(name, f"{name}@unodc.example", None)


def submit_for_review(title="Seizure on the border"):
    """A superuser submits a new item; another superuser is the publisher to tell."""
    superuser("publisher")
    client = Client(raise_request_exception=False)
    client.force_login(superuser("editor"))
    data = {
        "slug": "seizure-on-the-border",
        "date": timezone.localdate().isoformat(),
        "action": "submit",
        "version": "",
        "original_publisher": "",
        "title_en": title,
        "summary_en": "Officers seized heroin.",
        "body_en": "<p>Officers seized heroin.</p>",
        "title_ru": "",
        "summary_ru": "",
        "body_ru": "",
    }
    return client.post(ADD_URL, data)


def review_mail_failures(caplog):
    return [
        r
        for r in caplog.records
        if r.name == "editorial.mail" and r.levelno == logging.ERROR and r.exc_info
    ]


# The save commits for real in these tests, so that the mail goes out after it as in production.
@pytest.mark.django_db(transaction=True)
def test_review_mail_reaches_the_publisher_through_smtp_after_the_save(settings, smtp_server):
    inbox, port = smtp_server()
    smtp_mailer(settings, port)
    response = submit_for_review()
    assert response.status_code == 302
    assert NewsItem.objects.get().status == Status.REVIEW
    [message] = inbox.messages
    assert message["To"] == "publisher@unodc.example"
    assert message["Subject"] == "For review: Seizure on the border"


@pytest.mark.django_db(transaction=True)
def test_relay_down_still_saves_the_item_and_logs_the_lost_mail(settings, caplog):
    smtp_mailer(settings, free_port())  # nothing listens there
    response = submit_for_review()
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.status == Status.REVIEW
    assert item.title == "Seizure on the border"
    [failure] = review_mail_failures(caplog)
    assert "Seizure on the border" in failure.getMessage()
    assert "publisher@unodc.example" in failure.getMessage()


@pytest.mark.django_db(transaction=True)
def test_relay_refusing_the_message_still_saves_the_item(settings, smtp_server, caplog):
    _inbox, port = smtp_server(refuse=True)
    smtp_mailer(settings, port)
    response = submit_for_review()
    assert response.status_code == 302
    assert NewsItem.objects.get().status == Status.REVIEW
    assert len(review_mail_failures(caplog)) == 1


@pytest.mark.django_db(transaction=True)
def test_production_default_mailer_without_a_relay_still_saves(settings, caplog):
    # The SMTP mailer as settings.py builds it without EMAIL_URL, on a port with no relay.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": free_port(), "timeout": 5},
        }
    }
    assert submit_for_review().status_code == 302
    assert NewsItem.objects.filter(status=Status.REVIEW).count() == 1
    assert len(review_mail_failures(caplog)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_title_with_a_unicode_line_break_is_saved_on_one_line_and_mailed(
    settings, smtp_server, line_break
):
    inbox, port = smtp_server()
    smtp_mailer(settings, port)
    response = submit_for_review(title=f"Seizure{line_break}on the border")
    assert response.status_code == 302
    assert NewsItem.objects.get().title == "Seizure on the border"
    [message] = inbox.messages
    assert message["Subject"] == "For review: Seizure on the border"


@pytest.mark.django_db  # the mail waits for the transaction to commit
@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_review_mail_subject_is_one_line_whatever_the_title(
    line_break, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_review_request(
            title=f"Seizure{line_break}on\x00the{line_break}{line_break}border{line_break}",
            submitted_by="Editor",
            link="https://roca.example/admin/news/newsitem/1/change/",
            recipients=["publisher@unodc.example"],
        )
    [message] = mail.outbox
    assert message.subject == "For review: Seizure on the border"
    assert "\n" not in message.message()["Subject"]


@pytest.mark.django_db
def test_a_bad_recipient_address_loses_the_mail_only(caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_review_request(
            title="Seizure on the border",
            submitted_by="Editor",
            link="https://roca.example/admin/news/newsitem/1/change/",
            recipients=["publisher@unodc.example\nBcc: everyone@example.org"],
        )
    assert mail.outbox == []
    assert len(review_mail_failures(caplog)) == 1


@pytest.mark.django_db
def test_other_one_line_fields_lose_their_line_breaks_too(admin_client):
    response = admin_client.post(
        "/admin/programmes/country/add/",
        {
            "name_en": "Kazakh\u2028stan",
            "name_ru": "Казах\x0bстан",
            "slug": "kazakhstan",
            "iso_code": "KZ",
            "sub_region": "central-asia",
            "covered_by_roca": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    country = Country.objects.get(slug="kazakhstan")
    assert (country.name_en, country.name_ru) == ("Kazakh stan", "Казах стан")
