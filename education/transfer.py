"""Export every leaflet and its history to one JSON file, and load such a file into an empty database.

The file is a portable copy next to the database backups (see docs/operations.md): clinics, leaflets, every
version in every status (with its "when to get help" signs and contributors, and its withdrawal if it was
withdrawn), the audit trail (with the statement each approver signed), changes to leaflets' details, share
links (token hashes only), handout records and review reminders. People are named by username, with their
names, email, active/staff flags and groups; password hashes are never written.

The file is a JSON object: "format" and "format_version" first, then one list per section, each sorted by id
(users by username), each record with the same keys in the same order. Exporting the same data twice gives
the same bytes, so an import followed by an export can be compared with the original file. Exports are
written in format 2, which added withdrawal (versions' withdrawn_at, withdrawn_by, withdrawal_reason), the
approver's attestation on audit events, contributors counted through copied text (`via`), share links'
views_after_withdrawal, and the leaflet_changes section. A format 1 file (written before those existed)
still imports, with those fields empty and no leaflet changes; a newer format is refused.

The import keeps primary keys and timestamps, and goes through the database's own rules (constraints and
the triggers of migrations 0002, 0005, 0011 and 0012) rather than around them: each version is inserted as
a draft, its signs and contributors are added, then it steps through the workflow to its final status
(draft -> in_review -> published -> retired, or draft -> discarded), taking its approval fields on the step
that publishes it, so the four-eyes trigger checks every approval in the file. A withdrawn version takes its
withdrawal on the step that retires it when it was withdrawn while published, or in an update of the
retired row when it was withdrawn after being superseded, the only two ways the triggers allow.

Before anything is written the import also checks that the file tells the truth about itself: every
version's content matches its fingerprint (`content_hash`), and each version's audit events are a real
sequence of workflow steps that ends in the version's status, signed off by the recorded approver, who never
edited it, and withdrawn by the person the version names if (and only if) it was withdrawn. A file edited
by hand (a published text changed, an approval forged, a withdrawal taken out) is refused.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NoReturn

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.utils.dateparse import parse_datetime

from clinic.models import Clinic
from education.content import content_fingerprint
from education.models import (
    AuditEvent,
    Handout,
    HandoutItem,
    HelpSign,
    Leaflet,
    LeafletChange,
    LeafletVersion,
    ReviewReminder,
    ShareLink,
    VersionContributor,
)

FORMAT = "clinic-leaflets"
FORMAT_VERSION = 2
MAX_ID = 2**63 - 1
Status = LeafletVersion.Status
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
    ), newer=(("withdrawn_at", 2), ("withdrawn_by", 2), ("withdrawal_reason", 2))),
    Part("audit_events", AuditEvent, (
        "id", "leaflet", "version", "action", "actor", "at", "from_status", "to_status", "content_hash", "comment",
        "content", "attestation",
    ), added_later=("content",), newer=(("attestation", 2),)),
    Part("leaflet_changes", LeafletChange, ("id", "leaflet", "actor", "at", "field", "before", "after"), since=2),
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
}
EDITING_ACTIONS = ("created", "edited")  # the only steps that change a version's content


def _is_user_field(model_field: models.Field) -> bool:
    return model_field.is_relation and model_field.related_model is get_user_model()


def _sorted_json(value):
    """JSON values with every object's keys sorted, so a JSONField exports the same bytes on any database."""
    if isinstance(value, dict):
        return {key: _sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_json(item) for item in value]
    return value


# --- export -----------------------------------------------------------------------------------------------


def _encode(obj: models.Model, model_field: models.Field, usernames: dict[int, str]):
    value = getattr(obj, model_field.attname)
    if value is None:
        return None
    if _is_user_field(model_field):
        return usernames[value]
    if isinstance(model_field, models.DateTimeField):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(model_field, models.DateField):
        return value.isoformat()
    if isinstance(model_field, models.FileField):
        return value.name or ""
    if isinstance(model_field, models.JSONField):
        return _sorted_json(value)
    return value


def _records(part: Part, rows, usernames: dict[int, str], children: dict[str, dict[int, list]]) -> list[dict]:
    fields = [part.model_field(name) for name in part.fields]
    records = []
    for obj in rows:
        record = {model_field.name: _encode(obj, model_field, usernames) for model_field in fields}
        for child in part.children:
            record[child.key] = children[child.key].get(obj.pk, [])
        records.append(record)
    return records


