"""Database triggers that keep clinical history intact, whatever the Python code does.

- Published versions never change: the only allowed update retires them (status and retired_at); retired
  and discarded versions never change at all; published and retired versions are never deleted.
- 'When to get help' signs change only while their version is a draft.
- Audit events and the contributor list are append-only.
- Nobody who created or edited a version can be recorded as its approver (four-eyes principle).

SQLite rebuilds a table when a later migration alters it and drops its triggers on the way, so a
migration that alters these tables must run `install_triggers` again (tests check the triggers hold).
"""

from django.db import migrations

VERSION = "education_leafletversion"
SIGN = "education_helpsign"
EVENT = "education_auditevent"
CONTRIBUTOR = "education_versioncontributor"
# Columns a patient or an auditor relies on; only status, retired_at and updated_at move on retirement.
FROZEN_COLUMNS = [
    "leaflet_id", "number", "language", "title", "summary", "body", "references", "change_note",
    "based_on_id", "translation_of_id", "revision", "created_by_id", "created_at", "approved_by_id",
    "approved_at", "published_at", "review_due", "content_hash",
]  # fmt: skip


def _unchanged(vendor: str) -> str:
    op = "IS" if vendor == "sqlite" else "IS NOT DISTINCT FROM"
    return " AND ".join(f'NEW."{col}" {op} OLD."{col}"' for col in FROZEN_COLUMNS)


def _sqlite_statements() -> list[str]:
    def abort(message: str) -> str:
        return f"SELECT RAISE(ABORT, '{message}');"

    return [
        f"""CREATE TRIGGER version_frozen_after_publication BEFORE UPDATE ON {VERSION}
            WHEN OLD.status IN ('retired', 'discarded')
              OR (OLD.status = 'published' AND NOT (NEW.status = 'retired' AND {_unchanged("sqlite")}))
            BEGIN {abort("published, retired and discarded leaflet versions cannot be changed")} END""",
        f"""CREATE TRIGGER version_public_never_deleted BEFORE DELETE ON {VERSION}
            WHEN OLD.status IN ('published', 'retired')
            BEGIN {abort("published and retired leaflet versions cannot be deleted")} END""",
        f"""CREATE TRIGGER version_four_eyes BEFORE UPDATE OF approved_by_id ON {VERSION}
            WHEN NEW.approved_by_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM {CONTRIBUTOR} WHERE version_id = NEW.id AND user_id = NEW.approved_by_id)
            BEGIN {abort("a version cannot be approved by someone who wrote or edited it")} END""",
        *[
            f"""CREATE TRIGGER help_sign_draft_only_{event.lower()} BEFORE {event} ON {SIGN}
                WHEN (SELECT status FROM {VERSION} WHERE id = {row}.version_id) <> 'draft'
                BEGIN {abort("signs to get help can only change while the version is a draft")} END"""
            for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
        ],
        *[
            f"""CREATE TRIGGER {table.split("_", 1)[1]}_append_only_{event.lower()} BEFORE {event} ON {table}
                BEGIN {abort("this record is append-only")} END"""
            for table in (EVENT, CONTRIBUTOR)
            for event in ("UPDATE", "DELETE")
        ],
    ]


def _postgresql_statements() -> list[str]:
    def function(name: str, body: str) -> str:
        return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {body} END $$"""

    def fail(message: str) -> str:
        return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"

    return [
        function(
            "education_version_frozen",
            f"""IF TG_OP = 'DELETE' THEN
                    IF OLD.status IN ('published', 'retired') THEN
                        {fail("published and retired leaflet versions cannot be deleted")}
                    END IF;
                    RETURN OLD;
                END IF;
                IF OLD.status IN ('retired', 'discarded')
                   OR (OLD.status = 'published' AND NOT (NEW.status = 'retired' AND {_unchanged("postgresql")})) THEN
                    {fail("published, retired and discarded leaflet versions cannot be changed")}
                END IF;
                IF NEW.approved_by_id IS NOT NULL AND EXISTS (
                    SELECT 1 FROM {CONTRIBUTOR} WHERE version_id = NEW.id AND user_id = NEW.approved_by_id) THEN
                    {fail("a version cannot be approved by someone who wrote or edited it")}
                END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER version_frozen BEFORE UPDATE OR DELETE ON {VERSION}
            FOR EACH ROW EXECUTE FUNCTION education_version_frozen()""",
        function(
            "education_help_sign_draft_only",
            f"""IF (SELECT status FROM {VERSION}
                    WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.version_id ELSE OLD.version_id END)) <> 'draft' THEN
                    {fail("signs to get help can only change while the version is a draft")}
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER help_sign_draft_only BEFORE INSERT OR UPDATE OR DELETE ON {SIGN}
            FOR EACH ROW EXECUTE FUNCTION education_help_sign_draft_only()""",
        function("education_append_only", f"""{fail("this record is append-only")}"""),
        f"""CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {EVENT}
            FOR EACH ROW EXECUTE FUNCTION education_append_only()""",
        f"""CREATE TRIGGER contributor_append_only BEFORE UPDATE OR DELETE ON {CONTRIBUTOR}
            FOR EACH ROW EXECUTE FUNCTION education_append_only()""",
    ]


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_statements()
    elif vendor == "postgresql":
        statements = _postgresql_statements()
    else:
        raise RuntimeError(f"The leaflet history rules are only implemented for SQLite and PostgreSQL, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        names = [
            "version_frozen_after_publication", "version_public_never_deleted", "version_four_eyes",
            "help_sign_draft_only_insert", "help_sign_draft_only_update", "help_sign_draft_only_delete",
            "auditevent_append_only_update", "auditevent_append_only_delete",
            "versioncontributor_append_only_update", "versioncontributor_append_only_delete",
        ]  # fmt: skip
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        for trigger, table in (
            ("version_frozen", VERSION),
            ("help_sign_draft_only", SIGN),
            ("audit_event_append_only", EVENT),
            ("contributor_append_only", CONTRIBUTOR),
        ):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in ("education_version_frozen", "education_help_sign_draft_only", "education_append_only"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [("education", "0001_leaflets_versions_audit")]
    operations = [migrations.RunPython(install_triggers, remove_triggers)]
