"""Handing leaflets to patients: handout records, share links, and the whole "share with a patient" use case.

Nothing about a patient is ever stored: no name, email address or message. An email address and message are
used to send one email and then forgotten.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import logging
import secrets
import smtplib
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.models import Clinic
from education import jobs
from education.models import Handout, HandoutItem, LeafletVersion, ShareEmail, ShareLink, share_token_hash
from education.services.errors import AlreadyShared, EmailNotSent, WorkflowError
from education.services.permissions import can_share, require

logger = logging.getLogger(__name__)
Status = LeafletVersion.Status
SHARE_EMAIL_TIMEOUT_SECONDS = 10  # unless EMAIL_TIMEOUT says otherwise
# A claim held this long belongs to a worker that died while sending: a send gives up after the timeout above.
STUCK_CLAIM_MINUTES = 30


def _already_sent() -> str:
    return _("This was already sent. To share again, start a new share.")


class TooManyEmails(WorkflowError):
    """This member of staff has sent as many share emails in the last hour as are allowed."""


# Options a handout record may hold. Never free text from the form (the clinician's note is not stored).
HANDOUT_OPTION_KEYS = frozenset({"paper", "large_print", "with_note", "language"})


@transaction.atomic
def handout_record(
    *,
    versions: list[LeafletVersion],
    channel: str,
    clinic=None,
    user=None,
    options: dict | None = None,
    share_link=None,
):
    """Record that these versions reached a patient. Stores no patient identifiers, and no free text."""
    if channel not in Handout.Channel.values:
        raise WorkflowError(_("Unknown handout channel %(channel)s.") % {"channel": channel})
    if not versions:
        raise WorkflowError(_("A handout needs at least one leaflet."))
    if any(version.withdrawn_at is not None for version in versions):
        raise WorkflowError(_("A withdrawn version cannot be handed out."))
    options = dict(options or {})
    unknown = set(options) - HANDOUT_OPTION_KEYS
    if unknown:
        raise WorkflowError(_("Unknown handout options: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    for key, value in options.items():
        if not isinstance(value, bool | int) and not (isinstance(value, str) and len(value) <= 10):
            raise WorkflowError(_("Handout option %(key)s must be a short value.") % {"key": key})
    handout = Handout.objects.create(
        channel=channel,
        clinic=clinic,
        created_by=user if user is not None and user.is_authenticated else None,
        options=options,
        share_link=share_link,
    )
    HandoutItem.objects.bulk_create(
        HandoutItem(handout=handout, version=version, position=index) for index, version in enumerate(versions)
    )
    return handout


@transaction.atomic
def share_link_create(*, version: LeafletVersion, clinic, user, expires_at=None, form_key: str | None = None):
    """Create a link to one published version. Returns (link, token); only the token's hash is stored.

    `form_key` is the one-time key of the staff form that asked for the link: a second link from the same
    form raises AlreadyShared, and the database's unique index refuses one made at the same moment."""
    require(can_share(user), _("You may not create share links."))
    if version.status != Status.PUBLISHED:
        raise WorkflowError(_("Only the published version of a leaflet can be shared with patients."))
    if expires_at is not None and expires_at <= timezone.now():
        raise WorkflowError(_("The expiry must be in the future."))
    form_key_hash = share_token_hash(form_key) if form_key else None
    already = _already_sent()
    if form_key_hash and ShareLink.objects.filter(form_key_hash=form_key_hash).exists():
        raise AlreadyShared(already)
    token = secrets.token_urlsafe(24)  # 192 bits
    try:
        with transaction.atomic():
            link = ShareLink.objects.create(
                token_hash=share_token_hash(token), version=version, clinic=clinic, created_by=user,
                expires_at=expires_at, form_key_hash=form_key_hash,
            )  # fmt: skip
    except IntegrityError:
        if form_key_hash and ShareLink.objects.filter(form_key_hash=form_key_hash).exists():
            raise AlreadyShared(already) from None
        raise
    return link, token


@transaction.atomic
def share_link_revoke(*, link, user):
    """Stop a link working at once. The link stays on record (handouts point at it)."""
    require(user.is_active and user.has_perm("education.change_sharelink"), _("You may not revoke share links."))
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def share_link_count_view(*, link, after_withdrawal: bool = False) -> None:
    """Add one to the link's aggregate view count, or to its count of visits after its version was withdrawn
    (nothing about the visitor is stored)."""
    if after_withdrawal:
        count = Coalesce(F("views_after_withdrawal"), 0) + 1
        ShareLink.objects.filter(pk=link.pk).update(views_after_withdrawal=count)
    else:
        ShareLink.objects.filter(pk=link.pk).update(view_count=F("view_count") + 1)