def export_data() -> dict:
    """Everything, as one JSON-ready dict in a stable order. Read in one transaction (one snapshot)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one consistent snapshot across all the reads below
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        user_model = get_user_model()
        usernames = dict(user_model._default_manager.values_list("pk", user_model.USERNAME_FIELD))
        used_user_ids: set[int] = set()
        data: dict = {"format": FORMAT, "format_version": FORMAT_VERSION, "users": []}
        for part in SECTIONS:
            children: dict[str, dict[int, list]] = {}
            for child in part.children:
                grouped: dict[int, list] = {}
                for obj in child.model._default_manager.order_by("pk"):
                    grouped.setdefault(getattr(obj, f"{child.parent}_id"), []).append(obj)
                children[child.key] = {
                    parent_id: _records(child, rows, usernames, {}) for parent_id, rows in grouped.items()
                }
                used_user_ids |= _user_ids(child, [obj for rows in grouped.values() for obj in rows])
            rows = list(part.model._default_manager.order_by("pk"))
            used_user_ids |= _user_ids(part, rows)
            data[part.key] = _records(part, rows, usernames, children)
        data["users"] = _users(sorted(used_user_ids))
    return data


def _user_ids(part: Part, rows) -> set[int]:
    names = [name for name in part.fields if _is_user_field(part.model_field(name))]
    return {getattr(obj, f"{name}_id") for obj in rows for name in names} - {None}


def _users(user_ids: list[int]) -> list[dict]:
    user_model = get_user_model()
    users = user_model._default_manager.filter(pk__in=user_ids).prefetch_related("groups")
    records = [
        {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "groups": sorted(group.name for group in user.groups.all()),
        }
        for user in users
    ]
    return sorted(records, key=lambda record: record["username"])


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_text() -> str:
    return dumps(export_data())


def write_export(path: str | os.PathLike) -> None:
    """Write the export to `path` atomically (a half-written file never replaces a good one), mode 0600."""
    target = Path(path)
    if target.is_dir():
        raise TransferError(f"{target} is a folder; give a file name, for example {target / 'leaflets.json'}.")
    if not target.parent.is_dir():
        raise TransferError(f"The folder {target.parent} does not exist.")
    text = export_text()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise TransferError(f"Could not write to {target.parent}: {error.strerror}.") from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise TransferError(f"Could not write {target}: {error.strerror}.") from error


def summary(data: dict) -> str:
    versions = data["versions"]
    return (
        f"{len(data['clinics'])} clinics, {len(data['leaflets'])} leaflets, {len(versions)} versions "
        f"({sum(len(v['help_signs']) for v in versions)} signs to get help), {len(data['audit_events'])} audit "
        f"events, {len(data.get('leaflet_changes', []))} leaflet detail changes, {len(data['share_links'])} share "
        f"links, {len(data['handouts'])} handout records, {len(data['review_reminders'])} review reminders, "
        f"{len(data['users'])} users"
    )


# --- reading and checking a file --------------------------------------------------------------------------


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
    unknown = sorted(set(data) - {"format", "format_version", *keys})
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unknown:
            parts.append("unknown " + ", ".join(unknown))
        raise TransferError(f"{source} does not have the sections of format {version} ({'; '.join(parts)}).")
    for key in keys:
        if not isinstance(data[key], list) or not all(isinstance(record, dict) for record in data[key]):
            raise TransferError(f'{source}: "{key}" must be a list of records.')


# --- import -----------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    users_matched: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Decoder:
    """Turns records of the file into model field values, with an error that says where a value is wrong."""

    def __init__(self, data: dict):
        self.data = data
        self.format_version: int = data["format_version"]
        self.usernames = {record.get("username") for record in data["users"]}
        self.ids: dict[str, set[int]] = {}

    def section(self, part: Part) -> list[dict]:
        """The records of a section; none for a section newer than the file's format."""
        return self.data[part.key] if part.since <= self.format_version else []

    def fail(self, where: str, message: str) -> NoReturn:
        raise TransferError(f"{where}: {message}")

    def collect_ids(self) -> None:
        for part in SECTIONS:
            seen: set[int] = set()
            child_seen: dict[str, set[int]] = {child.key: set() for child in part.children}
            for index, record in enumerate(self.section(part)):
                self._take_id(record, f"{part.key}[{index}]", seen)
                for child in part.children:
                    items = record.get(child.key)
                    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                        self.fail(f"{part.key}[{index}]", f'"{child.key}" must be a list of records')
                    for child_index, item in enumerate(items):
                        where = f"{part.key}[{index}].{child.key}[{child_index}]"
                        self._take_id(item, where, child_seen[child.key])
            self.ids[part.key] = seen

    def _take_id(self, record: dict, where: str, seen: set[int]) -> None:
        pk = record.get("id")
        if type(pk) is not int or not 1 <= pk <= MAX_ID:
            self.fail(where, "id must be a positive whole number")
        if pk in seen:
            self.fail(where, f"id {pk} appears twice")
        seen.add(pk)

    def record(self, part: Part, record: dict, where: str) -> dict:
        fields = part.fields_in(self.format_version)
        expected = set(fields) | {child.key for child in part.children}
        missing = [
            name
            for name in (*fields, *(c.key for c in part.children))
            if name not in record and name not in part.added_later
        ]
        unknown = sorted(set(record) - expected)
        if missing:
            self.fail(where, "missing " + ", ".join(missing))
        if unknown:
            self.fail(where, "unknown field(s) " + ", ".join(unknown))
        values = {}
        for name in part.fields:
            model_field = part.model_field(name)
            if name not in record:  # added later, or in a later format (see Part.added_later and Part.newer)
                values[name] = model_field.get_default()
            else:
                values[name] = self.value(model_field, record[name], f"{where}.{name}")
        return values

    def value(self, model_field: models.Field, raw, where: str):
        if raw is None:
            if model_field.null:
                return None
            self.fail(where, "a value is required")
        if model_field.primary_key:
            return raw  # checked by collect_ids
        if model_field.is_relation:
            return self._reference(model_field, raw, where)
        value = self._typed(model_field, raw, where)
        if model_field.choices:
            allowed = [choice for choice, _label in model_field.flatchoices]
            allowed += LEGACY_VALUES.get((model_field.model, model_field.name), ())
            if value not in allowed:
                self.fail(where, f"{raw!r} is not one of {', '.join(allowed)}")
        try:
            model_field.run_validators(value)
        except ValidationError as error:
            self.fail(where, " ".join(error.messages))
        return value

    def _reference(self, model_field: models.Field, raw, where: str):
        if _is_user_field(model_field):
            if not isinstance(raw, str) or raw not in self.usernames:
                self.fail(where, f"{raw!r} is not a username listed in the users section")
            return raw
        section = SECTION_OF_MODEL[model_field.related_model]
        if type(raw) is not int or raw not in self.ids[section]:
            self.fail(where, f"{raw!r} is not the id of a record in the {section} section")
        return raw

    def _typed(self, model_field: models.Field, raw, where: str):
        if isinstance(model_field, models.DateTimeField):
            try:
                parsed = parse_datetime(raw) if isinstance(raw, str) else None
            except ValueError:
                parsed = None
            if parsed is None or parsed.tzinfo is None:
                self.fail(where, f"{raw!r} is not a date and time with a time zone (ISO 8601)")
            return parsed
        if isinstance(model_field, models.DateField):
            try:
                if isinstance(raw, str) and len(raw) == 10:
                    return datetime.date.fromisoformat(raw)
            except ValueError:
                pass
            self.fail(where, f"{raw!r} is not a date (YYYY-MM-DD)")
        if isinstance(model_field, models.BooleanField):
            if type(raw) is not bool:
                self.fail(where, "must be true or false")
            return raw
        if isinstance(model_field, models.IntegerField):
            if type(raw) is not int or abs(raw) > MAX_ID:
                self.fail(where, "must be a whole number")
            return raw
        if isinstance(model_field, models.JSONField):
            return raw
        if not isinstance(raw, str):
            self.fail(where, "must be text")
        if "\x00" in raw:
            self.fail(where, "must not contain NUL characters")
        if isinstance(model_field, models.FileField):
            path = PurePosixPath(raw)
            if raw and (path.is_absolute() or ".." in path.parts or "\\" in raw):
                self.fail(where, f"{raw!r} is not a file name inside the media storage")
            if len(raw) > model_field.max_length:
                self.fail(where, f"longer than {model_field.max_length} characters")
        return raw


