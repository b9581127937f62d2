"""Leaflets, their versions, and the append-only record of what happened to them.

The rules a patient's safety depends on are held by the database (constraints here, triggers in the
migrations `0002`, `0005`, `0011`, `0012` and `0014`), so neither a bug in Python nor a `queryset.update()` can break them.
The service functions in `education.services` are the only code that changes these rows.
"""

from education.models.codes import LeafletCode
from education.models.feedback import MAX_FEEDBACK_COMMENT_CHARS, PageViewCount, PatientFeedback
from education.models.figures import VersionFigure
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
from education.models.workspace import Notification, ReviewRenewal, ReviewRequest, StaffProfile

__all__ = [
    "BODY_EDITOR_EXTENSIONS",
    "MAX_FEEDBACK_COMMENT_CHARS",
    "AuditEvent",
    "Handout",
    "HandoutItem",
    "HelpSign",
    "Notification",
    "Leaflet",
    "LeafletChange",
    "LeafletCode",
    "LeafletVersion",
    "LeafletVersionQuerySet",
    "PageViewCount",
    "PatientFeedback",
    "ReviewReminder",
    "ReviewRenewal",
    "ReviewRequest",
    "ShareEmail",
    "ShareLink",
    "StaffProfile",
    "VersionContributor",
    "VersionFigure",
    "share_token_hash",
]
