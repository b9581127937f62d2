"""Every change to leaflets goes through these functions.

Each one is keyword-only, runs in one transaction, records the acting user in an audit event and raises
a `WorkflowError` (with a message fit to show the user) for anything the rules forbid. The database holds
the same rules again (see `education.models` and the `0002_protect_history` migration).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from education.content import content_data, content_fingerprint, sanitise_body
from education.models import AuditEvent, HelpSign, Leaflet, LeafletVersion, VersionContributor

Status = LeafletVersion.Status
MAX_HELP_SIGNS = 20
# A new draft's change note asks the author for one; submission refuses a note that still asks.
CHANGE_NOTE_PROMPT = "[Describe what you changed and why.]"


class WorkflowError(Exception):
    """An action the leaflet rules do not allow; `str(error)` is a message for the user."""


class NotPermitted(WorkflowError):
    """The user lacks the role for this action, or the four-eyes rule forbids it."""


class StaleEdit(WorkflowError):
    """Someone else saved the draft after this user opened it."""


class AlreadyShared(WorkflowError):
    """This share form was already used to make a link (a refreshed or repeated submission)."""


@dataclass(frozen=True)
class HelpSignData:
    urgency: str
    text: str


# --- permissions -----------------------------------------------------------------------------------------


def can_edit(user) -> bool:
    return user.is_active and user.has_perm("education.change_leafletversion")


def can_submit(user) -> bool:
    return user.is_active and user.has_perm("education.submit_leafletversion")


def can_approve(user) -> bool:
    return user.is_active and user.has_perm("education.approve_leafletversion")


def can_retire(user) -> bool:
    return user.is_active and user.has_perm("education.retire_leaflet")


def is_contributor(*, version: LeafletVersion, user) -> bool:
    return version.created_by_id == user.pk or version.contributors.filter(user=user).exists()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotPermitted(message)


# --- helpers ----------------------------------------------------------------------------------------------


def _lock_version(version: LeafletVersion) -> LeafletVersion:
    """Lock the leaflet row (serialises every workflow change of one leaflet), then re-read the version."""
    Leaflet.objects.select_for_update().get(pk=version.leaflet_id)
    return LeafletVersion.objects.select_related("leaflet").get(pk=version.pk)


def _record(
    *, version: LeafletVersion, user, action: str, from_status: str, comment: str = "", content: dict | None = None
) -> AuditEvent:
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
    )


def _fingerprint(version: LeafletVersion) -> str:
    return content_fingerprint(
        language=version.language,
        title=version.title,
        summary=version.summary,
        body=version.body,
        help_signs=[(sign.urgency, sign.text) for sign in version.help_signs.order_by("position", "id")],
        references=version.references,
    )


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _validate_language(language: str) -> None:
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise WorkflowError(_("Unsupported language %(code)s.") % {"code": language})


def _clean_help_signs(help_signs: list[HelpSignData]) -> list[HelpSignData]:
    urgencies = set(HelpSign.Urgency.values)
    cleaned = []
    for sign in help_signs:
        text = " ".join((sign.text or "").split())
        if not text:
            continue
        if sign.urgency not in urgencies:
            raise WorkflowError(_("Unknown urgency %(urgency)s.") % {"urgency": sign.urgency})
        if len(text) > 300:
            raise WorkflowError(_("A sign to get help can be at most 300 characters."))
        cleaned.append(HelpSignData(urgency=sign.urgency, text=text))
    if len(cleaned) > MAX_HELP_SIGNS:
        raise WorkflowError(_("A leaflet can list at most %(n)d signs to get help.") % {"n": MAX_HELP_SIGNS})
    return cleaned


def _replace_help_signs(version: LeafletVersion, help_signs: list[HelpSignData]) -> None:
    version.help_signs.all().delete()
    HelpSign.objects.bulk_create(
        HelpSign(version=version, position=index, urgency=sign.urgency, text=sign.text)
        for index, sign in enumerate(help_signs)
    )


def _note_contributor(version: LeafletVersion, user) -> None:
    VersionContributor.objects.get_or_create(version=version, user=user)


# --- leaflets and drafts ----------------------------------------------------------------------------------


@transaction.atomic
def leaflet_create(
    *,
    user: AbstractBaseUser,
    slug: str,
    name: str,
    topic: str = "",
    tags: str = "",
    review_interval_months: int = 24,
    owner=None,
) -> Leaflet:
    """Create a leaflet (an identity without any version yet)."""
    _require(user.is_active and user.has_perm("education.add_leaflet"), _("You may not create leaflets."))
    if Leaflet.objects.filter(slug=slug).exists():
        raise WorkflowError(_("A leaflet with the address %(slug)s already exists.") % {"slug": slug})
    leaflet = Leaflet(
        slug=slug,
        name=name,
        topic=topic,
        tags=tags,
        review_interval_months=review_interval_months,
        owner=owner or user,
    )
    leaflet.full_clean()
    leaflet.save()
    return leaflet


LEAFLET_EDITABLE_FIELDS = ("name", "topic", "tags", "review_interval_months", "owner")


@transaction.atomic
def leaflet_update(*, leaflet: Leaflet, user: AbstractBaseUser, changed: list[str]) -> Leaflet:
    """Save changes to a leaflet's name, topic, tags, review interval or owner. The address never changes."""
    _require(user.is_active and user.has_perm("education.change_leaflet"), _("You may not change leaflets."))
    fields = [name for name in changed if name in LEAFLET_EDITABLE_FIELDS]
    if fields:
        leaflet.full_clean()
        leaflet.save(update_fields=fields)
    return leaflet