def _decode(data: dict) -> tuple[list[dict], dict[str, list[dict]]]:
    """Check the whole file before anything is written; return users and each section's decoded records."""
    decoder = _Decoder(data)
    users = []
    seen_usernames: set[str] = set()
    user_model = get_user_model()
    username_field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    for index, record in enumerate(data["users"]):
        where = f"users[{index}]"
        if set(record) != set(USER_KEYS):
            decoder.fail(where, f"a user has exactly the fields {', '.join(USER_KEYS)}")
        for name in ("first_name", "last_name", "email"):
            decoder.value(user_model._meta.get_field(name), record[name], f"{where}.{name}")
        username = decoder.value(username_field, record["username"], f"{where}.username")
        if not username or username in seen_usernames:
            decoder.fail(where, f"username {username!r} is empty or appears twice")
        seen_usernames.add(username)
        if type(record["is_active"]) is not bool or type(record["is_staff"]) is not bool:
            decoder.fail(where, "is_active and is_staff must be true or false")
        groups = record["groups"]
        if not isinstance(groups, list) or not all(isinstance(name, str) and name for name in groups):
            decoder.fail(f"{where}.groups", "must be a list of group names")
        users.append(record)
    decoder.collect_ids()
    sections: dict[str, list[dict]] = {}
    for part in SECTIONS:
        decoded = []
        for index, record in enumerate(decoder.section(part)):
            where = f"{part.key}[{index}] (id {record['id']})"
            values = decoder.record(part, record, where)
            for child in part.children:
                values[child.key] = [
                    decoder.record(child, item, f"{where}.{child.key}[{child_index}]")
                    for child_index, item in enumerate(record[child.key])
                ]
            decoded.append(values)
        sections[part.key] = decoded
    return users, sections


