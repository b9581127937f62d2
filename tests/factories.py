"""Small object builders for tests. They go through the services, as real code does."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from education import services
from education.models import AuditEvent, Leaflet, LeafletVersion

_counter = itertools.count(1)

BODY = (
    "<h2>What is this?</h2><p>This is a short test leaflet. You can read it in a minute.</p>"
    "<ul><li>Wash your hands.</li><li>Keep the area clean.</li><li>Do not pick the spot.</li></ul>"
)


def make_user(username=None, *, group=None, superuser=False, **extra):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username, password="test-pass-123", is_staff=True, is_superuser=superuser, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return get_user_model().objects.get(pk=user.pk)


def make_editor(username=None):
    return make_user(username, group="Leaflet editors")


def make_approver(username=None):
    return make_user(username, group="Clinical approvers")


def make_leaflet(*, user, slug=None, name="Test leaflet", review_interval_months=24) -> Leaflet:
    slug = slug or f"test-leaflet-{next(_counter)}"
    return services.leaflet_create(
        user=user, slug=slug, name=name, topic="Dermatology", review_interval_months=review_interval_months
    )


def edit(version, *, user, **changes) -> LeafletVersion:
    version.refresh_from_db()
    fields = {
        "title": version.title,
        "summary": version.summary or "A short summary for the patient.",
        "body": version.body or BODY,
        "references": version.references or "Berk DR, Bayliss SJ. Milia: a review and classification. 2008.",
        "change_note": "Test edit.",
        "help_signs": [services.HelpSignData(s.urgency, s.text) for s in version.help_signs.all()]
        or [services.HelpSignData("urgent", "The spot becomes red and sore.")],
    }
    fields.update(changes)
    return services.version_edit_draft(version=version, user=user, expected_revision=version.revision, **fields)


def make_draft(*, leaflet=None, author, language="en", **changes) -> LeafletVersion:
    leaflet = leaflet or make_leaflet(user=author)
    draft = services.version_create_draft(leaflet=leaflet, user=author, language=language)
    return edit(draft, user=author, **changes)


def make_in_review(*, author, **kwargs) -> LeafletVersion:
    return services.version_submit(version=make_draft(author=author, **kwargs), user=author)


def make_published(*, author, approver, **kwargs) -> LeafletVersion:
    version = make_in_review(author=author, **kwargs)
    return services.version_approve_and_publish(
        version=version, user=approver, content_hash=shown_hash(version), attested=True
    )


def audit_actions(version):
    """The actions recorded in a version's history, oldest first."""
    return list(AuditEvent.objects.filter(version=version).order_by("id").values_list("action", flat=True))


def shown_hash(version):
    """The fingerprint a review page shows for this version now (what an approver approves)."""
    return LeafletVersion.objects.values_list("content_hash", flat=True).get(pk=version.pk)


def supersede(version, *, editor, approver=None, **changes) -> LeafletVersion:
    """Publish a new version copied from `version` (which becomes superseded), signed off by another approver."""
    draft = services.version_create_draft(leaflet=version.leaflet, user=editor, based_on=version)
    draft = edit(draft, user=editor, **{"summary": "A newer version.", "change_note": "Newer.", **changes})
    services.version_submit(version=draft, user=editor)
    return services.version_approve_and_publish(
        version=draft, user=approver or make_approver(), content_hash=shown_hash(draft), attested=True
    )
