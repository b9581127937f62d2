"""Withdrawal (education/services/withdrawal.py): a version or a whole leaflet taken away from patients."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from education import services
from education.models import AuditEvent, LeafletVersion
from tests import factories

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def test_withdrawing_a_leaflet_needs_a_reason_and_withdraws_every_reachable_version(
    published, editor, approver, other_approver
):
    second = factories.supersede(published, editor=editor, approver=other_approver)
    with pytest.raises(services.WorkflowError, match="why"):
        services.leaflet_withdraw(leaflet=published.leaflet, user=approver, reason="  ")
    withdrawn = services.leaflet_withdraw(leaflet=published.leaflet, user=approver, reason="Dose was wrong")
    assert {v.pk for v in withdrawn} == {published.pk, second.pk}
    for version in (published, second):
        version.refresh_from_db()
        assert version.status == Status.RETIRED and version.is_withdrawn and not version.is_public
        assert (version.withdrawn_by, version.withdrawal_reason) == (approver, "Dose was wrong")
        event = AuditEvent.objects.filter(version=version).latest("id")
        assert (event.action, event.actor, event.comment) == ("withdrawn", approver, "Dose was wrong")
    with pytest.raises(services.WorkflowError, match="nothing to withdraw"):
        services.leaflet_withdraw(leaflet=published.leaflet, user=approver, reason="again")


def test_one_superseded_version_can_be_withdrawn_alone(published, editor, approver, other_approver):
    second = factories.supersede(published, editor=editor, approver=other_approver)
    published.refresh_from_db()
    services.version_withdraw(version=published, user=approver, reason="Wrong advice in v1")
    published.refresh_from_db()
    second.refresh_from_db()
    assert published.is_withdrawn and second.status == Status.PUBLISHED and not second.is_withdrawn
    with pytest.raises(services.WorkflowError, match="already withdrawn"):
        services.version_withdraw(version=published, user=approver, reason="again")


def test_drafts_cannot_be_withdrawn_and_editors_cannot_withdraw(published, editor, approver):
    draft = factories.make_draft(author=editor)
    with pytest.raises(services.WorkflowError, match="discarded"):
        services.version_withdraw(version=draft, user=approver, reason="no")
    with pytest.raises(services.NotPermitted):
        services.version_withdraw(version=published, user=editor, reason="no")


def test_a_withdrawal_cannot_be_undone_by_editing_the_row(published, approver):
    services.version_withdraw(version=published, user=approver, reason="Safety problem")
    table = LeafletVersion._meta.db_table
    for statement in (
        f"UPDATE {table} SET withdrawn_at = NULL, withdrawn_by_id = NULL, withdrawal_reason = NULL WHERE id = %s",
        f"UPDATE {table} SET status = 'published' WHERE id = %s",
        f"UPDATE {table} SET withdrawal_reason = 'something milder' WHERE id = %s",
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [published.pk])
    published.refresh_from_db()
    assert published.is_withdrawn and published.withdrawal_reason == "Safety problem"


def test_the_database_refuses_a_withdrawal_without_a_reason_or_of_a_draft(published, editor, approver):
    draft = factories.make_draft(author=editor)
    table = LeafletVersion._meta.db_table
    attempts = [
        (f"UPDATE {table} SET status = 'retired', retired_at = CURRENT_TIMESTAMP, "
         f"withdrawn_at = CURRENT_TIMESTAMP, withdrawn_by_id = %s WHERE id = %s", [approver.pk, published.pk]),
        (f"UPDATE {table} SET withdrawn_at = CURRENT_TIMESTAMP, withdrawn_by_id = %s, withdrawal_reason = 'x' "
         f"WHERE id = %s", [approver.pk, draft.pk]),
    ]  # fmt: skip
    for statement, params in attempts:
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED and not published.is_withdrawn


def test_a_new_draft_can_start_from_a_withdrawn_version_to_correct_it(published, editor, approver):
    services.version_withdraw(version=published, user=approver, reason="Wrong dose")
    published.refresh_from_db()
    draft = services.version_create_draft(leaflet=published.leaflet, user=editor, based_on=published)
    assert draft.body == published.body and draft.status == Status.DRAFT
