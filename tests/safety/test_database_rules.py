"""The database itself refuses the shortcuts that would let clinical review be skipped or a record be undone
(migration 0011), even for raw SQL that bypasses every Python check. Each refusal is paired with the legal
change next to it, which still works."""

import datetime
import importlib
import itertools

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from clinic.models import Clinic
from education import services, transfer
from education.models import AuditEvent, Leaflet, LeafletVersion, ShareLink, VersionContributor
from tests import factories

pytestmark = pytest.mark.django_db
Status = LeafletVersion.Status
rules = importlib.import_module("education.migrations.0012_protect_steps_links_and_slugs")

# Everything a public version must carry (constraint version_public_is_approved), so that a refusal below
# comes from the rule under test and not from a missing approval.
APPROVAL = {
    "approved_at": "CURRENT_TIMESTAMP",
    "published_at": "CURRENT_TIMESTAMP",
    "review_due": "CURRENT_DATE",
    "content_hash": "'" + "a" * 64 + "'",
}


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def raw_update(model, pk: int, assignments: dict, params=()) -> None:
    """UPDATE one row with SQL expressions (`assignments`: column -> SQL), straight to the database."""
    sets = ", ".join(f"{q(column)} = {value}" for column, value in assignments.items())
    raw(f"UPDATE {q(model._meta.db_table)} SET {sets} WHERE id = %s", [*params, pk])  # noqa: S608


def raw_insert(model, values: dict) -> None:
    columns = ", ".join(q(column) for column in values)
    placeholders = ", ".join(["%s"] * len(values))
    raw(f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({placeholders})", list(values.values()))  # noqa: S608


def refused(action, message: str) -> None:
    """The database refuses, with the rule's own message (so it is that rule, not another, that refuses)."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        action()
    assert message in str(error.value)


def set_status(version, status: str, **extra) -> None:
    raw_update(LeafletVersion, version.pk, {"status": "%s", **extra}, [status])


def status_of(version) -> str:
    return LeafletVersion.objects.values_list("status", flat=True).get(pk=version.pk)


# --- a version moves only along the workflow's steps ------------------------------------------------------


def test_a_draft_cannot_be_published_without_going_through_review(draft, approver):
    refused(
        lambda: set_status(draft, Status.PUBLISHED, approved_by_id=str(approver.pk), **APPROVAL),
        rules.STEPS_MESSAGE,
    )
    assert status_of(draft) == Status.DRAFT


@pytest.mark.parametrize(
    ("start", "target"),
    [("draft", "published"), ("draft", "retired"), ("in_review", "retired")],
)
def test_a_version_cannot_skip_a_workflow_step(draft, approver, start, target):
    if start == Status.IN_REVIEW:
        services.version_submit(version=draft, user=draft.created_by)
    fields = {"approved_by_id": str(approver.pk), **APPROVAL, "retired_at": "CURRENT_TIMESTAMP"}
    refused(lambda: set_status(draft, target, **fields), rules.STEPS_MESSAGE)
    assert status_of(draft) == start


def test_a_version_in_review_can_be_published_with_its_approval(in_review, approver):
    set_status(in_review, Status.PUBLISHED, approved_by_id=str(approver.pk), **APPROVAL)
    assert status_of(in_review) == Status.PUBLISHED
    set_status(in_review, Status.RETIRED, retired_at="CURRENT_TIMESTAMP")
    assert status_of(in_review) == Status.RETIRED


@pytest.mark.parametrize(
    "path",
    [
        ["in_review", "draft", "in_review", "discarded"],
        ["discarded"],
        ["draft"],  # the same status: a draft's edits
    ],
)
def test_the_other_workflow_steps_are_allowed(draft, path):
    for status in path:
        set_status(draft, status)
        assert status_of(draft) == status


def test_a_draft_can_be_edited_in_place(draft):
    raw_update(LeafletVersion, draft.pk, {"title": "%s"}, ["Changed while a draft"])
    assert LeafletVersion.objects.get(pk=draft.pk).title == "Changed while a draft"


def test_the_import_takes_only_steps_the_database_allows():
    """The import's way to each status (education.transfer) and the trigger's steps are written apart (a
    migration does not import app code that changes later): keep them in step."""
    assert set(transfer.STEPS_TO_STATUS) == set(Status.values)
    for status, path in transfer.STEPS_TO_STATUS.items():
        statuses = ["draft", *path]
        assert statuses[-1] == status
        assert set(itertools.pairwise(statuses)) <= set(rules.STATUS_STEPS), status


def test_the_database_steps_are_the_steps_the_audit_trail_records():
    """The status changes the import accepts in a file's audit trail are exactly the steps the database allows
    (besides creation, and the events that keep the status: edits, a superseded version's withdrawal, recalls)."""
    audited = {step for steps in transfer.EVENT_STEPS.values() for step in steps}
    changes = {(before, after) for before, after in audited if before != after}
    assert changes - {("", "draft")} == set(rules.STATUS_STEPS)
    assert {before for before, after in audited if before == after} <= set(Status.values)
    assert set(transfer.EVENT_STEPS) == set(AuditEvent.Action.values)


def test_the_audit_trail_withdraws_and_recalls_only_public_versions():
    assert transfer.EVENT_STEPS["withdrawn"] == {("published", "retired"), ("retired", "retired")}
    for action in ("revoked_all", "recall_sent"):
        assert transfer.EVENT_STEPS[action] == {(status, status) for status in LeafletVersion.PUBLIC_STATUSES}


# --- a new version starts as a draft ----------------------------------------------------------------------


def new_version_row(leaflet, author, **values) -> dict:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return {
        "leaflet_id": leaflet.pk,
        "number": 1,
        "language": "fr",
        "title": "Raw row",
        "summary": "Raw row",
        "body": "",
        "references": "",
        "change_note": "Inserted by hand",
        "status": Status.DRAFT,
        "revision": 1,
        "created_by_id": author.pk,
        "created_at": now,
        "updated_at": now,
        "content_hash": "",
        **values,
    }


def approval_values(approver) -> dict:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return {
        "approved_by_id": approver.pk,
        "approved_at": now,
        "published_at": now,
        "review_due": connection.ops.adapt_datefield_value(timezone.localdate()),
        "content_hash": "a" * 64,
    }


@pytest.mark.parametrize("status", ["published", "retired", "in_review", "discarded"])
def test_a_version_cannot_be_inserted_in_any_status_but_draft(leaflet, editor, approver, status):
    values = {**approval_values(approver), "retired_at": approval_values(approver)["approved_at"], "status": status}
    refused(lambda: raw_insert(LeafletVersion, new_version_row(leaflet, editor, **values)), rules.NEW_VERSION_MESSAGE)
    assert not leaflet.versions.exists()


def test_a_new_draft_cannot_arrive_already_approved(leaflet, editor, approver):
    row = new_version_row(leaflet, editor, approved_by_id=approver.pk)
    refused(lambda: raw_insert(LeafletVersion, row), rules.NEW_VERSION_MESSAGE)


def test_a_plain_draft_can_still_be_inserted(leaflet, editor):
    raw_insert(LeafletVersion, new_version_row(leaflet, editor))
    assert leaflet.versions.get().status == Status.DRAFT


# --- the approver never becomes a contributor -------------------------------------------------------------


def test_the_approver_cannot_be_added_as_a_contributor_after_approving(published, approver):
    row = {"version_id": published.pk, "user_id": approver.pk}
    refused(lambda: raw_insert(VersionContributor, row), rules.CONTRIBUTOR_MESSAGE)
    assert not VersionContributor.objects.filter(version=published, user=approver).exists()


def test_someone_who_edited_cannot_then_be_recorded_as_approver(in_review, editor):
    """The other direction, held since migration 0002."""
    refused(
        lambda: set_status(in_review, Status.PUBLISHED, approved_by_id=str(editor.pk), **APPROVAL),
        "approved by someone who wrote or edited it",
    )


def test_another_editor_can_still_be_added_as_a_contributor_of_a_draft(draft, approver):
    colleague = factories.make_editor("erin")
    raw_insert(VersionContributor, {"version_id": draft.pk, "user_id": colleague.pk})
    raw_insert(VersionContributor, {"version_id": draft.pk, "user_id": approver.pk})  # not its approver (yet)
    assert set(draft.contributors.values_list("user__username", flat=True)) == {"eddie", "erin", "claire"}


# --- a revoked share link stays revoked -------------------------------------------------------------------


@pytest.fixture
def link(published, editor):
    clinic = Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)
    expires_at = timezone.now() + datetime.timedelta(days=30)
    link, _token = services.share_link_create(version=published, clinic=clinic, user=editor, expires_at=expires_at)
    return link


@pytest.fixture
def revoked(link, approver):
    return services.share_link_revoke(link=link, user=approver)


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": "NULL", "revoked_by_id": "NULL"},  # un-revoked
        {"revoked_at": "CURRENT_TIMESTAMP"},  # revoked "later"
        {"expires_at": "CURRENT_TIMESTAMP"},
        {"expires_at": "NULL"},  # made to work for ever
    ],
)
def test_a_revoked_share_link_cannot_be_unrevoked_or_given_a_new_expiry(revoked, change):
    refused(lambda: raw_update(ShareLink, revoked.pk, change), rules.REVOKED_MESSAGE)
    after = ShareLink.objects.get(pk=revoked.pk)
    assert (after.revoked_at, after.revoked_by_id, after.expires_at) == (
        revoked.revoked_at,
        revoked.revoked_by_id,
        revoked.expires_at,
    )


