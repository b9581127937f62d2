"""Figures of a draft: adding a checked picture, changing its alt text, caption or place, removing it.

A figure is part of the version like its text: each change is an edit of the draft (the edit count goes up,
so open forms become stale; the editor becomes a contributor; the fingerprint is recomputed; the history
records it). The database refuses any change once the version has left draft (migration 0014).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from clinic.text import without_bidi_controls
from education.figures import PreparedFigure
from education.models import AuditEvent, LeafletVersion, VersionFigure
from education.services.common import fingerprint, lock_version, note_contributor, record_event, require_revision
from education.services.errors import WorkflowError
from education.services.permissions import can_edit, require

Status = LeafletVersion.Status
MAX_FIGURES = 12
LIMITS = {"alt_text": 300, "caption": 300, "after_heading": 200}


def store_picture_files(picture: PreparedFigure) -> None:
    """Put the picture's original and copies into default storage under their content-addressed names (a
    name already there holds the same bytes, so it is left alone). Done before the row that points at them
    is written, so a figure never names a missing file; a file no row uses is harmless."""
    for name, data in picture.files().items():
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))


def _clean_text(value: str, field: str) -> str:
    text = " ".join(without_bidi_controls(value or "").split())
    if len(text) > LIMITS[field]:
        raise WorkflowError(
            _("%(field)s can be at most %(n)d characters.")
            % {"field": VersionFigure._meta.get_field(field).verbose_name.capitalize(), "n": LIMITS[field]}
        )
    return text


def _open_draft(version: LeafletVersion, user: AbstractBaseUser, expected_revision: int | None) -> LeafletVersion:
    require(can_edit(user), _("You may not edit leaflet drafts."))
    version = lock_version(version)
    if version.status != Status.DRAFT:
        raise WorkflowError(
            _("Only drafts can be edited; this version is %(status)s.") % {"status": version.get_status_display()}
        )
    require_revision(version, expected_revision)
    return version


def _finish(version: LeafletVersion, user: AbstractBaseUser, comment: str) -> None:
    version.revision += 1
    version.content_hash = fingerprint(version)
    version.save(update_fields=["revision", "content_hash", "updated_at"])
    note_contributor(version, user)
    record_event(version=version, user=user, action=AuditEvent.Action.EDITED, from_status=Status.DRAFT, comment=comment)


@transaction.atomic
def figure_add(
    *,
    version: LeafletVersion,
    user: AbstractBaseUser,
    picture: PreparedFigure,
    alt_text: str,
    caption: str = "",
    after_heading: str = "",
    expected_revision: int | None = None,
) -> VersionFigure:
    """Add a checked picture (`education.figures.prepare_upload`) to a draft, after its other figures.
    Alt text may still be empty here; the draft cannot be submitted until it is written."""
    version = _open_draft(version, user, expected_revision)
    if version.figures.count() >= MAX_FIGURES:
        raise WorkflowError(_("A leaflet can have at most %(n)d figures.") % {"n": MAX_FIGURES})
    store_picture_files(picture)
    last = version.figures.aggregate(n=Max("position"))["n"]
    figure = VersionFigure.objects.create(
        version=version,
        position=0 if last is None else last + 1,
        sha256=picture.sha256,
        extension=picture.extension,
        width=picture.width,
        height=picture.height,
        alt_text=_clean_text(alt_text, "alt_text"),
        caption=_clean_text(caption, "caption"),
        after_heading=_clean_text(after_heading, "after_heading"),
    )
    _finish(version, user, _("Figure added: %(picture)s.") % {"picture": picture.sha256[:12]})
    return figure


@transaction.atomic
def figure_update(
    *,
    figure: VersionFigure,
    user: AbstractBaseUser,
    alt_text: str,
    caption: str,
    after_heading: str,
    position: int | None = None,
    expected_revision: int | None = None,
) -> VersionFigure:
    """Change a draft figure's alt text, caption, heading or order."""
    version = _open_draft(figure.version, user, expected_revision)
    figure = version.figures.get(pk=figure.pk)
    figure.alt_text = _clean_text(alt_text, "alt_text")
    figure.caption = _clean_text(caption, "caption")
    figure.after_heading = _clean_text(after_heading, "after_heading")
    if position is not None:
        if not 0 <= position <= 1000:
            raise WorkflowError(_("The order must be a number from 0 to 1000."))
        figure.position = position
    figure.save()
    _finish(version, user, _("Figure changed: %(picture)s.") % {"picture": figure.sha256[:12]})
    return figure


@transaction.atomic
def figure_remove(*, figure: VersionFigure, user: AbstractBaseUser, expected_revision: int | None = None) -> None:
    """Take a figure out of a draft (its files stay: other versions may show the same picture)."""
    version = _open_draft(figure.version, user, expected_revision)
    figure = version.figures.get(pk=figure.pk)
    sha = figure.sha256
    figure.delete()
    _finish(version, user, _("Figure removed: %(picture)s.") % {"picture": sha[:12]})


def copy_figures(*, source: LeafletVersion, version: LeafletVersion) -> None:
    """A new draft starts with its source's figures (same pictures, alt text, captions and places)."""
    VersionFigure.objects.bulk_create(
        VersionFigure(
            version=version,
            position=figure.position,
            sha256=figure.sha256,
            extension=figure.extension,
            width=figure.width,
            height=figure.height,
            alt_text=figure.alt_text,
            caption=figure.caption,
            after_heading=figure.after_heading,
        )
        for figure in source.figures.all()
    )


def figures_missing_alt(version: LeafletVersion) -> int:
    return sum(1 for figure in version.figures.all() if not figure.alt_text.strip())
