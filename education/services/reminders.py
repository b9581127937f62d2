"""Review reminders: telling each leaflet's owner which published versions are due for clinical review."""

from __future__ import annotations

import datetime
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from education import selectors
from education.models import Leaflet, LeafletVersion, ReviewReminder

Status = LeafletVersion.Status


class ReviewReminderReport:
    """What one run of the review reminders did (in a dry run: would do)."""

    def __init__(self, *, today: datetime.date, due_by: datetime.date):
        self.today = today
        self.due_by = due_by
        self.sent: list[tuple] = []  # (owner, [(leaflet, [its due published versions])]), one per email
        self.already_reminded: list[Leaflet] = []
        self.not_sent: list[tuple[Leaflet, str]] = []  # (leaflet, why)
        self.failed: list[tuple] = []  # (owner, error)


def review_reminders_send(
    *, days: int = 90, today: datetime.date | None = None, dry_run: bool = False
) -> ReviewReminderReport:
    """Email each leaflet owner the leaflets whose published version is due for clinical review within `days`
    days, or overdue: one email per owner. A leaflet is reminded to its owner at most once a day (the
    ReviewReminder rows, unique per leaflet, recipient and day), so running it again the same day, or from
    two cron jobs at once, sends nothing twice. A failed email records nothing, so the next run retries it.
    Leaflets without an owner, or whose owner is inactive or has no email address, are reported instead."""
    today = today or timezone.localdate()
    report = ReviewReminderReport(today=today, due_by=today + datetime.timedelta(days=days))
    # The review date in force: a "reviewed, no change" renewal moves it (education.services.renewals).
    due = selectors.published_with_review_due(due_by=report.due_by)
    by_leaflet: dict[int, tuple[Leaflet, list[LeafletVersion]]] = {}
    for version in due:
        by_leaflet.setdefault(version.leaflet_id, (version.leaflet, []))[1].append(version)
    by_owner: dict[int, tuple] = {}
    for leaflet, versions in by_leaflet.values():
        owner = leaflet.owner
        if owner is None:
            report.not_sent.append((leaflet, _("it has no owner")))
        elif not owner.is_active:
            report.not_sent.append((leaflet, _("its owner %(user)s is inactive") % {"user": owner.get_username()}))
        elif not owner.email:
            report.not_sent.append(
                (leaflet, _("its owner %(user)s has no email address") % {"user": owner.get_username()})
            )
        else:
            by_owner.setdefault(owner.pk, (owner, []))[1].append((leaflet, versions))

    site = settings.SITE_URL.rstrip("/")
    for owner, items in by_owner.values():
        try:
            with transaction.atomic():
                if not dry_run:  # one run at a time per owner: a second cron job waits, then finds the rows
                    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
                reminded = set(
                    ReviewReminder.objects.filter(
                        recipient=owner, sent_on=today, leaflet__in=[leaflet for leaflet, _v in items]
                    ).values_list("leaflet_id", flat=True)
                )
                report.already_reminded += [leaflet for leaflet, _v in items if leaflet.pk in reminded]
                fresh = [(leaflet, versions) for leaflet, versions in items if leaflet.pk not in reminded]
                if not fresh:
                    continue
                if not dry_run:
                    ReviewReminder.objects.bulk_create(
                        ReviewReminder(
                            leaflet=leaflet,
                            recipient=owner,
                            sent_on=today,
                            review_due=min(version.effective_review_due for version in versions),
                        )
                        for leaflet, versions in fresh
                    )
                    body = render_to_string(
                        "education/email/review_reminder.txt",
                        {
                            "owner": owner,
                            "days": days,
                            "today": today,
                            "leaflets": [
                                {
                                    "leaflet": leaflet,
                                    "versions": [
                                        (version, version.effective_review_due < today) for version in versions
                                    ],
                                    "admin_url": site + reverse("admin:education_leaflet_change", args=[leaflet.pk]),
                                }
                                for leaflet, versions in fresh
                            ],
                        },
                    )
                    EmailMessage(_("Leaflets due for clinical review"), body, to=[owner.email]).send()
                report.sent.append((owner, fresh))
        except IntegrityError:  # another run recorded the same reminder a moment ago
            report.already_reminded += [leaflet for leaflet, _v in items]
        except (smtplib.SMTPException, OSError) as error:
            report.failed.append((owner, str(error) or error.__class__.__name__))
    return report


class ReminderEmailsFailed(Exception):
    """Some review reminders could not be sent (the job is then tried again; nothing twice)."""


def review_reminders_job(*, days: int = 90) -> None:
    """Background job (`manage.py review_reminders --queue`): send the review reminders; if some could not be
    sent, raise, so the worker tries again later. Already reminded leaflets are skipped, so nothing goes twice."""
    report = review_reminders_send(days=days)
    if report.failed:
        raise ReminderEmailsFailed(f"{len(report.failed)} review reminder email(s) could not be sent")
