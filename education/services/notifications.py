"""Notifications to staff: who is told about what, written in the same transaction as the change that causes
them and emailed after it commits (`education.notifications.deliver`, through `education.jobs.after_commit`).

The rules:
- submitted -> the clinical approvers who may approve it (or only the named reviewer, when one was named);
- sent back -> the version's author and contributors, with the reviewer's comment;
- published, withdrawn -> the leaflet's owner and the version's author;
- review due -> the leaflet's owner, 30 days before the review date and again once it is overdue; a deputy
  (the approver who last signed the version off, else every clinical approver) when the owner is inactive
  or there is none.
Nobody is told about their own action. A notification names a leaflet and a version, never a patient: the
app stores no patient data, and the comment is a reviewer's comment on the text."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from education import jobs, selectors
from education.models import LeafletVersion, Notification, ReviewRenewal, StaffProfile
from education.services.errors import WorkflowError

Kind = Notification.Kind
Status = LeafletVersion.Status
REVIEW_SOON_DAYS = 30
DELIVER_JOB = "education.notifications.deliver"


def clinical_approvers():
    """Active users who hold the approval permission (through a group or directly). Superusers only when
    nobody holds it, so that a clinic with one administrator still hears of submissions."""
    users = get_user_model().objects.filter(is_active=True)
    try:
        perm = Permission.objects.get(content_type__app_label="education", codename="approve_leafletversion")
    except Permission.DoesNotExist:
        return users.filter(is_superuser=True)
    holders = users.filter(Q(user_permissions=perm) | Q(groups__permissions=perm)).distinct()
    return holders if holders.exists() else users.filter(is_superuser=True)


def _authors(version: LeafletVersion) -> list:
    people = [version.created_by]
    people += [contributor.user for contributor in version.contributors.select_related("user")]
    return people


def notify(*, kind: str, version: LeafletVersion, recipients, actor=None, comment: str = "", key: str) -> list:
    """Record one notification per recipient (active, not the actor, each once) and email each after the
    commit. `key` names the occasion; a notification already made for it is not made again."""
    made = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        notification, created = Notification.objects.get_or_create(
            key=f"{key}:{user.pk}"[:120],
            defaults={
                "recipient": user,
                "kind": kind,
                "leaflet_id": version.leaflet_id,
                "version": version,
                "actor": actor,
                "comment": (comment or "")[:2000],
            },
        )
        if created:
            made.append(notification)
            jobs.after_commit(DELIVER_JOB, notification_id=notification.pk)
    return made


def notify_submitted(*, version: LeafletVersion, actor, event_id: int, reviewer=None) -> list:
    if reviewer is not None:
        recipients = [reviewer]
    else:
        authors = {user.pk for user in _authors(version)}
        recipients = [user for user in clinical_approvers() if user.pk not in authors]
    return notify(kind=Kind.SUBMITTED, version=version, recipients=recipients, actor=actor, key=f"event:{event_id}")


def notify_sent_back(*, version: LeafletVersion, actor, comment: str, event_id: int) -> list:
    return notify(
        kind=Kind.SENT_BACK,
        version=version,
        recipients=_authors(version),
        actor=actor,
        comment=comment,
        key=f"event:{event_id}",
    )


def notify_published(*, version: LeafletVersion, actor, event_id: int) -> list:
    recipients = [version.leaflet.owner, version.created_by]
    return notify(kind=Kind.PUBLISHED, version=version, recipients=recipients, actor=actor, key=f"event:{event_id}")


def notify_withdrawn(*, version: LeafletVersion, actor, comment: str, event_id: int) -> list:
    recipients = [version.leaflet.owner, version.created_by]
    return notify(
        kind=Kind.WITHDRAWN,
        version=version,
        recipients=recipients,
        actor=actor,
        comment=comment,
        key=f"event:{event_id}",
    )


def review_deputies(version: LeafletVersion) -> list:
    """Who hears of a review when the owner cannot: the approver who last signed the version off (approved or
    renewed it) if still active, else every clinical approver."""
    renewal = ReviewRenewal.objects.filter(version=version).select_related("reviewed_by").first()
    last = renewal.reviewed_by if renewal is not None else version.approved_by
    if last is not None and last.is_active:
        return [last]
    return list(clinical_approvers())


@transaction.atomic
def review_due_notify(*, today: datetime.date | None = None) -> list:
    """Tell owners (or deputies) of published versions whose review is due within 30 days or overdue: once
    for "due soon" and once for "overdue" per review date, however often this runs (daily, from cron or the
    job worker). A renewal moves the review date, so the next cycle is told again. Returns what was made."""
    today = today or timezone.localdate()
    made = []
    for version in selectors.published_with_review_due(due_by=today + datetime.timedelta(days=REVIEW_SOON_DAYS)):
        due = version.next_review_due
        kind = Kind.REVIEW_OVERDUE if due < today else Kind.REVIEW_SOON
        owner = version.leaflet.owner
        recipients = [owner] if owner is not None and owner.is_active else review_deputies(version)
        made += notify(kind=kind, version=version, recipients=recipients, key=f"{kind}:{version.pk}:{due.isoformat()}")
    return made


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark this user's notifications (all, or those with these ids) as read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def staff_language_set(*, user, language: str) -> StaffProfile:
    """The language this member of staff's notification emails are written in (one of the site's)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise WorkflowError(_("Choose one of the languages offered."))
    profile, _created = StaffProfile.objects.update_or_create(user=user, defaults={"language": language})
    return profile
