"""Withdrawal: an approver takes a version, or a whole leaflet, away from patients (a safety problem, say).

Unlike a superseded version, which stays readable with a "newer version" notice, a withdrawn version's text
is shown by no path any more: its page, its share links and QR codes, and its handouts answer 410 Gone with
a notice, and its stored handout files are deleted once the withdrawal has committed. A withdrawal is
recorded in the history and held by the database: a withdrawn row never changes again.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from education import search, signals
from education.models import AuditEvent, Leaflet, LeafletVersion
from education.services import notifications
from education.services.common import record_event
from education.services.errors import WorkflowError
from education.services.permissions import can_retire, require

Status = LeafletVersion.Status
MAX_REASON_CHARS = 2000


def _check(user, reason: str) -> str:
    require(can_retire(user), _("Only clinical approvers can withdraw a leaflet."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why it is withdrawn (for example the safety problem found)."))
    if len(reason) > MAX_REASON_CHARS:
        raise WorkflowError(_("The reason is too long (2000 characters at most)."))
    return reason


def _withdraw(version: LeafletVersion, *, user, reason: str, now) -> None:
    from_status = version.status
    version.status = Status.RETIRED
    version.retired_at = version.retired_at or now
    version.withdrawn_at = now
    version.withdrawn_by = user
    version.withdrawal_reason = reason
    version.save(
        update_fields=["status", "retired_at", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"]
    )
    search.remove([version.pk])
    event = record_event(
        version=version, user=user, action=AuditEvent.Action.WITHDRAWN, from_status=from_status, comment=reason
    )
    notifications.notify_withdrawn(version=version, actor=user, comment=reason, event_id=event.pk)
    transaction.on_commit(lambda: signals.version_withdrawn.send(sender=LeafletVersion, version_id=version.pk))


@transaction.atomic
def version_withdraw(*, version: LeafletVersion, user: AbstractBaseUser, reason: str) -> LeafletVersion:
    """Withdraw one published or superseded version from patients, saying why."""
    reason = _check(user, reason)
    Leaflet.objects.select_for_update().get(pk=version.leaflet_id)
    version = LeafletVersion.objects.select_related("leaflet").get(pk=version.pk)
    if version.withdrawn_at is not None:
        raise WorkflowError(_("This version was already withdrawn."))
    if version.status not in LeafletVersion.PUBLIC_STATUSES:
        raise WorkflowError(
            _("Only a published or superseded version can be withdrawn; a draft or a version in review is discarded.")
        )
    _withdraw(version, user=user, reason=reason, now=timezone.now())
    return version


@transaction.atomic
def leaflet_withdraw(
    *, leaflet: Leaflet, user: AbstractBaseUser, reason: str, language: str | None = None
) -> list[LeafletVersion]:
    """Withdraw a whole leaflet (in one language, or all): its published version and every superseded version
    patients could still reach through an old link. Returns the versions withdrawn."""
    reason = _check(user, reason)
    Leaflet.objects.select_for_update().get(pk=leaflet.pk)
    reachable = leaflet.versions.filter(status__in=LeafletVersion.PUBLIC_STATUSES, withdrawn_at__isnull=True)
    if language:
        reachable = reachable.filter(language=language)
    now = timezone.now()
    withdrawn = []
    for version in reachable.order_by("language", "number"):
        _withdraw(version, user=user, reason=reason, now=now)
        withdrawn.append(version)
    if not withdrawn:
        raise WorkflowError(_("Patients cannot reach any version of this leaflet, so there is nothing to withdraw."))
    return withdrawn