@transaction.atomic
def version_create_draft(
    *,
    leaflet: Leaflet,
    user: AbstractBaseUser,
    language: str = "en",
    based_on: LeafletVersion | None = None,
    translation_of: LeafletVersion | None = None,
    change_note: str = "",
) -> LeafletVersion:
    """Open a new draft, empty or copied from any earlier version of the same leaflet and language."""
    _require(can_edit(user), _("You may not write leaflet drafts."))
    _validate_language(language)
    Leaflet.objects.select_for_update().get(pk=leaflet.pk)
    if based_on is not None and (based_on.leaflet_id != leaflet.pk or based_on.language != language):
        raise WorkflowError(_("A draft can only be copied from a version of the same leaflet and language."))
    if translation_of is not None and (translation_of.leaflet_id != leaflet.pk or translation_of.language == language):
        raise WorkflowError(_("A translation must translate a version of the same leaflet in another language."))
    open_version = leaflet.versions.filter(language=language, status__in=LeafletVersion.OPEN_STATUSES).first()
    if open_version is not None:
        raise WorkflowError(
            _("Version %(number)d is still open (%(status)s). Finish or discard it before starting another draft.")
            % {"number": open_version.number, "status": open_version.get_status_display()}
        )
    last_number = leaflet.versions.filter(language=language).aggregate(n=Max("number"))["n"] or 0
    # A first translation starts from the text it translates, so the translator can work through it.
    source = based_on or translation_of
    version = LeafletVersion(
        leaflet=leaflet,
        number=last_number + 1,
        language=language,
        title=source.title if source else leaflet.name,
        summary=source.summary if source else "",
        body=source.body if source else "",
        references=source.references if source else "",
        change_note=change_note or CHANGE_NOTE_PROMPT,
        based_on=based_on,
        translation_of=translation_of,
        status=Status.DRAFT,
        created_by=user,
    )
    version.save()
    if source is not None:
        _replace_help_signs(version, [HelpSignData(s.urgency, s.text) for s in source.help_signs.all()])
    _note_contributor(version, user)
    version.content_hash = _fingerprint(version)
    version.save(update_fields=["content_hash"])
    comment = (
        _("Copied from version %(number)d (%(language)s).") % {"number": source.number, "language": source.language}
        if source
        else ""
    )
    _record(version=version, user=user, action=AuditEvent.Action.CREATED, from_status="", comment=comment)
    return version


