"""The staff side: leaflets, versions and their sign-off, and the records the services keep. Every change calls
a service in `education.services`; the model admins hold no domain rules.

Django's autodiscovery imports `education.admin`; importing the modules here registers the model admins."""

from education.admin import feedback, jobs, leaflets, records, versions
from education.admin.feedback import PatientFeedbackAdmin
from education.admin.leaflets import LeafletAdmin
from education.admin.records import (
    AuditEventAdmin,
    HandoutAdmin,
    NotificationAdmin,
    ReviewReminderAdmin,
    ReviewRenewalAdmin,
    ShareLinkAdmin,
    StaffProfileAdmin,
)
from education.admin.versions import LeafletVersionAdmin

__all__ = [
    "AuditEventAdmin",
    "HandoutAdmin",
    "jobs",
    "LeafletAdmin",
    "LeafletVersionAdmin",
    "NotificationAdmin",
    "PatientFeedbackAdmin",
    "ReviewReminderAdmin",
    "ReviewRenewalAdmin",
    "ShareLinkAdmin",
    "StaffProfileAdmin",
    "feedback",
    "leaflets",
    "records",
    "versions",
]