# --- checking the history a file tells ---------------------------------------------------------------------


@dataclass
class _VersionHistory:
    """A version's audit trail so far, as the check reads its events in order."""

    status: str = ""
    content_hash: str = ""
    last_event: int = 0
    editors: set[str] = field(default_factory=set)
    withdrawal_event: int = 0  # the id of its 'withdrawn' event, once read


def _fingerprint(*, language: str, title: str, summary: str, body: str, references: str, signs) -> str:
    """The version's content fingerprint, computed exactly as the workflow services compute it."""
    return content_fingerprint(
        language=language, title=title, summary=summary, body=body, help_signs=signs, references=references
    )


def _version_fingerprint(version: dict) -> str:
    signs = sorted(version["help_signs"], key=lambda sign: (sign["position"], sign["id"]))
    return _fingerprint(
        language=version["language"],
        title=version["title"],
        summary=version["summary"],
        body=version["body"],
        references=version["references"],
        signs=[(sign["urgency"], sign["text"]) for sign in signs],
    )


def _snapshot_fingerprint(content, language: str) -> str | None:
    """The fingerprint of content kept with an audit event (`education.content.content_data`), or None when
    it does not have that shape."""
    texts = ("title", "summary", "body", "references")
    if not isinstance(content, dict) or set(content) != {*texts, "signs"}:
        return None
    if not all(isinstance(content[key], str) for key in texts):
        return None
    signs = content["signs"]
    if not isinstance(signs, list) or not all(
        isinstance(sign, list) and len(sign) == 2 and all(isinstance(part, str) for part in sign) for sign in signs
    ):
        return None
    return _fingerprint(language=language, **{key: content[key] for key in texts}, signs=[tuple(s) for s in signs])