@transaction.atomic
def version_edit_draft(
    *,
    version: LeafletVersion,
    user: AbstractBaseUser,
    expected_revision: int,
    title: str,
    summary: str,
    body: str,
    references: str,
    change_note: str,
    help_signs: list[HelpSignData],
) -> LeafletVersion:
    """Save an edit of a draft. Refuses if anyone saved the draft since `expected_revision`."""
    _require(can_edit(user), _("You may not edit leaflet drafts."))
    version = _lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(
            _("Only drafts can be edited; this version is %(status)s.") % {"status": version.get_status_display()}
        )
    if version.revision != expected_revision:
        raise StaleEdit(
            _("Someone saved this draft after you opened it. Reload the page to see their changes, then edit again.")
        )
    body = sanitise_body(body)
    if len(body) > settings.LEAFLET_MAX_BODY_CHARS:
        raise WorkflowError(
            _("The body is too long (%(n)d characters; the limit is %(limit)d). Split it into two leaflets.")
            % {"n": len(body), "limit": settings.LEAFLET_MAX_BODY_CHARS}
        )
    if not (change_note or "").strip():
        raise WorkflowError(_("Say in the change note what changed and why."))
    version.title = title.strip()
    version.summary = summary.strip()
    version.body = body
    version.references = "\n".join(line.strip() for line in references.splitlines() if line.strip())
    version.change_note = change_note.strip()
    version.revision += 1
    version.full_clean(exclude=["leaflet", "created_by", "based_on", "translation_of", "approved_by"])
    version.save()
    _replace_help_signs(version, _clean_help_signs(help_signs))
    version.content_hash = _fingerprint(version)
    version.save(update_fields=["content_hash"])
    _note_contributor(version, user)
    _record(version=version, user=user, action=AuditEvent.Action.EDITED, from_status=Status.DRAFT)
    return version


@transaction.atomic
def version_submit(*, version: LeafletVersion, user: AbstractBaseUser, comment: str = "") -> LeafletVersion:
    """Hand a draft to a clinical approver."""
    _require(can_submit(user), _("You may not submit drafts for review."))
    version = _lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(_("Only a draft can be submitted for review."))
    problems = []
    if not version.summary.strip():
        problems.append(_("a summary"))
    if not version.body.strip():
        problems.append(_("a body"))
    if not version.help_signs.exists():
        problems.append(_("at least one sign in 'When to get help'"))
    if CHANGE_NOTE_PROMPT in version.change_note:
        problems.append(_("a change note saying what changed and why"))
    if problems:
        raise WorkflowError(_("Before review the draft needs %(list)s.") % {"list": ", ".join(problems)})
    version.status = Status.IN_REVIEW
    version.content_hash = _fingerprint(version)
    version.save(update_fields=["status", "content_hash", "updated_at"])
    _record(version=version, user=user, action=AuditEvent.Action.SUBMITTED, from_status=Status.DRAFT, comment=comment)
    return version


@transaction.atomic
def version_translation_catch_up(
    *, version: LeafletVersion, user: AbstractBaseUser, comment: str = ""
) -> LeafletVersion:
    """Record that a draft translation has been brought up to date with the newest published source version:
    it now translates that version, and the "Translation out of date" flag clears. The person saying so is
    a contributor (so cannot approve it); open forms on the draft become stale."""
    _require(can_edit(user), _("You may not edit leaflet drafts."))
    version = _lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(_("Only a draft translation can be brought up to date."))
    newer = version.newer_source()
    if newer is None:
        raise WorkflowError(_("This translation is already up to date with its source."))
    version.translation_of = newer
    version.revision += 1
    version.save(update_fields=["translation_of", "revision", "updated_at"])
    _note_contributor(version, user)
    note = _("Now translates version %(number)d (%(language)s).") % {"number": newer.number, "language": newer.language}
    _record(
        version=version,
        user=user,
        action=AuditEvent.Action.EDITED,
        from_status=Status.DRAFT,
        comment=f"{note} {comment}".strip(),
    )
    return version


@transaction.atomic
def version_send_back(*, version: LeafletVersion, user: AbstractBaseUser, comment: str) -> LeafletVersion:
    """Return a version in review to its authors as a draft, saying what needs to change."""
    _require(can_approve(user), _("Only clinical approvers can send a version back."))
    if not (comment or "").strip():
        raise WorkflowError(_("Say what needs to change when you send a version back."))
    version = _lock_version(version)
    if version.status != Status.IN_REVIEW:
        raise WorkflowError(_("Only a version in review can be sent back."))
    version.status = Status.DRAFT
    version.save(update_fields=["status", "updated_at"])
    _record(
        version=version,
        user=user,
        action=AuditEvent.Action.SENT_BACK,
        from_status=Status.IN_REVIEW,
        comment=comment,
        content=content_data(version),  # so the resubmission can be compared with what was sent back
    )
    return version


