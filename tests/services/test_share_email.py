"""Share emails through the background job (education.services.sharing.deliver_share_email): claimed in the
database before sending, so an email never goes twice; retried when the mail server fails; the address erased
once done."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from clinic.models import Clinic
from education import jobs, services
from education.models import Handout, ShareEmail, ShareLink
from education.services import sharing

pytestmark = pytest.mark.django_db
ADDRESS = "patient.person@example.org"


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)


@pytest.fixture
def queued(published, clinic, editor):
    """A share email written and waiting for the worker (its job not run: no commit in a test transaction)."""
    services.share_with_patient(
        version=published, clinic=clinic, user=editor, channel="email", email=ADDRESS, message="See you Monday."
    )
    return ShareEmail.objects.get()


def deliver(queued):
    sharing.deliver_share_email(share_email_id=queued.pk)
    queued.refresh_from_db()


def test_the_waiting_email_is_sealed_and_nothing_is_handed_out_before_it_goes(queued):
    assert ADDRESS not in queued.sealed and "Monday" not in queued.sealed
    assert not mail.outbox and not Handout.objects.exists()


def test_running_the_job_twice_sends_one_email_and_erases_the_address(queued):
    deliver(queued)
    deliver(queued)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [ADDRESS]
    assert queued.sent_at is not None and queued.sealed == "" and queued.attempts == 1
    handout = Handout.objects.get()
    assert handout.channel == "email" and handout.share_link == queued.share_link


def test_an_email_claimed_by_another_worker_is_not_sent_again(queued):
    ShareEmail.objects.filter(pk=queued.pk).update(claimed_at=timezone.now())
    deliver(queued)
    assert not mail.outbox and queued.sent_at is None


def test_a_mail_server_failure_frees_the_claim_and_the_job_is_tried_again(queued, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # a queue that retries

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        with pytest.raises(services.EmailNotSent):
            deliver(queued)
    queued.refresh_from_db()
    assert queued.claimed_at is None and queued.attempts == 1 and queued.sealed
    assert queued.share_link.revoked_at is None
    deliver(queued)  # the retry
    assert len(mail.outbox) == 1 and queued.attempts == 2 and queued.sealed == ""


def test_after_the_last_attempt_the_link_is_revoked_and_the_address_erased(queued, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ShareEmail.objects.filter(pk=queued.pk).update(attempts=jobs.MAX_ATTEMPTS - 1)
    monkeypatch.setattr(EmailMessage, "send", lambda self, fail_silently=False: _refuse())
    deliver(queued)
    link = ShareLink.objects.get()
    assert queued.given_up_at is not None and queued.sealed == ""
    assert link.revoked_at is not None and link.form_key_hash is None and not Handout.objects.exists()


def _refuse():
    raise ConnectionRefusedError("no mail server")


def test_a_message_sealed_under_another_secret_key_is_given_up_not_sent(queued, settings):
    settings.SECRET_KEY = "another-key-after-rotation"
    deliver(queued)
    assert not mail.outbox and queued.given_up_at is not None
    assert ShareLink.objects.get().revoked_at is not None


def test_waiting_emails_count_towards_the_hourly_limit(published, clinic, editor, settings):
    settings.SHARE_EMAILS_PER_HOUR = 2
    for _ in range(2):
        services.share_with_patient(version=published, clinic=clinic, user=editor, channel="email", email=ADDRESS)
    with pytest.raises(sharing.TooManyEmails):
        services.share_with_patient(version=published, clinic=clinic, user=editor, channel="email", email=ADDRESS)


@pytest.mark.parametrize(
    "change",
    [
        {"sent_at": timezone.now()},  # sent without a claim
        {"claimed_at": timezone.now(), "sent_at": timezone.now()},  # sent, the address still kept
        {"given_up_at": timezone.now()},  # given up, the address still kept
        {"claimed_at": timezone.now(), "sent_at": timezone.now(), "given_up_at": timezone.now(), "sealed": ""},
    ],
)
def test_the_database_refuses_an_email_record_that_breaks_the_rules(queued, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareEmail.objects.filter(pk=queued.pk).update(**change)


@pytest.mark.parametrize(
    "change",
    [{"sent_at": None, "claimed_at": None}, {"claimed_at": None}, {"sent_at": timezone.now()}, {"sealed": "x"}],
)
def test_a_sent_email_stays_sent_even_against_raw_updates(queued, change):
    """A trigger keeps a finished email finished, so no edit of its row can make the worker send it again."""
    deliver(queued)
    with pytest.raises(DatabaseError, match="never sent again"), transaction.atomic():
        ShareEmail.objects.filter(pk=queued.pk).update(**change)
    deliver(queued)
    assert len(mail.outbox) == 1


def test_an_email_whose_worker_died_while_sending_is_given_up_and_its_address_erased(queued, editor, published):
    from io import StringIO

    from django.core.management import call_command

    long_ago = timezone.now() - datetime.timedelta(minutes=sharing.STUCK_CLAIM_MINUTES + 1)
    ShareEmail.objects.filter(pk=queued.pk).update(claimed_at=long_ago, attempts=1)  # then the worker died
    clinic = queued.share_link.clinic
    services.share_with_patient(version=published, clinic=clinic, user=editor, channel="email", email="b@example.org")
    in_hand = ShareEmail.objects.exclude(pk=queued.pk).get()
    ShareEmail.objects.filter(pk=in_hand.pk).update(claimed_at=timezone.now())  # being sent right now
    out = StringIO()

    call_command("give_up_stuck_share_emails", stdout=out)
    call_command("give_up_stuck_share_emails", stdout=out)  # again: nothing more

    assert out.getvalue().splitlines() == ["1 stuck share email(s) given up.", "0 stuck share email(s) given up."]
    queued.refresh_from_db()
    in_hand.refresh_from_db()
    assert queued.sealed == "" and queued.given_up_at is not None and queued.sent_at is None
    assert in_hand.sealed and in_hand.given_up_at is None
    assert queued.share_link.revoked_at is None  # the patient may hold it: the email may have gone
    deliver(queued)  # a late retry of its job sends nothing
    assert not mail.outbox and not Handout.objects.exists()
