"""The sign-off workflow of a version: submit, send back, approve and publish, retire, discard.

Each function is keyword-only, runs in one transaction with the leaflet row locked, records the acting user
in an audit event and raises a `WorkflowError` (a message fit for the user) for anything the rules forbid.
The database holds the same rules again (see `education.models` and the migrations' triggers).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from education import signals
from education.content import content_data
from education.models import AuditEvent, Leaflet, LeafletVersion
from education.services.common import add_months, fingerprint, lock_version, record_event
from education.services.drafts import CHANGE_NOTE_PROMPT
from education.services.errors import NotPermitted, WorkflowError
from education.services.permissions import can_approve, can_retire, can_submit, is_contributor, may_discard, require

Status = LeafletVersion.Status


@transaction.atomic
def version_submit(*, version: LeafletVersion, user: AbstractBaseUser, comment: str = "") -> LeafletVersion:
    """Hand a draft to a clinical approver."""
    require(can_submit(user), _("You may not submit drafts for review."))
    version = lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(_("Only a draft can be submitted for review."))
    problems = []
    if not version.summary.strip():
        problems.append(_("a summary"))
    if not version.body.strip():
        problems.append(_("a body"))
    if not version.help_signs.exists():
        problems.append(_("at least one sign in 'When to get help'"))
    if CHANGE_NOTE_PROMPT in version.change_note:
        problems.append(_("a change note saying what changed and why"))
    if problems:
        raise WorkflowError(_("Before review the draft needs %(list)s.") % {"list": ", ".join(problems)})
    version.status = Status.IN_REVIEW
    version.content_hash = fingerprint(version)
    version.save(update_fields=["status", "content_hash", "updated_at"])
    record_event(
        version=version, user=user, action=AuditEvent.Action.SUBMITTED, from_status=Status.DRAFT, comment=comment
    )
    return version


@transaction.atomic
def version_send_back(*, version: LeafletVersion, user: AbstractBaseUser, comment: str) -> LeafletVersion:
    """Return a version in review to its authors as a draft, saying what needs to change."""
    require(can_approve(user), _("Only clinical approvers can send a version back."))
    if not (comment or "").strip():
        raise WorkflowError(_("Say what needs to change when you send a version back."))
    version = lock_version(version)
    if version.status != Status.IN_REVIEW:
        raise WorkflowError(_("Only a version in review can be sent back."))
    version.status = Status.DRAFT
    version.save(update_fields=["status", "updated_at"])
    record_event(
        version=version,
        user=user,
        action=AuditEvent.Action.SENT_BACK,
        from_status=Status.IN_REVIEW,
        comment=comment,
        content=content_data(version),  # so the resubmission can be compared with what was sent back
    )
    return version


@transaction.atomic
def version_approve_and_publish(
    *, version: LeafletVersion, user: AbstractBaseUser, comment: str = ""
) -> LeafletVersion:
    """Sign off a version in review and publish it, retiring the version it replaces in the same transaction."""
    require(can_approve(user), _("Only clinical approvers can approve a version."))
    version = lock_version(version)
    if version.status != Status.IN_REVIEW:
        raise WorkflowError(_("Only a version in review can be approved."))
    if is_contributor(version=version, user=user):
        raise NotPermitted(
            _("You wrote or edited this version, so another clinician must approve it (four-eyes rule).")
        )
    now = timezone.now()
    previous = LeafletVersion.objects.filter(
        leaflet_id=version.leaflet_id, language=version.language, status=Status.PUBLISHED
    ).first()
    if previous is not None:
        previous.status = Status.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at", "updated_at"])
        record_event(
            version=previous,
            user=user,
            action=AuditEvent.Action.RETIRED,
            from_status=Status.PUBLISHED,
            comment=_("Replaced by version %(number)d.") % {"number": version.number},
        )
    version.status = Status.PUBLISHED
    version.approved_by = user
    version.approved_at = now
    version.published_at = now
    version.review_due = add_months(timezone.localdate(now), version.leaflet.review_interval_months)
    version.content_hash = fingerprint(version)
    version.save()
    record_event(
        version=version, user=user, action=AuditEvent.Action.PUBLISHED, from_status=Status.IN_REVIEW, comment=comment
    )
    # The published handout never changes: render it once the publication is committed, not on first request.
    transaction.on_commit(lambda: signals.version_published.send(sender=LeafletVersion, version_id=version.pk))
    return version


@transaction.atomic
def leaflet_retire(
    *, leaflet: Leaflet, user: AbstractBaseUser, comment: str, language: str | None = None
) -> list[LeafletVersion]:
    """Withdraw a leaflet from patients: retire its published version (in one language, or all)."""
    require(can_retire(user), _("Only clinical approvers can retire a leaflet."))
    if not (comment or "").strip():
        raise WorkflowError(_("Say why the leaflet is retired."))
    Leaflet.objects.select_for_update().get(pk=leaflet.pk)
    published = leaflet.versions.filter(status=Status.PUBLISHED)
    if language:
        published = published.filter(language=language)
    retired = []
    now = timezone.now()
    for version in published:
        version.status = Status.RETIRED
        version.retired_at = now
        version.save(update_fields=["status", "retired_at", "updated_at"])
        record_event(
            version=version, user=user, action=AuditEvent.Action.RETIRED, from_status=Status.PUBLISHED, comment=comment
        )
        retired.append(version)
    if not retired:
        raise WorkflowError(_("This leaflet has no published version to retire."))
    return retired


@transaction.atomic
def version_discard(*, version: LeafletVersion, user: AbstractBaseUser, comment: str = "") -> LeafletVersion:
    """Abandon a draft or a version in review. The row and its history stay."""
    version = lock_version(version)
    if version.status not in LeafletVersion.OPEN_STATUSES:
        raise WorkflowError(_("Only a draft or a version in review can be discarded."))
    require(
        may_discard(version=version, user=user),
        _("Only the draft's authors or a clinical approver can discard it."),
    )
    from_status = version.status
    version.status = Status.DISCARDED
    version.save(update_fields=["status", "updated_at"])
    record_event(
        version=version, user=user, action=AuditEvent.Action.DISCARDED, from_status=from_status, comment=comment
    )
    return version
