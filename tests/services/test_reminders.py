"""manage.py review_reminders: each owner is emailed the leaflets due for clinical review, at most once a day."""

import datetime
import smtplib
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from education import services
from education.models import Leaflet, ReviewReminder
from tests import factories

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command("review_reminders", *args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


@contextmanager
def clock_at(day: datetime.date):
    """Publish as if on `day` (published rows are frozen, so a past review date needs a past publication)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


@pytest.fixture
def people(db):
    return {
        "owner": factories.make_user(
            "olivia", group="Leaflet editors", email="olivia@example.org", first_name="Olivia"
        ),
        "other_owner": factories.make_user("oscar", group="Leaflet editors", email="oscar@example.org"),
        "approver": factories.make_approver("claire"),
    }


def publish(*, people, slug, months, days_ago=0, owner="owner", language="en", leaflet=None):
    """A leaflet owned by `owner`, published `days_ago` days ago with a review interval of `months`."""
    author = people[owner]
    leaflet = leaflet or factories.make_leaflet(
        user=author, slug=slug, name=slug.replace("-", " ").title(), review_interval_months=months
    )
    with clock_at(timezone.localdate() - datetime.timedelta(days=days_ago)):
        version = factories.make_published(
            author=author, approver=people["approver"], leaflet=leaflet, language=language
        )
    return leaflet, version


@pytest.fixture
def due(people):
    """Overdue, due within 90 days, due later, never published, and withdrawn leaflets of one owner."""
    overdue, overdue_version = publish(people=people, slug="overdue-leaflet", months=1, days_ago=100)
    soon, soon_version = publish(people=people, slug="soon-leaflet", months=2)
    later, _version = publish(people=people, slug="later-leaflet", months=24)
    factories.make_draft(author=people["owner"], leaflet=factories.make_leaflet(user=people["owner"], slug="drafty"))
    withdrawn, _version = publish(people=people, slug="withdrawn-leaflet", months=1, days_ago=100)
    services.leaflet_withdraw(leaflet=withdrawn, user=people["approver"], reason="No longer used")
    return {"overdue": (overdue, overdue_version), "soon": (soon, soon_version)}


def test_an_owner_gets_one_email_listing_overdue_and_soon_due_leaflets(due, people, settings):
    settings.SITE_URL = "https://leaflets.example.org/"
    output = run()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Leaflets due for clinical review"
    assert message.to == ["olivia@example.org"]
    body = message.body
    overdue, overdue_version = due["overdue"]
    soon, soon_version = due["soon"]
    assert "Hello Olivia," in body
    assert "Overdue Leaflet" in body and "Soon Leaflet" in body
    assert "Later Leaflet" not in body and "Drafty" not in body and "Withdrawn" not in body
    overdue_line = f"Version 1 (en): review due {overdue_version.review_due:%-d %B %Y} - OVERDUE"
    assert overdue_line in body
    assert f"Version 1 (en): review due {soon_version.review_due:%-d %B %Y}\n" in body  # not flagged
    assert body.count("OVERDUE") == 1
    assert f"https://leaflets.example.org/admin/education/leaflet/{overdue.pk}/change/" in body
    assert f"https://leaflets.example.org/admin/education/leaflet/{soon.pk}/change/" in body
    reminders = ReviewReminder.objects.order_by("review_due")
    assert [(r.leaflet, r.recipient.username, r.sent_on) for r in reminders] == [
        (overdue, "olivia", timezone.localdate()),
        (soon, "olivia", timezone.localdate()),
    ]
    assert reminders[0].review_due == overdue_version.review_due
    assert "Emailed olivia <olivia@example.org> about 2 leaflet(s)" in output
    assert "OVERDUE" in output
    assert "1 email(s) sent about 2 leaflet(s); 0 already reminded today; 0 not sent." in output


def test_running_again_the_same_day_sends_nothing_twice(due):
    run()
    output = run()
    assert len(mail.outbox) == 1
    assert ReviewReminder.objects.count() == 2
    assert "Already reminded today, skipped: Overdue Leaflet." in output
    assert "0 email(s) sent about 0 leaflet(s); 2 already reminded today" in output


def test_a_leaflet_that_becomes_due_later_the_same_day_is_sent_alone(due, people):
    run()
    publish(people=people, slug="new-leaflet", months=1)
    run()
    assert len(mail.outbox) == 2
    assert "New Leaflet" in mail.outbox[1].body
    assert "Overdue Leaflet" not in mail.outbox[1].body


def test_the_next_day_reminds_again(due):
    run()
    ReviewReminder.objects.update(sent_on=timezone.localdate() - datetime.timedelta(days=1))
    run()
    assert len(mail.outbox) == 2
    assert ReviewReminder.objects.count() == 4


def test_a_dry_run_sends_and_records_nothing(due):
    output = run("--dry-run")
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()
    assert "Would email olivia <olivia@example.org> about 2 leaflet(s)" in output
    assert "Dry run: nothing was sent or recorded." in output


def test_each_owner_gets_only_their_own_leaflets(due, people):
    publish(people=people, slug="oscars-leaflet", months=1, owner="other_owner")
    run()
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert set(by_recipient) == {"olivia@example.org", "oscar@example.org"}
    assert "Oscars Leaflet" in by_recipient["oscar@example.org"]
    assert "Overdue Leaflet" not in by_recipient["oscar@example.org"]
    assert "Oscars Leaflet" not in by_recipient["olivia@example.org"]


def test_a_leaflet_published_in_two_languages_is_one_reminder_with_both_versions(people):
    leaflet, english = publish(people=people, slug="bilingual", months=1)
    publish(people=people, slug="bilingual", months=1, leaflet=leaflet, language="fr", days_ago=40)
    run()
    body = mail.outbox[0].body
    assert "Version 1 (en)" in body and "Version 1 (fr)" in body
    assert body.count("Bilingual") == 1
    reminder = ReviewReminder.objects.get()
    assert reminder.review_due < english.review_due  # the earlier of the two


def test_leaflets_nobody_can_be_emailed_about_are_reported(people):
    no_owner, _v = publish(people=people, slug="no-owner", months=1)
    Leaflet.objects.filter(pk=no_owner.pk).update(owner=None)
    no_email, _v = publish(people=people, slug="no-email", months=1, owner="other_owner")
    people["other_owner"].email = ""
    people["other_owner"].save(update_fields=["email"])
    gone = factories.make_user("gone", group="Leaflet editors", email="gone@example.org")
    people["gone"] = gone
    publish(people=people, slug="owner-left", months=1, owner="gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    output = run()

    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()
    assert "Not sent: No Owner: it has no owner." in output
    assert "Not sent: No Email: its owner oscar has no email address." in output
    assert "Not sent: Owner Left: its owner gone is inactive." in output
    assert "3 not sent." in output


def test_days_chooses_how_far_ahead_to_look(due):
    run("--days", "0")
    assert "Soon Leaflet" not in mail.outbox[0].body
    assert "Overdue Leaflet" in mail.outbox[0].body


def test_nothing_due_says_so(people):
    publish(people=people, slug="later", months=24)
    output = run()
    assert mail.outbox == []
    assert "0 email(s) sent about 0 leaflet(s)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "-1"], "--days must be a whole number from 0 to 3650, not -1"),
        (["--days", "100000"], "--days must be a whole number from 0 to 3650"),
        (["--days", "soon"], "argument --days: invalid int value: 'soon'"),
        (["--weeks", "2"], "unrecognized arguments: --weeks 2"),
    ],
)
def test_bad_options_are_a_clear_error(due, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()


def test_a_failed_email_records_nothing_so_the_next_run_retries(due, settings):
    settings.EMAIL_BACKEND = "tests.services.test_reminders.FailingBackend"
    with pytest.raises(CommandError, match="1 reminder email\\(s\\) could not be sent; nothing was recorded"):
        run()
    assert not ReviewReminder.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    assert len(mail.outbox) == 1
    assert ReviewReminder.objects.count() == 2


def test_the_admin_lists_reminders_read_only(due, client):
    run()
    client.force_login(factories.make_user("root", superuser=True))
    response = client.get("/admin/education/reviewreminder/")
    assert response.status_code == 200
    assert "Overdue Leaflet" in response.content.decode()
    assert client.get("/admin/education/reviewreminder/add/").status_code == 403


# --- through the background worker (--queue) ----------------------------------------------------------------


def test_queued_reminders_are_sent_by_the_job_once(due):
    """The tests' jobs backend runs the job at once; a second run the same day sends nothing twice."""
    assert "queued for the background worker" in run("--queue")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["olivia@example.org"]
    run("--queue")
    assert len(mail.outbox) == 1


def test_a_reminder_job_that_cannot_send_fails_so_the_worker_tries_again(due, settings):
    from education.services import reminders

    settings.EMAIL_BACKEND = "tests.services.test_reminders.FailingBackend"
    with pytest.raises(reminders.ReminderEmailsFailed):
        reminders.review_reminders_job(days=90)
    assert not ReviewReminder.objects.exists()


def test_queue_and_dry_run_cannot_be_combined(db):
    with pytest.raises(CommandError, match="cannot be used together"):
        run("--queue", "--dry-run")