def _emails_sent_last_hour(*, user) -> int:
    """How many share emails this member of staff asked for in the last hour (for the hourly limit): sent or
    still waiting for the worker, counted in the database, so the limit holds across every app server."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return ShareEmail.objects.filter(created_by=user, created_at__gte=since).count()


def _form_key_used(form_key: str | None) -> bool:
    """True when this one-time share form key already made a link (the form was sent before)."""
    return bool(form_key) and ShareLink.objects.filter(form_key_hash=share_token_hash(form_key)).exists()


def share_url(token: str) -> str:
    """The patient's address of a share link: the public site address, never the request's host."""
    return settings.SITE_URL.rstrip("/") + reverse("education:share", kwargs={"token": token})


@dataclass(frozen=True)
class Shared:
    """A leaflet shared with a patient: the link (kept) and its address (shown once, never stored)."""

    link: ShareLink
    url: str


def share_with_patient(
    *,
    version: LeafletVersion,
    clinic: Clinic,
    user: AbstractBaseUser,
    channel: str,
    email: str = "",
    message: str = "",
    expires_at: datetime.datetime | None = None,
    form_key: str | None = None,
) -> Shared:
    """Share one published version with a patient: make a link, record the handout and, for the email
    channel, send the link to the patient's address.

    The one-time form key makes a repeated submission (a refreshed result page, a second click) raise
    AlreadyShared and send nothing. The email is written now, sealed, and sent by a background job after the
    link's transaction has committed (deliver_share_email), so no request waits for a mail server and no
    database lock is held while one answers. The handout is recorded when the email has gone; if it cannot be
    sent, the new link is revoked (and the form key freed, so the same form can simply be sent again): no
    patient ever holds a link that was not handed out. The address and the message are erased once the email
    is sent or given up, and never logged."""
    require(can_share(user), _("You may not share leaflets."))
    if channel not in Handout.Channel.values or channel == Handout.Channel.PRINT:
        raise WorkflowError(_("Unknown way to share %(channel)s.") % {"channel": channel})
    # Before the hourly limit: a refreshed result page is told it was already sent, not that the limit is near.
    if _form_key_used(form_key):
        raise AlreadyShared(_already_sent())
    if channel == Handout.Channel.EMAIL:
        if not email:
            raise WorkflowError(_("Enter the patient's email address."))
        limit = settings.SHARE_EMAILS_PER_HOUR
        if _emails_sent_last_hour(user=user) >= limit:
            raise TooManyEmails(
                _("You have sent %(limit)d emails in the last hour, the most allowed. Please try again later.")
                % {"limit": limit}
            )
    with transaction.atomic():
        link, token = share_link_create(
            version=version, clinic=clinic, user=user, expires_at=expires_at, form_key=form_key
        )
        url = share_url(token)
        if channel == Handout.Channel.EMAIL:
            letter = _share_email(version=version, clinic=clinic, url=url, message=message, expires_at=expires_at)
            queued = ShareEmail.objects.create(share_link=link, created_by=user, sealed=_seal({**letter, "to": email}))
            jobs.after_commit("education.services.sharing.deliver_share_email", share_email_id=queued.pk)
        else:
            handout_record(versions=[version], channel=channel, clinic=clinic, user=user, share_link=link)
    logger.info("Share link %s created (channel %s) for version %s", link.pk, channel, version.pk)
    return Shared(link=link, url=url)


def deliver_share_email(*, share_email_id: int) -> None:
    """Background job: send one share email, at most once.

    The row is claimed in the database before sending; a job that finds it claimed, sent or given up sends
    nothing (a retry, a second worker, the same job run twice). A mail server that refuses or cannot be reached
    frees the claim and raises, so the job is tried again later; after the last attempt (or at once when the
    jobs backend cannot retry) the link is revoked and the message erased. A worker that dies while sending
    leaves the claim in place: that email is never sent twice, at the price of perhaps not at all
    (share_emails_give_up_stuck later erases its address)."""
    now = timezone.now()
    claimed = ShareEmail.objects.filter(
        pk=share_email_id, claimed_at__isnull=True, sent_at__isnull=True, given_up_at__isnull=True
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        logger.info("Share email %s was already sent, given up or is being sent; nothing to do", share_email_id)
        return
    queued = ShareEmail.objects.select_related("share_link__version", "share_link__clinic").get(pk=share_email_id)
    link = queued.share_link
    try:
        letter = _unseal(queued.sealed)
        _send(letter)
    except (OSError, smtplib.SMTPException, InvalidToken) as error:
        last = isinstance(error, InvalidToken) or queued.attempts >= jobs.MAX_ATTEMPTS or not jobs.can_retry()
        logger.warning(  # never the address or the message
            "Share email %s not sent (attempt %d): %s%s",
            share_email_id, queued.attempts, type(error).__name__, "; giving up" if last else "",
        )  # fmt: skip
        if last:
            with transaction.atomic():
                ShareEmail.objects.filter(pk=queued.pk).update(sealed="", given_up_at=timezone.now())
                _withdraw_unsent_link(link=link, user=queued.created_by)
            return
        ShareEmail.objects.filter(pk=queued.pk, sent_at__isnull=True).update(claimed_at=None)
        raise EmailNotSent(_("The share email could not be sent just now; it will be tried again.")) from error
    with transaction.atomic():
        ShareEmail.objects.filter(pk=queued.pk).update(sealed="", sent_at=timezone.now())
        handout_record(
            versions=[link.version], channel=Handout.Channel.EMAIL, clinic=link.clinic, user=queued.created_by,
            share_link=link,
        )  # fmt: skip
    logger.info("Share email %s sent for share link %s", share_email_id, link.pk)


def share_emails_give_up_stuck(*, now: datetime.datetime | None = None) -> int:
    """Give up the share emails whose worker died while sending them (claimed over STUCK_CLAIM_MINUTES ago,
    neither sent nor given up), so no patient's address waits sealed in the database for ever. Nothing is
    sent: the email may have gone just before the worker died, and an email never goes twice. For the same
    reason the link stays as it is (the patient may hold it); no handout is recorded, since it is not known
    to have been sent. Returns how many were given up. `manage.py give_up_stuck_share_emails` runs it."""
    now = now or timezone.now()
    stuck = ShareEmail.objects.filter(
        claimed_at__lt=now - datetime.timedelta(minutes=STUCK_CLAIM_MINUTES),
        sent_at__isnull=True,
        given_up_at__isnull=True,
    )
    given_up = 0
    for pk in stuck.values_list("pk", flat=True):
        # The same conditions again in the UPDATE: a row sent or given up meanwhile is left alone.
        if stuck.filter(pk=pk).update(sealed="", given_up_at=now):
            logger.warning("Share email %s given up: its worker stopped while sending (it may have gone)", pk)
            given_up += 1
    return given_up


@transaction.atomic
def _withdraw_unsent_link(*, link: ShareLink, user) -> None:
    """Revoke a link whose email could not be sent, and free its form key so the same form can be sent again."""
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user, form_key_hash=None
    )


def _share_email(*, version: LeafletVersion, clinic: Clinic, url: str, message: str, expires_at) -> dict:
    """The email's subject and text, written in the request (in the leaflet's language, which is the patient's,
    whatever the language of the staff screens)."""
    with translation.override(version.language):
        body = render_to_string(
            "education/email/share_link.txt",
            {
                "clinic": clinic,
                "url": url,
                "message": message,
                "expires_at": expires_at,
                "advice": clinic.urgent_care_advice_in(version.language),
            },
        )
        # A header is built only from checked text: the clinic's name on one line, whatever is stored.
        subject = _("Information from %(clinic)s") % {"clinic": " ".join(clinic.name.split())}
    return {"subject": str(subject), "body": body}


def _sealing_key() -> Fernet:
    """Fernet (AES-128-CBC with HMAC-SHA256) keyed from SECRET_KEY, for messages waiting in the database."""
    digest = hashlib.sha256(b"education.share-email:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _seal(letter: dict) -> str:
    return _sealing_key().encrypt(json.dumps(letter).encode()).decode()


def _unseal(sealed: str) -> dict:
    """The letter; InvalidToken when it cannot be read (erased, or SECRET_KEY changed since it was sealed)."""
    if not sealed:
        raise InvalidToken
    return json.loads(_sealing_key().decrypt(sealed.encode()))


def _send(letter: dict) -> None:
    # No transaction is open here, but a mail server that hangs must still not hold the worker long.
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or SHARE_EMAIL_TIMEOUT_SECONDS)
    EmailMessage(subject=letter["subject"], body=letter["body"], to=[letter["to"]], connection=connection).send()
