"""Leaflets, their versions, and the append-only record of what happened to them.

The rules a patient's safety depends on are held by the database (constraints here, triggers in the
migrations `0002`, `0005`, `0011` and `0012`), so neither a bug in Python nor a `queryset.update()` can break them.
The service functions in `education.services` are the only code that changes these rows.
"""

from education.models.handouts import Handout, HandoutItem, ShareLink, share_token_hash
from education.models.history import AuditEvent
from education.models.leaflets import Leaflet, LeafletChange
from education.models.outbox import ShareEmail
from education.models.reminders import ReviewReminder
from education.models.versions import (
    BODY_EDITOR_EXTENSIONS,
    HelpSign,
    LeafletVersion,
    LeafletVersionQuerySet,
    VersionContributor,
)

__all__ = [
    "BODY_EDITOR_EXTENSIONS",
    "AuditEvent",
    "Handout",
    "HandoutItem",
    "HelpSign",
    "Leaflet",
    "LeafletChange",
    "LeafletVersion",
    "LeafletVersionQuerySet",
    "ReviewReminder",
    "ShareEmail",
    "ShareLink",
    "VersionContributor",
    "share_token_hash",
]
