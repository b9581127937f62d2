"""Recall (education/services/recall.py and selectors.recall_report): who got the version that was wrong."""

import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from clinic.models import Clinic
from education import selectors, services
from education.models import AuditEvent, ShareLink
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)


@pytest.fixture
def handed_out(published, clinic, editor, approver):
    """Published v1 printed by the editor, linked by email by the approver, a QR code by the editor."""
    editor.email, approver.email = "eddie@example.org", "claire@example.org"
    editor.save()
    approver.save()
    services.handout_record(versions=[published], channel="print", clinic=clinic, user=editor)
    email_link, _token = services.share_link_create(version=published, clinic=clinic, user=approver)
    services.handout_record(versions=[published], channel="email", clinic=clinic, user=approver, share_link=email_link)
    qr_link, _token = services.share_link_create(version=published, clinic=clinic, user=editor)
    services.handout_record(versions=[published], channel="qr", clinic=clinic, user=editor, share_link=qr_link)
    services.share_link_count_view(link=qr_link)
    return published


def test_the_report_lists_every_handout_with_date_clinic_channel_staff_and_views(handed_out, editor, approver):
    lines = selectors.recall_report(version=handed_out)
    assert [(line.channel, line.staff, line.clinic.name) for line in lines] == [
        ("Printed handout", editor, "Riverside"),
        ("Link sent by email", approver, "Riverside"),
        ("QR code shown or printed", editor, "Riverside"),
    ]
    assert [line.link_views for line in lines] == [None, 0, 1]
    assert all(line.link_live for line in lines[1:]) and not any(line.after_withdrawal for line in lines)


def test_revoking_every_live_link_is_one_audited_action(handed_out, approver, editor):
    with pytest.raises(services.NotPermitted):
        services.recall_revoke_links(version=handed_out, user=editor)
    assert services.recall_revoke_links(version=handed_out, user=approver) == 2
    assert not ShareLink.objects.filter(revoked_at__isnull=True).exists()
    event = AuditEvent.objects.filter(version=handed_out).latest("id")
    assert (event.action, event.actor, event.comment) == ("revoked_all", approver, "2 live share links revoked.")
    assert services.recall_revoke_links(version=handed_out, user=approver) == 0


def test_each_member_of_staff_is_told_only_of_their_own_handouts(handed_out, approver, editor):
    services.version_withdraw(version=handed_out, user=approver, reason="Wrong dose")
    handed_out.refresh_from_db()
    result = services.recall_notify_staff(version=handed_out, user=approver)
    assert set(result.sent) == {editor, approver} and result.not_sent == []
    by_address = {message.to[0]: message.body for message in mail.outbox}
    assert "Printed handout" in by_address["eddie@example.org"]
    assert "QR code" in by_address["eddie@example.org"]
    assert "email" not in by_address["eddie@example.org"].lower().split("reason")[0]  # not the approver's email
    assert "Link sent by email" in by_address["claire@example.org"]
    assert "Printed handout" not in by_address["claire@example.org"]
    assert "Wrong dose" in by_address["claire@example.org"]
    event = AuditEvent.objects.filter(version=handed_out).latest("id")
    assert event.action == "recall_sent" and "eddie" in event.comment and "claire" in event.comment


def test_staff_who_cannot_be_emailed_are_reported_and_recorded(handed_out, approver, editor, monkeypatch):
    editor.email = ""
    editor.save()

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    result = services.recall_notify_staff(version=handed_out, user=approver)
    assert result.sent == []
    assert {member for member, _why in result.not_sent} == {editor, approver}
    assert "Not emailed" in AuditEvent.objects.filter(version=handed_out).latest("id").comment


def test_a_withdrawn_version_cannot_be_handed_out_again(handed_out, approver, clinic, editor):
    services.version_withdraw(version=handed_out, user=approver, reason="Wrong dose")
    handed_out.refresh_from_db()
    with pytest.raises(services.WorkflowError, match="withdrawn"):
        services.handout_record(versions=[handed_out], channel="print", clinic=clinic, user=editor)
    with pytest.raises(services.WorkflowError):
        services.share_link_create(version=handed_out, clinic=clinic, user=editor)
    assert all(not line.after_withdrawal for line in selectors.recall_report(version=handed_out))
    assert handed_out.withdrawn_at <= timezone.now()


def test_only_a_version_that_could_have_been_handed_out_is_recalled(editor, approver):
    draft = factories.make_draft(author=editor)
    for action in (services.recall_revoke_links, services.recall_notify_staff):
        with pytest.raises(services.WorkflowError, match="only it is recalled"):
            action(version=draft, user=approver)
    assert not AuditEvent.objects.filter(version=draft, action__in=["revoked_all", "recall_sent"]).exists()
