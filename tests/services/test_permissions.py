"""Who may do what (education/services/permissions.py), through the services that enforce it."""

import pytest

from education import services
from education.models import LeafletVersion
from tests import factories

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def test_editors_cannot_approve_send_back_or_retire(in_review, editor, approver):
    other_editor = factories.make_editor()
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(
            version=in_review, content_hash=factories.shown_hash(in_review), attested=True, user=other_editor
        )
    with pytest.raises(services.NotPermitted):
        services.version_send_back(version=in_review, user=other_editor, comment="no")
    published = services.version_approve_and_publish(
        version=in_review, content_hash=factories.shown_hash(in_review), attested=True, user=approver
    )
    with pytest.raises(services.NotPermitted):
        services.leaflet_withdraw(leaflet=published.leaflet, user=other_editor, reason="no")


def test_inactive_users_can_do_nothing(draft, editor):
    editor.is_active = False
    with pytest.raises(services.NotPermitted):
        services.version_submit(version=draft, user=editor)


def test_users_without_a_role_cannot_write(leaflet):
    nobody = factories.make_user()
    with pytest.raises(services.NotPermitted):
        services.version_create_draft(leaflet=leaflet, user=nobody)


def test_available_actions_match_role_and_state(in_review, editor, approver):
    assert services.available_actions(version=in_review, user=editor) == ["discard"]
    assert services.available_actions(version=in_review, user=approver) == ["approve", "send_back", "discard"]
    published = services.version_approve_and_publish(
        version=in_review, content_hash=factories.shown_hash(in_review), attested=True, user=approver
    )
    assert services.available_actions(version=published, user=approver) == ["withdraw", "new_draft"]
    assert services.available_actions(version=published, user=editor) == ["new_draft"]
    services.version_withdraw(version=published, user=approver, reason="Wrong advice")
    published.refresh_from_db()
    assert services.available_actions(version=published, user=approver) == ["new_draft"]
