"""Emailing a notification (`education.services.notifications` makes them): the job that
`education.jobs.after_commit("education.notifications.deliver", notification_id=...)` runs after the commit.

Idempotent: the row is claimed by a conditional UPDATE (`emailed_at` from NULL to now) before the email is
sent, so a retried or doubled job never sends it twice. A failed send gives the claim back and says why, so a
later retry can send it. The email is written in the recipient's language, links to the exact page to act
on, and names no patient (the app stores none)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from education import jobs
from education.models import Notification, StaffProfile
from education.services.errors import EmailNotSent

logger = logging.getLogger(__name__)
Kind = Notification.Kind


def staff_language(user) -> str:
    """The language a member of staff reads email in: their profile's, else the site's default."""
    language = StaffProfile.objects.filter(user=user).values_list("language", flat=True).first()
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def action_url(notification: Notification) -> str:
    """The page to act on: the review page, the draft to rework, the version, or the review-renewal page."""
    pk = notification.version_id
    if notification.kind == Kind.SUBMITTED:
        return reverse("admin:education_leafletversion_review", args=[pk])
    if notification.kind in (Kind.REVIEW_SOON, Kind.REVIEW_OVERDUE):
        return reverse("admin:education_leafletversion_renew", args=[pk])
    return reverse("admin:education_leafletversion_change", args=[pk])


def subject(notification: Notification) -> str:
    version = notification.version
    names = {"title": version.title, "number": version.number}
    return {
        Kind.SUBMITTED: _("Please review: %(title)s (version %(number)d)"),
        Kind.SENT_BACK: _("Sent back to you: %(title)s (version %(number)d)"),
        Kind.PUBLISHED: _("Published: %(title)s (version %(number)d)"),
        Kind.WITHDRAWN: _("Withdrawn from patients: %(title)s (version %(number)d)"),
        Kind.REVIEW_SOON: _("Review due soon: %(title)s (version %(number)d)"),
        Kind.REVIEW_OVERDUE: _("Review overdue: %(title)s (version %(number)d)"),
    }[notification.kind] % names


def render_email(notification: Notification) -> tuple[str, str, str]:
    """(language, subject, body) of the notification's email, in the recipient's language."""
    language = staff_language(notification.recipient)
    with translation.override(language):
        body = render_to_string(
            "education/email/notification.txt",
            {
                "notification": notification,
                "version": notification.version,
                "actor": notification.actor,
                "url": settings.SITE_URL.rstrip("/") + action_url(notification),
                "home_url": settings.SITE_URL.rstrip("/") + reverse("education:staff_home"),
            },
        )
        return language, subject(notification), body


def deliver(*, notification_id: int) -> bool:
    """Email one notification unless it has been emailed already; True if this call sent it."""
    notification = (
        Notification.objects.select_related("recipient", "actor", "version__leaflet").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            email_failed="no email address" if recipient.is_active else "inactive"
        )
        return False
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now(), email_failed=""
    )
    if not claimed:  # another run claimed it a moment ago
        return False
    _language, title, body = render_email(notification)
    try:
        EmailMessage(title, body, to=[recipient.email]).send()
    except (smtplib.SMTPException, OSError) as error:
        Notification.objects.filter(pk=notification_id).update(
            emailed_at=None, email_failed=(str(error) or error.__class__.__name__)[:200]
        )
        logger.warning("Notification %s not emailed: %s", notification_id, error.__class__.__name__)
        if jobs.can_retry():  # the job fails, so the queue tries it again later (education.jobs.RETRY_DELAYS)
            raise EmailNotSent(
                _("The notification email could not be sent just now; it will be tried again.")
            ) from error
        return False
    return True
