"""'Reviewed, no change': an approver records that a published version was reviewed and still needs no
change, which renews its review date without a new version (as the NHS Standard for Creating Health
Content expects of a review cycle). Published rows are frozen by triggers, so the renewal is a row of its
own (`ReviewRenewal`, append-only) and the review date in force is computed from it everywhere."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from education.models import AuditEvent, LeafletVersion, ReviewRenewal
from education.services.common import add_months, lock_version, record_event
from education.services.errors import NotPermitted, WorkflowError
from education.services.permissions import can_approve, is_contributor, require

Status = LeafletVersion.Status


def review_statement() -> str:
    """The statement an approver signs for a review without change, in the language of their screen."""
    return _(
        "I have reviewed this published text against current practice and its references; "
        "it is still accurate and needs no change."
    )


@transaction.atomic
def version_review_renew(
    *, version: LeafletVersion, user: AbstractBaseUser, attested: bool, comment: str
) -> ReviewRenewal:
    """Record a review without change of a published version and move its review date to one review
    interval from today. Refused for anything but a published, not withdrawn version, without the signed
    statement or a comment, and for the version's own authors (four-eyes, as for approval)."""
    require(can_approve(user), _("Only clinical approvers can record a review."))
    comment = (comment or "").strip()
    version = lock_version(version)
    if version.status != Status.PUBLISHED or version.withdrawn_at is not None:
        raise WorkflowError(_("Only the published version of a leaflet can be reviewed without change."))
    if is_contributor(version=version, user=user):
        raise NotPermitted(_("You wrote or edited this version, so another clinician must review it."))
    if not attested:
        raise WorkflowError(_("Tick the statement to confirm you have reviewed this text."))
    if not comment:
        raise WorkflowError(_("Say what you checked (for example the references and current guidance)."))
    if len(comment) > 2000:
        raise WorkflowError(_("The comment is too long (2000 characters at most)."))
    previous = version.next_review_due
    new_due = add_months(timezone.localdate(), version.leaflet.review_interval_months)
    if previous is not None and new_due <= previous:
        raise WorkflowError(
            _("Its review is not due before %(date)s, so there is nothing to renew yet.")
            % {"date": previous.isoformat()}
        )
    statement = review_statement()
    renewal = ReviewRenewal.objects.create(
        version=version,
        reviewed_by=user,
        previous_review_due=previous or timezone.localdate(),
        review_due=new_due,
        content_hash=version.content_hash,
        attestation=statement,
        comment=comment,
    )
    record_event(
        version=version,
        user=user,
        action=AuditEvent.Action.REVIEWED,
        from_status=Status.PUBLISHED,
        comment=_("Next review due %(date)s. %(comment)s") % {"date": new_due.isoformat(), "comment": comment},
        attestation=statement,
    )
    return renewal