def _check_history(sections: dict[str, list[dict]], *, format_version: int = FORMAT_VERSION) -> None:
    """Refuse a file that does not tell the truth about itself: a version whose content does not match its
    fingerprint, or whose audit events are not a sequence of workflow steps ending in its status, approved
    by its recorded approver, who never wrote or edited it, and withdrawn (exactly when the version says so)
    by the person it names. The error names the first bad record."""

    def fail(where: str, message: str) -> NoReturn:
        raise TransferError(f"{where}: {message}")

    versions: dict[int, tuple[str, dict]] = {}
    for index, version in enumerate(sections["versions"]):
        where = f"versions[{index}] (id {version['id']})"
        versions[version["id"]] = (where, version)
        if not version["content_hash"]:
            fail(where, "it has no content_hash (the fingerprint of its content)")
        if _version_fingerprint(version) != version["content_hash"]:
            fail(
                where,
                "its content does not match its content_hash: the title, summary, body, references or signs to "
                "get help were changed after the fingerprint was taken",
            )
        steps = STEPS_TO_STATUS[version["status"]]
        for step, names in FIELDS_SET_BY_STEP.items():
            for name in names:
                if step not in steps and version[name] is not None:
                    fail(where, f"a {version['status']} version cannot have {name} (only the {step} step sets it)")
        _check_withdrawal_fields(version, where, fail)

    histories: dict[int, _VersionHistory] = {}
    events = sorted(enumerate(sections["audit_events"]), key=lambda pair: pair[1]["id"])  # the order they happened
    for index, event in events:
        where = f"audit_events[{index}] (id {event['id']})"
        _version_where, version = versions[event["version"]]
        its_version = f"its version (id {version['id']})"
        action, actor, before, after = event["action"], event["actor"], event["from_status"], event["to_status"]
        if event["leaflet"] != version["leaflet"]:
            fail(
                where, f"it names leaflet {event['leaflet']}, but {its_version} belongs to leaflet {version['leaflet']}"
            )
        allowed = EVENT_STEPS[action]
        if (before, after) not in allowed:
            ways = " or ".join(f"from {start!r} to {end!r}" for start, end in sorted(allowed))
            fail(where, f"a {action!r} event goes {ways}, not from {before!r} to {after!r}")
        history = histories.get(version["id"])
        if history is None:
            if action != "created":
                fail(where, f"the history of {its_version} must start with a 'created' event, not {action!r}")
            history = histories[version["id"]] = _VersionHistory()
        elif before != history.status:
            fail(
                where,
                f"it starts from {before!r}, but {its_version} was {history.status!r} after its previous event "
                f"(id {history.last_event})",
            )
        if action == "created" and actor != version["created_by"]:
            fail(where, f"{its_version} was created by {version['created_by']!r}, not by {actor!r}")
        if action in EDITING_ACTIONS and actor == version["approved_by"]:
            fail(where, f"{actor!r} approved {its_version}, so cannot also have written or edited it (four-eyes rule)")
        if action == "published":
            if actor != version["approved_by"]:
                fail(
                    where,
                    f"published by {actor!r}, but {its_version} records {version['approved_by']!r} as its approver",
                )
            if event["content_hash"] != version["content_hash"]:
                fail(where, f"its content_hash is not the content_hash of {its_version}, so it approved other content")
        elif event["attestation"] is not None:
            fail(where, f"a {action!r} event has an attestation; only the approver's 'published' event has one")
        if action == "withdrawn":
            if version["withdrawn_at"] is None:
                fail(
                    where,
                    f"it records a withdrawal, but {its_version} has no withdrawn_at: imported like this, a "
                    "withdrawn text would be shown to patients again",
                )
            if history.withdrawal_event:
                fail(where, f"{its_version} was already withdrawn (audit event id {history.withdrawal_event})")
            if actor != version["withdrawn_by"]:
                fail(
                    where,
                    f"withdrawn by {actor!r}, but {its_version} records {version['withdrawn_by']!r} as who withdrew it",
                )
            if event["comment"] != version["withdrawal_reason"]:
                fail(where, f"its comment is not the withdrawal_reason of {its_version}")
            history.withdrawal_event = event["id"]
        if action in EDITING_ACTIONS:
            history.content_hash = event["content_hash"]
            history.editors.add(actor)
        elif event["content_hash"] != history.content_hash:
            fail(
                where,
                f"its content_hash is not that of the content of {its_version} at this step ({action!r} does "
                "not change the content; only 'created' and 'edited' do)",
            )
        if event["content"] is not None:
            if _snapshot_fingerprint(event["content"], version["language"]) != event["content_hash"]:
                fail(where, "the content kept with it does not match its content_hash")
        history.status, history.last_event = after, event["id"]

    for where, version in versions.values():
        history = histories.get(version["id"])
        if history is None:
            fail(where, "it has no audit events (every version's history starts with a 'created' event)")
        if version["withdrawn_at"] is not None and not history.withdrawal_event:
            fail(
                where, "it was withdrawn (withdrawn_at), but no 'withdrawn' audit event records who withdrew it and why"
            )
        if history.status != version["status"]:
            fail(where, f"its audit events end in {history.status!r}, but its status is {version['status']!r}")
        if history.content_hash != version["content_hash"]:
            fail(where, "its content_hash is not the one its last 'created' or 'edited' audit event recorded")
        listed = {contributor["user"] for contributor in version["contributors"]}
        unlisted = sorted(history.editors - listed)
        if unlisted:
            fail(where, f"{unlisted[0]!r} wrote or edited it (audit events) but is not listed among its contributors")
        if version["approved_by"] in listed:
            fail(where, f"{version['approved_by']!r} approved it but is listed among its contributors (four-eyes rule)")
        if format_version >= 2:  # a format 1 file does not say which contributors came with copied text
            _check_copied_contributors(version, where, history, versions, fail)


