"""Drafts: opening one (empty, copied or as a translation), saving edits, catching a translation up."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from clinic.text import without_bidi_controls
from education.content import MAX_LIST_DEPTH, list_depth, sanitise_body
from education.models import AuditEvent, HelpSign, Leaflet, LeafletVersion, VersionContributor
from education.services.common import fingerprint, lock_version, note_contributor, record_event, require_revision
from education.services.errors import WorkflowError
from education.services.figures import copy_figures
from education.services.permissions import can_edit, require

Status = LeafletVersion.Status
MAX_HELP_SIGNS = 20
# A new draft's change note asks the author for one; submission refuses a note that still asks.
CHANGE_NOTE_PROMPT = "[Describe what you changed and why.]"


@dataclass(frozen=True)
class HelpSignData:
    urgency: str
    text: str


def _validate_language(language: str) -> None:
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise WorkflowError(_("Unsupported language %(code)s.") % {"code": language})


def _clean_help_signs(help_signs: list[HelpSignData]) -> list[HelpSignData]:
    urgencies = set(HelpSign.Urgency.values)
    cleaned = []
    for sign in help_signs:
        text = " ".join(without_bidi_controls(sign.text or "").split())
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


def _count_source_contributors(*, version: LeafletVersion, source: LeafletVersion) -> None:
    """Whoever wrote the text a draft starts from counts as a contributor of the draft (four-eyes rule), so
    nobody can approve their own words by passing them through a copy. From an approved source, its own
    authors; from a source nobody independent approved (a discarded draft, a version still in review), every
    contributor it had, inherited ones included, since none of that text has been reviewed."""
    people = source.contributors.all() if source.approved_by_id is None else source.contributors.filter(via=None)
    user_ids = {source.created_by_id, *people.values_list("user_id", flat=True)} - {version.created_by_id}
    VersionContributor.objects.bulk_create(
        VersionContributor(version=version, user_id=user_id, via=source) for user_id in sorted(user_ids)
    )


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
    require(can_edit(user), _("You may not write leaflet drafts."))
    _validate_language(language)
    Leaflet.objects.select_for_update().get(pk=leaflet.pk)
    if based_on is not None and (based_on.leaflet_id != leaflet.pk or based_on.language != language):
        raise WorkflowError(_("A draft can only be copied from a version of the same leaflet and language."))
    if translation_of is not None and (translation_of.leaflet_id != leaflet.pk or translation_of.language == language):
        raise WorkflowError(_("A translation must translate a version of the same leaflet in another language."))
    for source_version in (based_on, translation_of):
        if source_version is not None and source_version.status == Status.DISCARDED:
            raise WorkflowError(
                _("Version %(number)d was discarded, so a new draft cannot start from it.")
                % {"number": source_version.number}
            )
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
        copy_figures(source=source, version=version)
    note_contributor(version, user)
    if source is not None:
        _count_source_contributors(version=version, source=source)
    version.content_hash = fingerprint(version)
    version.save(update_fields=["content_hash"])
    comment = (
        _("Copied from version %(number)d (%(language)s).") % {"number": source.number, "language": source.language}
        if source
        else ""
    )
    record_event(version=version, user=user, action=AuditEvent.Action.CREATED, from_status="", comment=comment)
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
    require(can_edit(user), _("You may not edit leaflet drafts."))
    version = lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(
            _("Only drafts can be edited; this version is %(status)s.") % {"status": version.get_status_display()}
        )
    require_revision(version, expected_revision)
    body = sanitise_body(body)
    if len(body) > settings.LEAFLET_MAX_BODY_CHARS:
        raise WorkflowError(
            _("The body is too long (%(n)d characters; the limit is %(limit)d). Split it into two leaflets.")
            % {"n": len(body), "limit": settings.LEAFLET_MAX_BODY_CHARS}
        )
    if list_depth(body) > MAX_LIST_DEPTH:
        raise WorkflowError(
            _("Lists can be nested at most %(n)d levels deep; patients cannot follow more. Flatten the list.")
            % {"n": MAX_LIST_DEPTH}
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
    version.content_hash = fingerprint(version)
    version.save(update_fields=["content_hash"])
    note_contributor(version, user)
    record_event(version=version, user=user, action=AuditEvent.Action.EDITED, from_status=Status.DRAFT)
    return version


@transaction.atomic
def version_translation_catch_up(
    *, version: LeafletVersion, user: AbstractBaseUser, comment: str = ""
) -> LeafletVersion:
    """Record that a draft translation has been brought up to date with the newest published source version:
    it now translates that version, and the "Translation out of date" flag clears. The person saying so is
    a contributor (so cannot approve it); open forms on the draft become stale."""
    require(can_edit(user), _("You may not edit leaflet drafts."))
    version = lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(_("Only a draft translation can be brought up to date."))
    newer = version.newer_source()
    if newer is None:
        raise WorkflowError(_("This translation is already up to date with its source."))
    version.translation_of = newer
    version.revision += 1
    version.save(update_fields=["translation_of", "revision", "updated_at"])
    note_contributor(version, user)
    note = _("Now translates version %(number)d (%(language)s).") % {"number": newer.number, "language": newer.language}
    record_event(
        version=version,
        user=user,
        action=AuditEvent.Action.EDITED,
        from_status=Status.DRAFT,
        comment=f"{note} {comment}".strip(),
    )
    return version