def test_a_revoked_share_link_cannot_change_who_revoked_it(revoked, editor):
    refused(lambda: raw_update(ShareLink, revoked.pk, {"revoked_by_id": "%s"}, [editor.pk]), rules.REVOKED_MESSAGE)


def test_a_revoked_link_still_counts_views_and_a_live_link_can_change_its_expiry(link, approver):
    raw_update(ShareLink, link.pk, {"expires_at": "CURRENT_TIMESTAMP"})
    raw_update(ShareLink, link.pk, {"expires_at": "NULL"})
    services.share_link_revoke(link=link, user=approver)
    services.share_link_revoke(link=link, user=approver)  # revoking twice changes nothing, and is allowed
    services.share_link_count_view(link=link)
    link.refresh_from_db()
    assert (link.revoked_by, link.view_count, link.expires_at) == (approver, 1, None)


# --- a leaflet's address never changes --------------------------------------------------------------------


def test_a_leaflet_slug_cannot_change(leaflet):
    refused(lambda: raw_update(Leaflet, leaflet.pk, {"slug": "%s"}, ["renamed"]), rules.SLUG_MESSAGE)
    assert Leaflet.objects.get(pk=leaflet.pk).slug == "milia-test"


def test_the_rest_of_a_leaflet_can_change_and_the_slug_be_written_unchanged(leaflet):
    raw_update(Leaflet, leaflet.pk, {"name": "%s", "slug": "%s"}, ["Renamed", "milia-test"])
    assert Leaflet.objects.values_list("name", "slug").get(pk=leaflet.pk) == ("Renamed", "milia-test")