def _check_withdrawal_fields(version: dict, where: str, fail) -> None:
    """A withdrawal is complete (when, by whom, why) and only on a retired version; an incomplete one or one
    on another status would be refused by the database, so say which record it is."""
    if version["withdrawn_at"] is None:
        if version["withdrawn_by"] is not None or version["withdrawal_reason"] is not None:
            fail(where, "only a withdrawn version (with withdrawn_at) has withdrawn_by or a withdrawal_reason")
        return
    if version["status"] != "retired":
        fail(where, f"a {version['status']} version cannot have been withdrawn (only a retired one has withdrawn_at)")
    if version["withdrawn_by"] is None or not (version["withdrawal_reason"] or "").strip():
        fail(where, "a withdrawn version has withdrawn_by and a withdrawal_reason as well as withdrawn_at")


def _check_copied_contributors(version: dict, where: str, history: _VersionHistory, versions: dict, fail) -> None:
    """A contributor without `via` wrote or edited the version (audit events say so); one with `via` wrote
    text the version was copied from: that other version's author or one of its contributors."""
    for contributor in version["contributors"]:
        person, via = contributor["user"], contributor["via"]
        if via is None:
            if person not in history.editors:
                fail(
                    where,
                    f"{person!r} is listed among its contributors as having written or edited it, but no "
                    "'created' or 'edited' audit event is theirs (a contributor through copied text names the "
                    "version copied from in `via`)",
                )
            continue
        _source_where, source = versions[via]
        authors = {source["created_by"], *(other["user"] for other in source["contributors"])}
        if via == version["id"] or source["leaflet"] != version["leaflet"] or person not in authors:
            fail(
                where,
                f"{person!r} is listed as a contributor through text copied from version {via}, which is not "
                "another version of the same leaflet with them as its author or one of its contributors",
            )


def existing_rows() -> dict[str, int]:
    """Rows already in the tables an import fills, by model (empty when the database is empty)."""
    found = {}
    for model in ALL_MODELS:
        count = model._default_manager.count()
        if count:
            name = "signs to get help" if model is HelpSign else str(model._meta.verbose_name_plural)
            found[name] = count
    return found


def import_data(data: dict) -> ImportReport:
    """Load a parsed export into an empty database in one transaction: all of it, or nothing."""
    check_format(data)
    users, sections = _decode(data)
    _check_history(sections, format_version=data["format_version"])
    report = ImportReport()
    try:
        with transaction.atomic():
            present = existing_rows()
            if present:
                listed = ", ".join(f"{count} {name}" for name, count in present.items())
                raise TransferError(
                    f"The database is not empty ({listed}). import_leaflets only loads into an empty database, "
                    "so that nothing is overwritten or mixed up: restore into a freshly migrated database."
                )
            user_ids = _import_users(users, report)
            for part in SECTIONS:
                _import_section(part, sections, user_ids)
                report.counts[part.key] = len(sections[part.key])
                for child in part.children:
                    report.counts[child.key] = sum(len(record[child.key]) for record in sections[part.key])
            _reset_sequences()
            connection.check_constraints(table_names=[model._meta.db_table for model in ALL_MODELS])
    except DatabaseError as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
        raise TransferError(f"The file breaks a database rule, so nothing was imported: {message}") from None
    for clinic in sections["clinics"]:
        if clinic["logo"] and not default_storage.exists(clinic["logo"]):
            report.warnings.append(
                f"The logo of clinic {clinic['slug']} ({clinic['logo']}) is not in the media storage: "
                "restore the media backup (see docs/operations.md)."
            )
    return report


