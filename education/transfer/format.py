"""The export file's format: its sections and fields, the workflow steps its records may tell, and reading
a file (its marker, its format version and its sections)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import models

from clinic.models import Clinic
from education.models import (
    AuditEvent,
    Handout,
    HandoutItem,
    HelpSign,
    Leaflet,
    LeafletChange,
    LeafletCode,
    LeafletVersion,
    Notification,
    ReviewReminder,
    ReviewRenewal,
    ReviewRequest,
    ShareLink,
    StaffProfile,
    VersionContributor,
    VersionFigure,
)

FORMAT = "clinic-leaflets"
FORMAT_VERSION = 3
MAX_ID = 2**63 - 1
Status = LeafletVersion.Status
# The figures' pictures, once each: {"sha256", "extension", "data" (the original file, base64)}. Optional:
# files written before figures existed have neither this section nor versions' "figures".
PICTURES_KEY = "pictures"
PICTURE_KEYS = ("sha256", "extension", "data")
USER_KEYS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "groups")


class TransferError(Exception):
    """The export cannot be written or the file cannot be imported; `str(error)` is for the operator."""


@dataclass(frozen=True)
class Part:
    """One section of the file (or a list nested in each of its records) and the model fields it holds."""

    key: str
    model: type[models.Model]
    fields: tuple[str, ...]
    parent: str = ""  # for nested lists: the field pointing at the enclosing record
    children: tuple[Part, ...] = ()
    # Fields added to format 1 after its first release: a file written before them may leave them out, and
    # they then take the model's default. Exports always write them.
    added_later: tuple[str, ...] = ()
    # Fields that came with a later format, and that format: a file in an earlier format has none of them,
    # and they take the model's default (None, for every such field so far).
    newer: tuple[tuple[str, int], ...] = ()
    since: int = 1  # the format that brought this section

    def model_field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    def fields_in(self, format_version: int) -> tuple[str, ...]:
        """The fields a record of this part has in a file of `format_version`."""
        added = dict(self.newer)
        return tuple(name for name in self.fields if added.get(name, 1) <= format_version)


SECTIONS: tuple[Part, ...] = (
    Part("clinics", Clinic, (
        "id", "slug", "name", "logo", "logo_alt_text", "primary_colour", "accent_colour", "address", "phone",
        "email", "website", "urgent_care_advice", "urgent_care_advice_translations", "language", "is_default",
    ), added_later=("urgent_care_advice_translations",)),
    Part("leaflets", Leaflet, (
        "id", "slug", "name", "topic", "tags", "review_interval_months", "owner", "created_at",
    )),
    Part("versions", LeafletVersion, (
        "id", "leaflet", "language", "number", "status", "title", "summary", "body", "references", "change_note",
        "based_on", "translation_of", "revision", "created_by", "created_at", "updated_at", "approved_by",
        "approved_at", "published_at", "retired_at", "review_due", "content_hash", "withdrawn_at", "withdrawn_by",
        "withdrawal_reason",
    ), children=(
        Part("help_signs", HelpSign, ("id", "position", "urgency", "text"), parent="version"),
        Part("contributors", VersionContributor, ("id", "user", "via"), parent="version", newer=(("via", 2),)),
        Part("figures", VersionFigure, (
            "id", "position", "sha256", "extension", "width", "height", "alt_text", "caption", "after_heading",
        ), parent="version"),
    ), newer=(("withdrawn_at", 2), ("withdrawn_by", 2), ("withdrawal_reason", 2)), added_later=("figures",)),
    Part("audit_events", AuditEvent, (
        "id", "leaflet", "version", "action", "actor", "at", "from_status", "to_status", "content_hash", "comment",
        "content", "attestation",
    ), added_later=("content",), newer=(("attestation", 2),)),
    Part("leaflet_changes", LeafletChange, ("id", "leaflet", "actor", "at", "field", "before", "after"), since=2),
    Part("leaflet_codes", LeafletCode, ("id", "leaflet", "system", "code", "display"), since=3),
    Part("share_links", ShareLink, (
        "id", "token_hash", "version", "clinic", "created_by", "created_at", "expires_at", "revoked_at",
        "revoked_by", "view_count", "views_after_withdrawal", "form_key_hash",
    ), added_later=("form_key_hash",), newer=(("views_after_withdrawal", 2),)),
    Part("handouts", Handout, (
        "id", "channel", "clinic", "created_by", "created_at", "share_link", "options",
    ), children=(
        Part("items", HandoutItem, ("id", "version", "position"), parent="handout"),
    )),
    Part("review_reminders", ReviewReminder, ("id", "leaflet", "recipient", "sent_on", "review_due")),
    # Format 3: the staff workspace (migration 0015).
    Part("staff_profiles", StaffProfile, ("id", "user", "language"), since=3),
    Part("review_requests", ReviewRequest, ("id", "version", "reviewer", "requested_by", "at"), since=3),
    Part("review_renewals", ReviewRenewal, (
        "id", "version", "reviewed_by", "reviewed_at", "previous_review_due", "review_due", "content_hash",
        "attestation", "comment",
    ), since=3),
    Part("notifications", Notification, (
        "id", "recipient", "kind", "leaflet", "version", "actor", "comment", "key", "created_at", "emailed_at",
        "email_failed", "read_at",
    ), since=3),
)  # fmt: skip
SECTION_KEYS = ("users", *(part.key for part in SECTIONS))
ALL_MODELS = [model for part in SECTIONS for model in (part.model, *(child.model for child in part.children))]
SECTION_OF_MODEL = {part.model: part.key for part in SECTIONS}
# Values a model no longer offers but older rows may still hold (the database's constraint still allows
# them): public PDF downloads were recorded as handouts until they stopped writing anything.
LEGACY_VALUES = {(Handout, "channel"): ("download",)}
# A withdrawal: all three set at once, on a retired version only (migration 0011).
WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawn_by", "withdrawal_reason")
# Left empty when an imported version is inserted as a draft, and set by the workflow steps below.
VERSION_FINAL_FIELDS = (
    "status", "approved_by", "approved_at", "published_at", "retired_at", "review_due", *WITHDRAWAL_FIELDS,
)  # fmt: skip
# The workflow steps an imported version takes from draft to its status in the file (migration 0012 allows
# no shortcut), and the fields each step sets. A withdrawal is set on the step into retired, or after it.
STEPS_TO_STATUS = {
    "draft": (),
    "in_review": ("in_review",),
    "published": ("in_review", "published"),
    "retired": ("in_review", "published", "retired"),
    "discarded": ("discarded",),
}
FIELDS_SET_BY_STEP = {
    "published": ("approved_by", "approved_at", "published_at", "review_due"),
    "retired": ("retired_at",),
}
# What each audit action records: the status changes (from, to) it may make. A withdrawal retires a published
# version, or withdraws one that was already retired (superseded); a recall changes no status.
PUBLIC_STATUSES = tuple(str(status) for status in LeafletVersion.PUBLIC_STATUSES)
EVENT_STEPS = {
    "created": {("", "draft")},
    "edited": {("draft", "draft")},
    "submitted": {("draft", "in_review")},
    "sent_back": {("in_review", "draft")},
    "published": {("in_review", "published")},
    "retired": {("published", "retired")},
    "discarded": {("draft", "discarded"), ("in_review", "discarded")},
    "withdrawn": {("published", "retired"), ("retired", "retired")},
    "revoked_all": {(status, status) for status in PUBLIC_STATUSES},
    "recall_sent": {(status, status) for status in PUBLIC_STATUSES},
    "reviewed": {("published", "published")},  # reviewed, no change: a renewal of the review date
}
EDITING_ACTIONS = ("created", "edited")  # the only steps that change a version's content


def is_user_field(model_field: models.Field) -> bool:
    return model_field.is_relation and model_field.related_model is get_user_model()


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def summary(data: dict) -> str:
    versions = data["versions"]
    return (
        f"{len(data['clinics'])} clinics, {len(data['leaflets'])} leaflets, {len(versions)} versions "
        f"({sum(len(v['help_signs']) for v in versions)} signs to get help, "
        f"{sum(len(v.get('figures', [])) for v in versions)} figures), {len(data['audit_events'])} audit "
        f"events, {len(data.get('leaflet_changes', []))} leaflet detail changes, {len(data['share_links'])} share "
        f"links, {len(data['handouts'])} handout records, {len(data['review_reminders'])} review reminders, "
        f"{len(data['users'])} users"
    )


def load_file(path: str | os.PathLike) -> dict:
    """Read and parse an export file, checking its format marker and version; TransferError otherwise."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise TransferError(f"There is no file {source}.") from None
    except IsADirectoryError:
        raise TransferError(f"{source} is a folder, not an export file.") from None
    except OSError as error:
        raise TransferError(f"Could not read {source}: {error.strerror}.") from None
    if not raw.strip():
        raise TransferError(f"{source} is empty.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TransferError(
            f"{source} is not a leaflet export: it is not UTF-8 text (is it compressed, or a database dump?)."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TransferError(
            f"{source} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "the file may be truncated or corrupt."
        ) from None
    except RecursionError:
        raise TransferError(f"{source} is not a leaflet export: it is nested far too deeply.") from None
    check_format(data, source=str(source))
    return data


def section_keys(format_version: int) -> tuple[str, ...]:
    """The sections a file of `format_version` has, in order."""
    return ("users", *(part.key for part in SECTIONS if part.since <= format_version))


def check_format(data, *, source: str = "The file") -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(f'{source} is not a leaflet export (it has no "format": "{FORMAT}" marker).')
    version = data.get("format_version")
    if type(version) is not int or version < 1:
        raise TransferError(f"{source} has no valid format_version.")
    if version > FORMAT_VERSION:
        raise TransferError(
            f"{source} was written in format {version} by a newer version of the app; this version reads "
            f"format {FORMAT_VERSION}. Upgrade the app, then import again."
        )
    keys = section_keys(version)
    missing = [key for key in keys if key not in data]
    unknown = sorted(set(data) - {"format", "format_version", PICTURES_KEY, *keys})
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unknown:
            parts.append("unknown " + ", ".join(unknown))
        raise TransferError(f"{source} does not have the sections of format {version} ({'; '.join(parts)}).")
    for key in (*keys, PICTURES_KEY) if PICTURES_KEY in data else keys:
        if not isinstance(data[key], list) or not all(isinstance(record, dict) for record in data[key]):
            raise TransferError(f'{source}: "{key}" must be a list of records.')
