"""Every workflow transition, and every illegal one, through the service functions (education/services/workflow.py)."""

import datetime

import pytest
from django.utils import timezone

from education import services
from education.models import AuditEvent, LeafletVersion
from tests import factories

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def test_the_full_life_of_a_version(draft, editor, approver):
    services.version_submit(version=draft, user=editor)
    published = services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver, comment="Looks right."
    )
    assert published.status == Status.PUBLISHED
    assert published.approved_by == approver
    assert published.published_at is not None
    assert published.review_due == services.add_months(timezone.localdate(), 24)
    assert factories.audit_actions(published) == ["created", "edited", "submitted", "published"]
    event = AuditEvent.objects.get(version=published, action="published")
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        approver,
        "in_review",
        "published",
        "Looks right.",
    )
    assert event.content_hash == published.content_hash


def test_publishing_retires_the_previous_version_in_the_same_transaction(published, editor, other_approver):
    second = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert (second.number, second.title) == (2, published.title)
    assert [(s.urgency, s.text) for s in second.help_signs.all()] == [
        (s.urgency, s.text) for s in published.help_signs.all()
    ]
    second = factories.edit(second, user=editor, title="Milia: updated")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=other_approver
    )
    published.refresh_from_db()
    assert published.status == Status.RETIRED
    assert published.retired_at is not None
    assert factories.audit_actions(published)[-1] == "retired"
    assert LeafletVersion.objects.filter(leaflet=published.leaflet, status=Status.PUBLISHED).get().number == 2


def test_review_due_follows_the_leaflets_interval(editor, approver):
    leaflet = factories.make_leaflet(user=editor, review_interval_months=6)
    version = factories.make_published(author=editor, approver=approver, leaflet=leaflet)
    assert version.review_due == services.add_months(timezone.localdate(), 6)


def test_add_months_handles_month_ends():
    assert services.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert services.add_months(datetime.date(2027, 12, 15), 1) == datetime.date(2028, 1, 15)


def test_nobody_approves_their_own_version(leaflet, approver):
    version = factories.make_in_review(leaflet=leaflet, author=approver)
    with pytest.raises(services.NotPermitted, match="four-eyes"):
        services.version_approve_and_publish(
            version=version, content_hash=factories.shown_hash(version), attested=True, user=approver
        )
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW


def test_superusers_cannot_approve_their_own_version_either(leaflet, superuser):
    version = factories.make_in_review(leaflet=leaflet, author=superuser)
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(
            version=version, content_hash=factories.shown_hash(version), attested=True, user=superuser
        )


def test_an_approver_who_edited_a_draft_cannot_approve_it(draft, editor, approver, other_approver):
    factories.edit(draft, user=approver, summary="Edited by the approver.")
    services.version_submit(version=draft, user=editor)
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(
            version=draft, content_hash=factories.shown_hash(draft), attested=True, user=approver
        )
    services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=other_approver
    )


def test_send_back_needs_a_comment_and_returns_the_version_to_draft(in_review, approver):
    with pytest.raises(services.WorkflowError, match="what needs to change"):
        services.version_send_back(version=in_review, user=approver, comment="  ")
    services.version_send_back(version=in_review, user=approver, comment="Explain 'keratin'.")
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    assert AuditEvent.objects.get(version=in_review, action="sent_back").comment == "Explain 'keratin'."


@pytest.mark.parametrize(
    ("fixture", "service"),
    [
        ("draft", "approve"),
        ("draft", "send_back"),
        ("in_review", "submit"),
        ("published", "submit"),
        ("published", "approve"),
        ("published", "send_back"),
        ("published", "discard"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(request, fixture, service, other_approver, editor):
    version = request.getfixturevalue(fixture)
    before = (version.status, AuditEvent.objects.count())
    call = {
        "approve": lambda: services.version_approve_and_publish(
            version=version, content_hash=factories.shown_hash(version), attested=True, user=other_approver
        ),
        "send_back": lambda: services.version_send_back(version=version, user=other_approver, comment="x"),
        "submit": lambda: services.version_submit(version=version, user=editor),
        "discard": lambda: services.version_discard(version=version, user=other_approver),
    }[service]
    with pytest.raises(services.WorkflowError):
        call()
    version.refresh_from_db()
    assert (version.status, AuditEvent.objects.count()) == before


def test_submitting_needs_summary_body_and_a_sign(leaflet, editor):
    draft = services.version_create_draft(leaflet=leaflet, user=editor)
    with pytest.raises(services.WorkflowError, match="summary"):
        services.version_submit(version=draft, user=editor)
    assert LeafletVersion.objects.get(pk=draft.pk).status == Status.DRAFT


def test_discard_keeps_the_row_and_frees_the_slot(draft, editor):
    services.version_discard(version=draft, user=editor, comment="Started by mistake")
    draft.refresh_from_db()
    assert draft.status == Status.DISCARDED
    assert services.version_create_draft(leaflet=draft.leaflet, user=editor).number == 2


def test_an_editor_cannot_discard_someone_elses_draft(draft):
    with pytest.raises(services.NotPermitted):
        services.version_discard(version=draft, user=factories.make_editor())


# --- approval names the text it approves --------------------------------------------------------------------


def test_an_approval_of_text_that_changed_since_it_was_read_is_refused(in_review, editor, approver):
    """Issue 11, gap 1: the approver opens text A; it is sent back, changed to B and resubmitted; the approve
    form still showing A must not publish B."""
    shown_to_approver = factories.shown_hash(in_review)
    services.version_send_back(version=in_review, user=factories.make_approver(), comment="Shorter, please.")
    factories.edit(in_review, user=editor, summary="Text B, which nobody has reviewed.")
    services.version_submit(version=in_review, user=editor)
    with pytest.raises(services.StaleApproval, match="changed after you opened it"):
        services.version_approve_and_publish(
            version=in_review, user=approver, content_hash=shown_to_approver, attested=True
        )
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW and in_review.approved_by is None
    with pytest.raises(services.StaleApproval):
        services.version_approve_and_publish(version=in_review, user=approver, content_hash="", attested=True)
    services.version_approve_and_publish(
        version=in_review, user=approver, content_hash=factories.shown_hash(in_review), attested=True
    )


def test_approval_needs_the_statement_ticked_and_keeps_it_in_the_history(in_review, approver):
    with pytest.raises(services.WorkflowError, match="Tick the statement"):
        services.version_approve_and_publish(
            version=in_review, user=approver, content_hash=factories.shown_hash(in_review), attested=False
        )
    published = services.version_approve_and_publish(
        version=in_review, user=approver, content_hash=factories.shown_hash(in_review), attested=True
    )
    event = AuditEvent.objects.get(version=published, action="published")
    assert event.actor == approver
    assert event.attestation == "I have reviewed this text for clinical accuracy and it is suitable for patients."
