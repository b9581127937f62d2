"""Pieces every write shares: locking a leaflet's row, fingerprinting a version, recording an audit event."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from education.content import content_fingerprint
from education.models import AuditEvent, Leaflet, LeafletVersion, VersionContributor
from education.services.errors import StaleEdit


def lock_version(version: LeafletVersion) -> LeafletVersion:
    """Lock the leaflet row (serialises every workflow change of one leaflet), then re-read the version."""
    Leaflet.objects.select_for_update().get(pk=version.leaflet_id)
    return LeafletVersion.objects.select_related("leaflet").get(pk=version.pk)


def require_revision(version: LeafletVersion, expected_revision: int | None) -> None:
    """StaleEdit unless the draft (read under lock_version) is still at the revision the user's page showed;
    None means the caller has no page to compare (a command, the starter loader)."""
    if expected_revision is not None and version.revision != expected_revision:
        raise StaleEdit(
            _("Someone saved this draft after you opened it. Reload the page to see their changes, then edit again.")
        )


def record_event(
    *,
    version: LeafletVersion,
    user,
    action: str,
    from_status: str,
    comment: str = "",
    content: dict | None = None,
    attestation: str | None = None,
) -> AuditEvent:
    """Append one event to the version's history, with its status change and fingerprint as they are now."""
    return AuditEvent.objects.create(
        leaflet_id=version.leaflet_id,
        version=version,
        action=action,
        actor=user,
        from_status=from_status,
        to_status=version.status,
        content_hash=version.content_hash,
        comment=comment,
        content=content,
        attestation=attestation,
    )


def fingerprint(version: LeafletVersion) -> str:
    """The SHA-256 of what patients see of this version, as saved now."""
    return content_fingerprint(
        language=version.language,
        title=version.title,
        summary=version.summary,
        body=version.body,
        help_signs=[(sign.urgency, sign.text) for sign in version.help_signs.order_by("position", "id")],
        references=version.references,
        figures=[figure.fingerprint_data() for figure in version.figures.order_by("position", "id")],
    )


def note_contributor(version: LeafletVersion, user) -> None:
    VersionContributor.objects.get_or_create(version=version, user=user)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
