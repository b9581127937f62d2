"""Checking a file before anything is written: every value (decoding), then the history it tells."""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import NoReturn

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_datetime

from education import figures
from education.content import content_fingerprint
from education.transfer.format import (
    EDITING_ACTIONS,
    EVENT_STEPS,
    FIELDS_SET_BY_STEP,
    FORMAT_VERSION,
    LEGACY_VALUES,
    MAX_ID,
    PICTURE_KEYS,
    PICTURES_KEY,
    SECTION_OF_MODEL,
    SECTIONS,
    STEPS_TO_STATUS,
    USER_KEYS,
    Part,
    TransferError,
    is_user_field,
)

# --- the values of every record ---------------------------------------------------------------------------


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
                    if child.key not in record and child.key in part.added_later:
                        record[child.key] = []  # a list added later: a file written before it has none
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
        if is_user_field(model_field):
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


def decode(data: dict) -> tuple[list[dict], dict[str, list[dict]]]:
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
    sections[PICTURES_KEY] = _decode_pictures(data.get(PICTURES_KEY, []), sections["versions"])
    return users, sections


def _decode_pictures(records: list[dict], versions: list[dict]) -> dict:
    """sha256 -> the checked picture (education.figures.PreparedFigure), for every picture a figure shows.
    Each is decoded as an upload would be, and its bytes must match its SHA-256 (part of the fingerprint)."""
    pictures = {}
    for index, record in enumerate(records):
        where = f"{PICTURES_KEY}[{index}]"
        if set(record) != set(PICTURE_KEYS) or not all(isinstance(record[key], str) for key in PICTURE_KEYS):
            raise TransferError(f"{where}: a picture has exactly the text fields {', '.join(PICTURE_KEYS)}")
        try:
            data = base64.b64decode(record["data"], validate=True)
            picture = figures.prepare_original(data, expected_sha256=record["sha256"])
        except (ValueError, binascii.Error, ValidationError) as error:
            raise TransferError(f"{where}: not a picture this app made, or not the one its sha256 names") from error
        if picture.extension != record["extension"]:
            raise TransferError(f"{where}: the picture is not a {record['extension']} file")
        pictures[picture.sha256] = picture
    for index, version in enumerate(versions):
        for figure in version["figures"]:
            picture = pictures.get(figure["sha256"])
            if picture is None or (picture.extension, picture.width, picture.height) != (
                figure["extension"], figure["width"], figure["height"]
            ):  # fmt: skip
                raise TransferError(
                    f"versions[{index}] (id {version['id']}): figure {figure['id']} shows a picture that is not "
                    f"in the {PICTURES_KEY} section (or not with that type and size)"
                )
    return pictures


# --- the history a file tells -----------------------------------------------------------------------------


@dataclass
class _VersionHistory:
    """A version's audit trail so far, as the check reads its events in order."""

    status: str = ""
    content_hash: str = ""
    last_event: int = 0
    editors: set[str] = field(default_factory=set)
    withdrawal_event: int = 0  # the id of its 'withdrawn' event, once read


def _fingerprint(*, language: str, title: str, summary: str, body: str, references: str, signs, figures=()) -> str:
    """The version's content fingerprint, computed exactly as the workflow services compute it."""
    return content_fingerprint(
        language=language,
        title=title,
        summary=summary,
        body=body,
        help_signs=signs,
        references=references,
        figures=list(figures),
    )


def version_fingerprint(version: dict) -> str:
    signs = sorted(version["help_signs"], key=lambda sign: (sign["position"], sign["id"]))
    figures = sorted(version.get("figures", []), key=lambda figure: (figure["position"], figure["id"]))
    return _fingerprint(
        language=version["language"],
        title=version["title"],
        summary=version["summary"],
        body=version["body"],
        references=version["references"],
        signs=[(sign["urgency"], sign["text"]) for sign in signs],
        figures=[(f["sha256"], f["alt_text"], f["caption"], f["after_heading"]) for f in figures],
    )


def _snapshot_fingerprint(content, language: str) -> str | None:
    """The fingerprint of content kept with an audit event (`education.content.content_data`), or None when
    it does not have that shape."""
    texts = ("title", "summary", "body", "references")
    if not isinstance(content, dict) or set(content) - {"figures"} != {*texts, "signs"}:
        return None
    figures = content.get("figures", [])
    if not isinstance(figures, list) or not all(
        isinstance(figure, list) and len(figure) == 4 and all(isinstance(part, str) for part in figure)
        for figure in figures
    ):
        return None
    if not all(isinstance(content[key], str) for key in texts):
        return None
    signs = content["signs"]
    if not isinstance(signs, list) or not all(
        isinstance(sign, list) and len(sign) == 2 and all(isinstance(part, str) for part in sign) for sign in signs
    ):
        return None
    return _fingerprint(
        language=language,
        **{key: content[key] for key in texts},
        signs=[tuple(s) for s in signs],
        figures=[tuple(f) for f in figures],
    )


def check_history(sections: dict[str, list[dict]], *, format_version: int = FORMAT_VERSION) -> None:
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
        if version_fingerprint(version) != version["content_hash"]:
            fail(
                where,
                "its content does not match its content_hash: the title, summary, body, references, signs to "
                "get help or figures were changed after the fingerprint was taken",
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
        elif action == "reviewed":  # reviewed, no change: signed like an approval, of the same content
            if not event["attestation"]:
                fail(where, "a 'reviewed' event needs the statement its reviewer signed")
            if event["content_hash"] != version["content_hash"]:
                fail(where, f"its content_hash is not the content_hash of {its_version}, so it reviewed other content")
        elif event["attestation"] is not None:
            fail(
                where,
                f"a {action!r} event has an attestation; only the approver's 'published' and 'reviewed' events have one",
            )
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