@transaction.atomic
def version_approve_and_publish(
    *, version: LeafletVersion, user: AbstractBaseUser, comment: str = ""
) -> LeafletVersion:
    """Sign off a version in review and publish it, retiring the version it replaces in the same transaction."""
    _require(can_approve(user), _("Only clinical approvers can approve a version."))
    version = _lock_version(version)
    if version.status != Status.IN_REVIEW:
        raise WorkflowError(_("Only a version in review can be approved."))
    if is_contributor(version=version, user=user):
        raise NotPermitted(
            _("You wrote or edited this version, so another clinician must approve it (four-eyes rule).")
        )
    now = timezone.now()
    previous = LeafletVersion.objects.filter(
        leaflet_id=version.leaflet_id, language=version.language, status=Status.PUBLISHED
    ).first()
    if previous is not None:
        previous.status = Status.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at", "updated_at"])
        _record(
            version=previous,
            user=user,
            action=AuditEvent.Action.RETIRED,
            from_status=Status.PUBLISHED,
            comment=_("Replaced by version %(number)d.") % {"number": version.number},
        )
    version.status = Status.PUBLISHED
    version.approved_by = user
    version.approved_at = now
    version.published_at = now
    version.review_due = _add_months(timezone.localdate(now), version.leaflet.review_interval_months)
    version.content_hash = _fingerprint(version)
    version.save()
    _record(
        version=version, user=user, action=AuditEvent.Action.PUBLISHED, from_status=Status.IN_REVIEW, comment=comment
    )
    # The published handout never changes: render it once the publication is committed, not on first request.
    transaction.on_commit(lambda: _prerender_handout(version.pk))
    return version


def _prerender_handout(version_id: int) -> None:
    from education.pdf import prerender_published  # WeasyPrint is loaded only when a handout is made

    prerender_published(version_id)


@transaction.atomic
def leaflet_retire(
    *, leaflet: Leaflet, user: AbstractBaseUser, comment: str, language: str | None = None
) -> list[LeafletVersion]:
    """Withdraw a leaflet from patients: retire its published version (in one language, or all)."""
    _require(can_retire(user), _("Only clinical approvers can retire a leaflet."))
    if not (comment or "").strip():
        raise WorkflowError(_("Say why the leaflet is retired."))
    Leaflet.objects.select_for_update().get(pk=leaflet.pk)
    published = leaflet.versions.filter(status=Status.PUBLISHED)
    if language:
        published = published.filter(language=language)
    retired = []
    now = timezone.now()
    for version in published:
        version.status = Status.RETIRED
        version.retired_at = now
        version.save(update_fields=["status", "retired_at", "updated_at"])
        _record(
            version=version, user=user, action=AuditEvent.Action.RETIRED, from_status=Status.PUBLISHED, comment=comment
        )
        retired.append(version)
    if not retired:
        raise WorkflowError(_("This leaflet has no published version to retire."))
    return retired


@transaction.atomic
def version_discard(*, version: LeafletVersion, user: AbstractBaseUser, comment: str = "") -> LeafletVersion:
    """Abandon a draft or a version in review. The row and its history stay."""
    version = _lock_version(version)
    if version.status not in LeafletVersion.OPEN_STATUSES:
        raise WorkflowError(_("Only a draft or a version in review can be discarded."))
    _require(
        can_approve(user) or (can_edit(user) and is_contributor(version=version, user=user)),
        _("Only the draft's authors or a clinical approver can discard it."),
    )
    from_status = version.status
    version.status = Status.DISCARDED
    version.save(update_fields=["status", "updated_at"])
    _record(version=version, user=user, action=AuditEvent.Action.DISCARDED, from_status=from_status, comment=comment)
    return version


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
    if version.status in LeafletVersion.OPEN_STATUSES and (
        can_approve(user) or (can_edit(user) and is_contributor(version=version, user=user))
    ):
        actions.append("discard")
    if version.status == Status.PUBLISHED and can_retire(user):
        actions.append("retire")
    if version.status != Status.DISCARDED and can_edit(user):
        open_exists = LeafletVersion.objects.filter(
            leaflet_id=version.leaflet_id, language=version.language, status__in=LeafletVersion.OPEN_STATUSES
        ).exists()
        if not open_exists:
            actions.append("new_draft")
    return actions


# --- starter content --------------------------------------------------------------------------------------

STARTER_AUTHOR_USERNAME = "starter-content"


