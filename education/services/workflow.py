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

from education import search, signals
from education.content import content_data
from education.models import AuditEvent, LeafletVersion, ReviewRequest
from education.services import notifications
from education.services.common import add_months, fingerprint, lock_version, record_event, require_revision
from education.services.drafts import CHANGE_NOTE_PROMPT
from education.services.errors import NotPermitted, StaleApproval, WorkflowError
from education.services.figures import figures_missing_alt
from education.services.permissions import can_approve, can_submit, is_contributor, may_discard, require

Status = LeafletVersion.Status


@transaction.atomic
def version_submit(
    *,
    version: LeafletVersion,
    user: AbstractBaseUser,
    comment: str = "",
    reviewer: AbstractBaseUser | None = None,
    expected_revision: int | None = None,
) -> LeafletVersion:
    """Hand a draft to the clinical approvers, or to one named `reviewer` (it comes first in their queue and
    only they are told); each is notified once the submission commits. With `expected_revision` (the draft's
    revision on the user's page), refused if anyone saved the draft since: nobody submits text they have not seen."""
    require(can_submit(user), _("You may not submit drafts for review."))
    if reviewer is not None:
        if not can_approve(reviewer):
            raise WorkflowError(_("The reviewer you named is not a clinical approver."))
        if reviewer.pk == user.pk or is_contributor(version=version, user=reviewer):
            raise WorkflowError(_("The reviewer you named wrote or edited this version, so cannot approve it."))
    version = lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(_("Only a draft can be submitted for review."))
    require_revision(version, expected_revision)
    problems = []
    if not version.summary.strip():
        problems.append(_("a summary"))
    if not version.body.strip():
        problems.append(_("a body"))
    if not version.help_signs.exists():
        problems.append(_("at least one sign in 'When to get help'"))
    if CHANGE_NOTE_PROMPT in version.change_note:
        problems.append(_("a change note saying what changed and why"))
    if figures_missing_alt(version):
        problems.append(_("alt text for every figure (what the picture shows, for someone who cannot see it)"))
    if problems:
        raise WorkflowError(_("Before review the draft needs %(list)s.") % {"list": ", ".join(problems)})
    version.status = Status.IN_REVIEW
    version.content_hash = fingerprint(version)
    version.save(update_fields=["status", "content_hash", "updated_at"])
    event = record_event(
        version=version, user=user, action=AuditEvent.Action.SUBMITTED, from_status=Status.DRAFT, comment=comment
    )
    if reviewer is not None:
        ReviewRequest.objects.create(version=version, reviewer=reviewer, requested_by=user)
    notifications.notify_submitted(version=version, actor=user, event_id=event.pk, reviewer=reviewer)
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
    event = record_event(
        version=version,
        user=user,
        action=AuditEvent.Action.SENT_BACK,
        from_status=Status.IN_REVIEW,
        comment=comment,
        content=content_data(version),  # so the resubmission can be compared with what was sent back
    )
    notifications.notify_sent_back(version=version, actor=user, comment=comment, event_id=event.pk)
    return version


def approval_statement() -> str:
    """The statement an approver signs, in the language of the screen they sign it on."""
    return _("I have reviewed this text for clinical accuracy and it is suitable for patients.")


@transaction.atomic
def version_approve_and_publish(
    *, version: LeafletVersion, user: AbstractBaseUser, content_hash: str, attested: bool, comment: str = ""
) -> LeafletVersion:
    """Sign off a version in review and publish it, retiring the version it replaces in the same transaction.

    `content_hash` is the fingerprint of the text the approver read (the review page carries it): if the
    version changed since, even if it was sent back and resubmitted, nothing is published and StaleApproval
    says to read it again. `attested` is the approver's tick on the approval statement, which is kept in
    the history with their name."""
    require(can_approve(user), _("Only clinical approvers can approve a version."))
    version = lock_version(version)
    if version.status != Status.IN_REVIEW:
        raise WorkflowError(_("Only a version in review can be approved."))
    if is_contributor(version=version, user=user):
        raise NotPermitted(
            _("You wrote or edited this version, so another clinician must approve it (four-eyes rule).")
        )
    current = fingerprint(version)
    if not content_hash or content_hash != current or content_hash != version.content_hash:
        raise StaleApproval(
            _(
                "The text of this version changed after you opened it, so it was not approved. "
                "Read it again, then approve the text you have read."
            )
        )
    if not attested:
        raise WorkflowError(_("Tick the statement to confirm you have reviewed this text before approving it."))
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
    search.index([version.pk, *([previous.pk] if previous is not None else [])])  # the new in, the old out
    event = record_event(
        version=version,
        user=user,
        action=AuditEvent.Action.PUBLISHED,
        from_status=Status.IN_REVIEW,
        comment=comment,
        attestation=approval_statement(),
    )
    notifications.notify_published(version=version, actor=user, event_id=event.pk)
    # The published handout never changes: render it once the publication is committed, not on first request.
    transaction.on_commit(lambda: signals.version_published.send(sender=LeafletVersion, version_id=version.pk))
    return version


@transaction.atomic
def version_discard(
    *, version: LeafletVersion, user: AbstractBaseUser, comment: str = "", expected_revision: int | None = None
) -> LeafletVersion:
    """Abandon a draft or a version in review. The row and its history stay. With `expected_revision`, a draft
    saved again since the user's page was drawn is refused (they would discard work they have not seen)."""
    version = lock_version(version)
    if version.status not in LeafletVersion.OPEN_STATUSES:
        raise WorkflowError(_("Only a draft or a version in review can be discarded."))
    if version.status == Status.DRAFT:
        require_revision(version, expected_revision)
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
