"""After a version turned out to be wrong: revoke every live share link of it, and tell each member of staff
who handed it out what they handed out (their own handouts only), so the clinic can find the patients in its
own records. Both are recorded in the version's history."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from education import selectors
from education.models import AuditEvent, LeafletVersion, ShareLink
from education.services.common import record_event
from education.services.errors import WorkflowError
from education.services.permissions import can_retire, require

logger = logging.getLogger(__name__)
EMAIL_TIMEOUT_SECONDS = 10  # unless EMAIL_TIMEOUT says otherwise


def _require_handed_out_status(version: LeafletVersion) -> None:
    """Only a version that could have reached patients (published or superseded, withdrawn or not) is recalled."""
    if version.status not in LeafletVersion.PUBLIC_STATUSES:
        raise WorkflowError(
            _("Only a published or superseded version can have been handed out, so only it is recalled.")
        )


@transaction.atomic
def recall_revoke_links(*, version: LeafletVersion, user: AbstractBaseUser) -> int:
    """Revoke every share link of this version that still works; returns how many. Recorded in its history."""
    require(can_retire(user), _("Only clinical approvers can recall a version."))
    version = LeafletVersion.objects.select_for_update().get(pk=version.pk)
    _require_handed_out_status(version)
    now = timezone.now()
    live = ShareLink.objects.filter(version=version, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    count = live.update(revoked_at=now, revoked_by=user)
    comment = ngettext("%(n)d live share link revoked.", "%(n)d live share links revoked.", count) % {"n": count}
    record_event(
        version=version,
        user=user,
        action=AuditEvent.Action.LINKS_REVOKED,
        from_status=version.status,
        comment=comment,
    )
    return count


@dataclass
class RecallNotices:
    """What one run of the staff notices did."""

    sent: list = field(default_factory=list)  # members of staff emailed
    not_sent: list = field(default_factory=list)  # (member of staff, why)


def recall_notify_staff(*, version: LeafletVersion, user: AbstractBaseUser) -> RecallNotices:
    """Email each member of staff who handed this version out a summary of their own handouts of it (date,
    clinic, channel; never another person's), then record in the history who was told. Nothing is held
    locked while the mail server answers; a failed email is reported, not retried silently."""
    require(can_retire(user), _("Only clinical approvers can recall a version."))
    _require_handed_out_status(version)
    lines = selectors.recall_report(version=version)
    by_staff: dict[int, tuple] = {}
    for line in lines:
        if line.staff is not None:
            by_staff.setdefault(line.staff.pk, (line.staff, []))[1].append(line)
    result = RecallNotices()
    site = settings.SITE_URL.rstrip("/")
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or EMAIL_TIMEOUT_SECONDS)
    for member, own_lines in by_staff.values():
        if not member.email or not member.is_active:
            result.not_sent.append((member, _("no email address") if not member.email else _("inactive account")))
            continue
        body = render_to_string(
            "education/email/recall_notice.txt",
            {
                "member": member,
                "version": version,
                "lines": own_lines,
                "by": user,
                "admin_url": site + reverse("admin:education_leafletversion_change", args=[version.pk]),
            },
        )
        title = " ".join(version.title.split())  # a header is built only from one-line text
        subject = _("Recall: %(title)s, version %(number)d") % {"title": title, "number": version.number}
        try:
            EmailMessage(subject, body, to=[member.email], connection=connection).send()
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("Recall notice not sent: %s", type(error).__name__)
            result.not_sent.append((member, _("the mail server did not take it")))
        else:
            result.sent.append(member)
    told = ", ".join(member.get_username() for member in result.sent) or _("nobody")
    comment = _("Recall notice emailed to: %(names)s.") % {"names": told}
    if result.not_sent:
        comment += " " + _("Not emailed: %(names)s.") % {
            "names": ", ".join(f"{member.get_username()} ({why})" for member, why in result.not_sent)
        }
    with transaction.atomic():
        # Read again, locked: another approver may have withdrawn it while the emails were going out, and the
        # event must record the status it has now.
        version = LeafletVersion.objects.select_for_update().get(pk=version.pk)
        record_event(
            version=version,
            user=user,
            action=AuditEvent.Action.RECALL_SENT,
            from_status=version.status,
            comment=comment[:2000],
        )
    return result