def _import_users(users: list[dict], report: ImportReport) -> dict[str, int]:
    """Match people by username; create the missing ones inactive, with no usable password."""
    user_model = get_user_model()
    ids = {}
    for record in users:
        username = record["username"]
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is not None:
            report.users_matched.append(username)
        else:
            user = user_model(
                **{user_model.USERNAME_FIELD: username},
                first_name=record["first_name"],
                last_name=record["last_name"],
                email=record["email"],
                is_staff=record["is_staff"],
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            groups = list(Group.objects.filter(name__in=record["groups"]).order_by("name"))
            user.groups.set(groups)
            for name in sorted(set(record["groups"]) - {group.name for group in groups}):
                report.warnings.append(f"User {username}: there is no group {name!r} here, so it was not added.")
            report.users_created.append(username)
        ids[username] = user.pk
    return ids


def _column_values(part: Part, values: dict, names, user_ids: dict[str, int]) -> dict:
    """Model attribute -> value for these fields of a decoded record (users by their id here)."""
    columns = {}
    for name in names:
        model_field = part.model_field(name)
        value = values[name]
        if _is_user_field(model_field) and value is not None:
            value = user_ids[value]
        columns[model_field.attname] = value
    return columns


def _instance(part: Part, values: dict, user_ids: dict[str, int], **extra) -> models.Model:
    return part.model(**_column_values(part, values, part.fields, user_ids), **extra)


def _insert(obj: models.Model) -> None:
    # raw=True, as loaddata does: auto_now and auto_now_add fields keep the values from the file.
    obj.save_base(raw=True, force_insert=True)


def _import_section(part: Part, sections: dict[str, list[dict]], user_ids: dict[str, int]) -> None:
    records = sections[part.key]
    if part.model is LeafletVersion:
        _import_versions(part, records, user_ids, withdrawn_from=_withdrawn_from(sections["audit_events"]))
        return
    for values in records:
        _insert(_instance(part, values, user_ids))
        for child in part.children:
            for child_values in values[child.key]:
                _insert(_instance(child, child_values, user_ids, **{f"{child.parent}_id": values["id"]}))


def _withdrawn_from(events: list[dict]) -> dict[int, str]:
    """Version id -> the status it was withdrawn from (published, or retired for a superseded version), as
    its 'withdrawn' audit event says (the history check made sure there is exactly one per withdrawal)."""
    return {event["version"]: event["from_status"] for event in events if event["action"] == "withdrawn"}


def _import_versions(
    part: Part, records: list[dict], user_ids: dict[str, int], *, withdrawn_from: dict[int, str]
) -> None:
    """Insert each version as a draft (signs can only be added to drafts), add its signs and contributors,
    then take it through the workflow steps to its real status, one UPDATE per step, with its approval
    fields on the step that publishes it. A version withdrawn while published takes its withdrawal on the
    step that retires it; one withdrawn after it was superseded, in one more UPDATE of the retired row (the
    triggers of migration 0011 allow exactly these two). Drafts and versions in review come last, so each
    leaflet and language has at most one open version at every step."""
    signs, contributors = part.children
    final_names = set(VERSION_FINAL_FIELDS)
    ordered = sorted(records, key=lambda values: (values["status"] in LeafletVersion.OPEN_STATUSES, values["id"]))
    for values in ordered:
        draft_values = {name: (None if name in final_names else values[name]) for name in part.fields}
        draft_values["status"] = LeafletVersion.Status.DRAFT
        _insert(_instance(part, draft_values, user_ids))
        for child, items in ((signs, values["help_signs"]), (contributors, values["contributors"])):
            for child_values in items:
                _insert(_instance(child, child_values, user_ids, version_id=values["id"]))
        rows = LeafletVersion.objects.filter(pk=values["id"])
        withdrawal = {}
        if values["withdrawn_at"] is not None:
            withdrawal = _column_values(part, values, WITHDRAWAL_FIELDS, user_ids)
        for status in STEPS_TO_STATUS[values["status"]]:
            step = {"status": status, **_column_values(part, values, FIELDS_SET_BY_STEP.get(status, ()), user_ids)}
            if status == Status.RETIRED and withdrawn_from.get(values["id"]) == Status.PUBLISHED:
                step.update(withdrawal)
                withdrawal = {}
            rows.update(**step)  # update() leaves updated_at alone
        if withdrawal:
            rows.update(**withdrawal)


def _reset_sequences() -> None:
    """Point PostgreSQL's id sequences past the imported ids (SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), ALL_MODELS)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
