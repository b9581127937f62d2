"""Every notification rule: who is told of a submission, a send-back, a publication, a withdrawal and a review
falling due; each email is sent once, after the commit, in the recipient's language, links to the page to
act on and names no patient."""

import datetime
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from education import notifications, services
from education.models import Notification, ReviewRequest, StaffProfile
from tests import factories

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def with_email(*users):
    for user in users:
        get_user_model().objects.filter(pk=user.pk).update(email=f"{user.username}@clinic.example")
        user.email = f"{user.username}@clinic.example"
    return users


def told(kind, version=None):
    rows = Notification.objects.filter(kind=kind)
    if version is not None:
        rows = rows.filter(version=version)
    return sorted(rows.values_list("recipient__username", flat=True))


@pytest.fixture
def people(editor, approver, other_approver):
    return with_email(editor, approver, other_approver)


def test_a_submission_tells_every_clinical_approver_after_the_commit(
    people, draft, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.version_submit(version=draft, user=editor, comment="Please check the new section.")
    assert told(Kind.SUBMITTED, draft) == ["claire", "omar"]
    assert sorted(message.to[0] for message in mail.outbox) == ["claire@clinic.example", "omar@clinic.example"]
    message = mail.outbox[0]
    assert f"/admin/education/leafletversion/{draft.pk}/review/" in message.body
    assert draft.title in message.subject


def test_a_submission_with_a_named_reviewer_tells_only_that_reviewer(people, draft, editor, other_approver):
    services.version_submit(version=draft, user=editor, reviewer=other_approver)
    assert told(Kind.SUBMITTED, draft) == ["omar"]
    assert ReviewRequest.objects.get(version=draft).reviewer == other_approver


def test_a_named_reviewer_must_be_an_approver_who_did_not_write_it(people, draft, editor):
    with pytest.raises(services.WorkflowError):
        services.version_submit(version=draft, user=editor, reviewer=editor)
    assert not Notification.objects.exists()


def test_an_approver_who_wrote_the_version_is_not_asked_to_review_it(people, leaflet, approver, other_approver):
    draft = factories.make_draft(leaflet=leaflet, author=approver)
    services.version_submit(version=draft, user=approver)
    assert told(Kind.SUBMITTED, draft) == ["omar"]


def test_inactive_approvers_are_not_told(people, draft, editor, other_approver):
    get_user_model().objects.filter(pk=other_approver.pk).update(is_active=False)
    services.version_submit(version=draft, user=editor)
    assert told(Kind.SUBMITTED, draft) == ["claire"]


def test_sending_back_tells_the_author_and_contributors_with_the_comment(
    people, draft, editor, approver, django_capture_on_commit_callbacks
):
    helper = with_email(factories.make_editor("nina"))[0]
    factories.edit(draft, user=helper, summary="Edited by a colleague.")
    services.version_submit(version=draft, user=editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.version_send_back(version=draft, user=approver, comment="Say how long the redness lasts.")
    assert told(Kind.SENT_BACK, draft) == ["eddie", "nina"]
    assert Notification.objects.filter(kind=Kind.SENT_BACK, comment="Say how long the redness lasts.").count() == 2
    assert len(mail.outbox) == 2
    assert all("Say how long the redness lasts." in message.body for message in mail.outbox)
    assert all(f"/admin/education/leafletversion/{draft.pk}/change/" in message.body for message in mail.outbox)


def test_publishing_tells_the_owner_and_the_author_not_the_approver(people, leaflet, editor, approver):
    owner = with_email(factories.make_editor("olive"))[0]
    services.leaflet_update(leaflet=_with_owner(leaflet, owner), user=editor, changed=["owner"])
    version = factories.make_published(author=editor, approver=approver, leaflet=leaflet)
    assert told(Kind.PUBLISHED, version) == ["eddie", "olive"]


def _with_owner(leaflet, owner):
    leaflet.owner = owner
    return leaflet


def test_withdrawing_tells_the_owner_and_the_author_with_the_reason(people, published, approver, editor):
    services.version_withdraw(version=published, user=approver, reason="The dose advice is wrong.")
    assert told(Kind.WITHDRAWN, published) == ["eddie"]  # owner and author, told once; the approver acted
    assert Notification.objects.get(kind=Kind.WITHDRAWN).comment == "The dose advice is wrong."


def test_nobody_is_told_of_their_own_action(people, leaflet, approver):
    leaflet.owner = approver
    leaflet.save()
    author = factories.make_editor("ann")
    version = factories.make_published(author=author, approver=approver, leaflet=leaflet)
    assert "claire" not in told(Kind.PUBLISHED, version)


def _due_in(version, days):
    """Pretend `today` is `days` before the version's review date."""
    return version.review_due - datetime.timedelta(days=days)


def test_review_due_tells_the_owner_30_days_before_and_again_when_overdue(people, published, editor):
    published.leaflet.owner = editor
    published.leaflet.save()
    assert services.review_due_notify(today=_due_in(published, 31)) == []
    assert len(services.review_due_notify(today=_due_in(published, 30))) == 1
    assert services.review_due_notify(today=_due_in(published, 10)) == []  # once per stage
    assert told(Kind.REVIEW_SOON, published) == ["eddie"]
    assert services.review_due_notify(today=_due_in(published, 0)) == []  # due today is not yet overdue
    assert len(services.review_due_notify(today=_due_in(published, -1))) == 1
    assert services.review_due_notify(today=_due_in(published, -20)) == []
    assert told(Kind.REVIEW_OVERDUE, published) == ["eddie"]


def test_review_due_goes_to_a_deputy_when_the_owner_is_inactive(people, published, editor, approver):
    published.leaflet.owner = editor
    published.leaflet.save()
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    services.review_due_notify(today=_due_in(published, -1))
    assert told(Kind.REVIEW_OVERDUE, published) == ["claire"]  # the approver who signed it off


def test_review_due_without_any_owner_goes_to_the_approvers_if_the_signer_left(people, published, approver):
    published.leaflet.owner = None
    published.leaflet.save()
    get_user_model().objects.filter(pk=approver.pk).update(is_active=False)
    services.review_due_notify(today=_due_in(published, 5))
    assert told(Kind.REVIEW_SOON, published) == ["omar"]


def test_a_renewal_moves_the_review_date_so_reminders_follow_it(people, published, other_approver, editor):
    published.leaflet.owner = editor
    published.leaflet.review_interval_months = 36  # so a renewal today moves the date (it never moves it back)
    published.leaflet.save()
    services.review_due_notify(today=_due_in(published, 20))
    renewal = services.version_review_renew(
        version=published, user=other_approver, attested=True, comment="Checked against current guidance."
    )
    assert renewal.review_due > published.review_due
    new_today = renewal.review_due - datetime.timedelta(days=20)
    made = services.review_due_notify(today=new_today)
    assert [n.kind for n in made] == [Kind.REVIEW_SOON]  # a new cycle, told again
    assert services.review_due_notify(today=_due_in(published, -1)) == []  # the old date no longer counts


def test_an_email_is_never_sent_twice(people, draft, editor):
    services.version_submit(version=draft, user=editor)
    note = Notification.objects.get(recipient__username="claire")
    mail.outbox.clear()
    assert notifications.deliver(notification_id=note.pk) is True
    assert notifications.deliver(notification_id=note.pk) is False
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_failed_email_gives_the_claim_back_for_a_retry(people, draft, editor, monkeypatch):
    services.version_submit(version=draft, user=editor)
    note = Notification.objects.get(recipient__username="claire")

    def refuse(self, *args, **kwargs):
        raise OSError("mail server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert notifications.deliver(notification_id=note.pk) is False
    note.refresh_from_db()
    assert note.emailed_at is None and "unreachable" in note.email_failed
    monkeypatch.undo()
    mail.outbox.clear()
    assert notifications.deliver(notification_id=note.pk) is True
    assert len(mail.outbox) == 1


def test_with_a_queue_that_retries_a_failed_email_fails_the_job_so_it_is_tried_again(
    people, draft, editor, monkeypatch
):
    from education import jobs

    services.version_submit(version=draft, user=editor)
    note = Notification.objects.get(recipient__username="claire")

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    monkeypatch.setattr(jobs, "can_retry", lambda: True)
    with pytest.raises(services.EmailNotSent):
        notifications.deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_failed == "gone"


def test_an_unknown_notification_or_one_without_an_address_sends_nothing(people, draft, editor):
    assert notifications.deliver(notification_id=999999) is False
    get_user_model().objects.filter(username="claire").update(email="")
    services.version_submit(version=draft, user=editor)
    note = Notification.objects.get(recipient__username="claire")
    mail.outbox.clear()
    assert notifications.deliver(notification_id=note.pk) is False
    assert mail.outbox == []


def test_the_email_is_in_the_recipients_language(people, draft, editor, approver):
    StaffProfile.objects.create(user=approver, language="fr")
    services.version_submit(version=draft, user=editor)
    note = Notification.objects.get(recipient=approver)
    language, subject, body = notifications.render_email(note)
    assert language == "fr"
    assert subject.startswith("À relire")
    assert "Bonjour" in body


def test_an_email_names_no_patient_and_carries_only_the_version_and_the_comment(people, draft, editor, approver):
    services.version_submit(version=draft, user=editor)
    services.version_send_back(version=draft, user=approver, comment="Shorter sentences, please.")
    note = Notification.objects.get(kind=Kind.SENT_BACK)
    _language, subject, body = notifications.render_email(note)
    # Everything the email says comes from the version, the leaflet, the staff and the reviewer's comment.
    assert "@" not in body.replace(settings_site(), "")
    assert "Shorter sentences, please." in body


def settings_site():
    from django.conf import settings

    return settings.SITE_URL


def test_marking_notifications_read(people, draft, editor, approver):
    services.version_submit(version=draft, user=editor)
    assert services.notifications_mark_read(user=approver) == 1
    assert services.notifications_mark_read(user=approver) == 0
    assert Notification.objects.get(recipient=approver).read_at <= timezone.now()


def test_the_daily_command_makes_each_review_notification_once(people, published, editor):
    from io import StringIO

    from django.core.management import call_command

    published.leaflet.owner = editor
    published.leaflet.save()
    out = StringIO()
    with today_is(published.review_due - datetime.timedelta(days=1)):
        call_command("review_notifications", stdout=out)
        call_command("review_notifications", stdout=out)
    assert "1 review notification(s) made." in out.getvalue()
    assert "0 review notification(s) made." in out.getvalue()
    assert told(Kind.REVIEW_SOON, published) == ["eddie"]


def today_is(day):
    """The command asks `timezone.localdate()` for today."""
    from unittest import mock

    return mock.patch("django.utils.timezone.localdate", return_value=day)
