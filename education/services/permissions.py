"""Who may do what. Reads only: the services enforce these rules, the admin uses them to offer buttons."""

from __future__ import annotations

from django.utils.translation import gettext as _

from education.models import LeafletVersion
from education.services.errors import NotPermitted

Status = LeafletVersion.Status


def can_edit(user) -> bool:
    return user.is_active and user.has_perm("education.change_leafletversion")


def can_submit(user) -> bool:
    return user.is_active and user.has_perm("education.submit_leafletversion")


def can_approve(user) -> bool:
    return user.is_active and user.has_perm("education.approve_leafletversion")


def can_retire(user) -> bool:
    return user.is_active and user.has_perm("education.retire_leaflet")


def can_share(user) -> bool:
    return user.is_active and user.has_perm("education.add_sharelink")


def can_print(user) -> bool:
    return user.is_active and user.has_perm("education.add_handout")


def is_contributor(*, version: LeafletVersion, user) -> bool:
    """The user wrote or edited this version (so may not approve it)."""
    return version.created_by_id == user.pk or version.contributors.filter(user=user).exists()


def require(allowed: bool, message: str) -> None:
    """Raise NotPermitted with this message unless the action is allowed."""
    if not allowed:
        raise NotPermitted(message)


def may_discard(*, version: LeafletVersion, user) -> bool:
    return can_approve(user) or (can_edit(user) and is_contributor(version=version, user=user))


def available_actions(*, version: LeafletVersion, user) -> list[str]:
    """The workflow actions this user may take on this version now (for the admin's buttons)."""
    actions = []
    if version.status == Status.DRAFT:
        if can_edit(user) and version.newer_source() is not None:
            actions.append("catch_up")
        if can_submit(user):
            actions.append("submit")
    if version.status == Status.IN_REVIEW and can_approve(user):
        if not is_contributor(version=version, user=user):
            actions.append("approve")
        actions.append("send_back")
    if version.status in LeafletVersion.OPEN_STATUSES and may_discard(version=version, user=user):
        actions.append("discard")
    if version.status in LeafletVersion.PUBLIC_STATUSES and version.withdrawn_at is None and can_retire(user):
        actions.append("withdraw")
    if version.status != Status.DISCARDED and can_edit(user):
        open_exists = LeafletVersion.objects.filter(
            leaflet_id=version.leaflet_id, language=version.language, status__in=LeafletVersion.OPEN_STATUSES
        ).exists()
        if not open_exists:
            actions.append("new_draft")
    return actions


def unavailable_actions(*, version: LeafletVersion, user) -> list[tuple[str, str]]:
    """The sign-off steps this version is at but this user may not take, each with the reason in words, so
    the page can show them disabled instead of leaving the user to wonder where they are."""
    offered = set(available_actions(version=version, user=user))
    missing = []
    if version.status == Status.DRAFT and "submit" not in offered:
        missing.append(("submit", _("Only editors can submit a draft for clinical review.")))
    if version.status == Status.IN_REVIEW and "approve" not in offered:
        if can_approve(user):
            reason = _("You wrote or edited this version, so another clinician must approve it.")
        else:
            reason = _("Only clinical approvers can approve and publish a version.")
        missing.append(("approve", reason))
    if version.status == Status.IN_REVIEW and "send_back" not in offered:
        missing.append(("send_back", _("Only clinical approvers can send a version back.")))
    if version.status in LeafletVersion.OPEN_STATUSES and "discard" not in offered:
        missing.append(("discard", _("Only its authors or a clinical approver can discard this version.")))
    if version.status in LeafletVersion.PUBLIC_STATUSES and version.withdrawn_at is None and "withdraw" not in offered:
        missing.append(("withdraw", _("Only clinical approvers can withdraw a version from patients.")))
    return missing
