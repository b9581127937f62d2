"""Loading a checked file into an empty database, through the database's own rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from education import search
from education.models import HelpSign, LeafletVersion
from education.services.figures import store_picture_files
from education.transfer.checks import check_history, decode
from education.transfer.format import (
    ALL_MODELS,
    FIELDS_SET_BY_STEP,
    PICTURES_KEY,
    SECTIONS,
    STEPS_TO_STATUS,
    VERSION_FINAL_FIELDS,
    WITHDRAWAL_FIELDS,
    Part,
    Status,
    TransferError,
    check_format,
    is_user_field,
)


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    users_matched: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
    users, sections = decode(data)
    check_history(sections, format_version=data["format_version"])
    report = ImportReport()
    for picture in sections[PICTURES_KEY].values():
        store_picture_files(picture)  # before the rows that name them; a file no row uses is harmless
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
            search.rebuild()  # the search index of the published versions just loaded
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
        if is_user_field(model_field) and value is not None:
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
    and figures, then take it through the workflow steps to its real status, one UPDATE per step, with its approval
    fields on the step that publishes it. A version withdrawn while published takes its withdrawal on the
    step that retires it; one withdrawn after it was superseded, in one more UPDATE of the retired row (the
    triggers of migration 0011 allow exactly these two). Drafts and versions in review come last, so each
    leaflet and language has at most one open version at every step."""
    signs, contributors, figures = part.children
    final_names = set(VERSION_FINAL_FIELDS)
    ordered = sorted(records, key=lambda values: (values["status"] in LeafletVersion.OPEN_STATUSES, values["id"]))
    for values in ordered:
        draft_values = {name: (None if name in final_names else values[name]) for name in part.fields}
        draft_values["status"] = LeafletVersion.Status.DRAFT
        _insert(_instance(part, draft_values, user_ids))
        children = ((signs, values["help_signs"]), (contributors, values["contributors"]), (figures, values["figures"]))
        for child, items in children:
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
