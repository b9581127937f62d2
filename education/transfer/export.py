"""Writing the export: every section in a stable order, from one consistent snapshot of the database."""

from __future__ import annotations

import base64
import datetime
import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from education import figures
from education.models import VersionFigure
from education.transfer.format import (
    FORMAT,
    FORMAT_VERSION,
    PICTURES_KEY,
    SECTIONS,
    Part,
    TransferError,
    dumps,
    is_user_field,
)


def _sorted_json(value):
    """JSON values with every object's keys sorted, so a JSONField exports the same bytes on any database."""
    if isinstance(value, dict):
        return {key: _sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_json(item) for item in value]
    return value


def _encode(obj: models.Model, model_field: models.Field, usernames: dict[int, str]):
    value = getattr(obj, model_field.attname)
    if value is None:
        return None
    if is_user_field(model_field):
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
        pictures = _pictures()
        if pictures:
            data[PICTURES_KEY] = pictures
    return data


def _pictures() -> list[dict]:
    """Each figure's original picture once, from storage, so the file restores figures without the media
    backup. A missing picture stops the export: a copy that cannot show a version as approved is no copy."""
    records = []
    for sha256, extension in VersionFigure.objects.values_list("sha256", "extension").distinct().order_by("sha256"):
        name = figures.original_name(sha256, extension)
        try:
            with default_storage.open(name, "rb") as file:
                data = file.read()
        except OSError as error:
            raise TransferError(f"The figure picture {name} is not in the media storage ({error}).") from error
        records.append({"sha256": sha256, "extension": extension, "data": base64.b64encode(data).decode("ascii")})
    return records


def _user_ids(part: Part, rows) -> set[int]:
    names = [name for name in part.fields if is_user_field(part.model_field(name))]
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
