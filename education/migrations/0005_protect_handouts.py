"""Handout records are append-only; a share link's token, version and clinic never change, and links are
revoked rather than deleted (the handout records point at them)."""

from django.db import migrations

HANDOUT = "education_handout"
ITEM = "education_handoutitem"
LINK = "education_sharelink"
LINK_FROZEN = ["token_hash", "version_id", "clinic_id", "created_by_id", "created_at"]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in LINK_FROZEN)
        statements = [
            *[
                f"""CREATE TRIGGER {table}_append_only_{event.lower()} BEFORE {event} ON {table}
                    BEGIN SELECT RAISE(ABORT, 'handout records are append-only'); END"""
                for table in (HANDOUT, ITEM)
                for event in ("UPDATE", "DELETE")
            ],
            f"""CREATE TRIGGER share_link_frozen BEFORE UPDATE ON {LINK} WHEN NOT ({same})
                BEGIN SELECT RAISE(ABORT, 'a share link cannot be re-pointed'); END""",
            f"""CREATE TRIGGER share_link_never_deleted BEFORE DELETE ON {LINK}
                BEGIN SELECT RAISE(ABORT, 'share links are revoked, not deleted'); END""",
        ]
    elif vendor == "postgresql":
        same = " AND ".join(f'NEW."{c}" IS NOT DISTINCT FROM OLD."{c}"' for c in LINK_FROZEN)
        fail = "USING ERRCODE = 'integrity_constraint_violation'"
        statements = [
            f"""CREATE OR REPLACE FUNCTION education_share_link_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'share links are revoked, not deleted' {fail}; END IF;
                    IF NOT ({same}) THEN RAISE EXCEPTION 'a share link cannot be re-pointed' {fail}; END IF;
                    RETURN NEW;
                END $$""",
            f"""CREATE TRIGGER share_link_frozen BEFORE UPDATE OR DELETE ON {LINK}
                FOR EACH ROW EXECUTE FUNCTION education_share_link_frozen()""",
            f"""CREATE TRIGGER handout_append_only BEFORE UPDATE OR DELETE ON {HANDOUT}
                FOR EACH ROW EXECUTE FUNCTION education_append_only()""",
            f"""CREATE TRIGGER handout_item_append_only BEFORE UPDATE OR DELETE ON {ITEM}
                FOR EACH ROW EXECUTE FUNCTION education_append_only()""",
        ]
    else:
        raise RuntimeError(f"Handout rules are only implemented for SQLite and PostgreSQL, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in (
            f"{HANDOUT}_append_only_update", f"{HANDOUT}_append_only_delete", f"{ITEM}_append_only_update",
            f"{ITEM}_append_only_delete", "share_link_frozen", "share_link_never_deleted",
        ):  # fmt: skip
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS share_link_frozen ON {LINK}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS handout_append_only ON {HANDOUT}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS handout_item_append_only ON {ITEM}")
        schema_editor.execute("DROP FUNCTION IF EXISTS education_share_link_frozen()")


class Migration(migrations.Migration):
    dependencies = [("education", "0004_share_links_and_handouts")]
    operations = [migrations.RunPython(install, remove)]