def starter_author():
    """The account that stands for the bundled starter content: a leaflet editor that cannot log in."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=STARTER_AUTHOR_USERNAME,
        defaults={"first_name": "Starter", "last_name": "content (bundled)", "is_staff": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name="Leaflet editors"))
    return get_user_model().objects.get(pk=user.pk)  # fresh instance: permission cache reflects the group


@transaction.atomic
def starter_leaflets_load(*, author=None, languages: list[str] | None = None) -> list[LeafletVersion]:
    """Add the bundled starter leaflets as versions awaiting clinical review. Leaflets that already exist
    are left alone, so running it twice changes nothing."""
    from education.starter_content import STARTER_LEAFLETS

    author = author or starter_author()
    wanted = languages or [code for code, _name in settings.LANGUAGES]
    loaded = []
    for item in STARTER_LEAFLETS:
        if Leaflet.objects.filter(slug=item["slug"]).exists():
            continue
        leaflet = leaflet_create(user=author, slug=item["slug"], name=item["name"], topic=item["topic"])
        source_version = None
        # The source language (English) first, so translations can point at it.
        for language, content in sorted(item["versions"].items(), key=lambda pair: pair[0] != "en"):
            if language not in wanted:
                continue
            draft = version_create_draft(
                leaflet=leaflet,
                user=author,
                language=language,
                translation_of=source_version if language != "en" else None,
                change_note=content["change_note"],
            )
            draft = version_edit_draft(
                version=draft,
                user=author,
                expected_revision=draft.revision,
                title=content["title"],
                summary=content["summary"],
                body=content["body"],
                references="\n".join(content["references"]),
                change_note=content["change_note"],
                help_signs=[HelpSignData(sign["urgency"], sign["text"]) for sign in content["help_signs"]],
            )
            draft = version_submit(version=draft, user=author, comment="Starter content: please review before use.")
            if language == "en":
                source_version = draft
            loaded.append(draft)
    return loaded


# --- handouts and share links -----------------------------------------------------------------------------

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
    from education.models import Handout, HandoutItem

    if channel not in Handout.Channel.values:
        raise WorkflowError(_("Unknown handout channel %(channel)s.") % {"channel": channel})
    if not versions:
        raise WorkflowError(_("A handout needs at least one leaflet."))
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


def share_token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def share_link_create(*, version: LeafletVersion, clinic, user, expires_at=None, form_key: str | None = None):
    """Create a link to one published version. Returns (link, token); only the token's hash is stored.

    `form_key` is the one-time key of the staff form that asked for the link: a second link from the same
    form raises AlreadyShared, and the database's unique index refuses one made at the same moment."""
    import secrets

    from django.db import IntegrityError

    from education.models import ShareLink

    _require(user.is_active and user.has_perm("education.add_sharelink"), _("You may not create share links."))
    if version.status != Status.PUBLISHED:
        raise WorkflowError(_("Only the published version of a leaflet can be shared with patients."))
    if expires_at is not None and expires_at <= timezone.now():
        raise WorkflowError(_("The expiry must be in the future."))
    form_key_hash = share_token_hash(form_key) if form_key else None
    already = _("This was already sent. To share again, start a new share.")
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
    from education.models import ShareLink

    _require(user.is_active and user.has_perm("education.change_sharelink"), _("You may not revoke share links."))
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def share_link_count_view(*, link) -> None:
    """Add one to the link's aggregate view count (nothing about the visitor is stored)."""
    from django.db.models import F

    from education.models import ShareLink

    ShareLink.objects.filter(pk=link.pk).update(view_count=F("view_count") + 1)


# --- review reminders -------------------------------------------------------------------------------------


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
    import smtplib

    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMessage
    from django.db import IntegrityError
    from django.template.loader import render_to_string
    from django.urls import reverse

    from education.models import ReviewReminder

    today = today or timezone.localdate()
    report = ReviewReminderReport(today=today, due_by=today + datetime.timedelta(days=days))
    due = (
        LeafletVersion.objects.filter(status=Status.PUBLISHED, review_due__lte=report.due_by)
        .select_related("leaflet__owner")
        .order_by("review_due", "leaflet__name", "language")
    )
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
                            review_due=min(version.review_due for version in versions),
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
                                    "versions": [(version, version.review_due < today) for version in versions],
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
