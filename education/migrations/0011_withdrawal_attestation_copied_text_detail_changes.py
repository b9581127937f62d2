"""Withdrawal (a retired version no path shows any more), the approver's signed statement, contributors counted
through copied text, and the record of changes to a leaflet's details.

Every new column is nullable, so SQLite adds it without rebuilding a table (a rebuild drops the triggers of
0002 and 0005). The triggers that hold the new rules:

- a withdrawn version never changes again; a retired (superseded) version may change only by being withdrawn,
  with a date, a person and a reason; only retired versions can be withdrawn (publishing retires in the same
  update when a published version is withdrawn);
- changes to a leaflet's details are append-only.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

VERSION = "education_leafletversion"
CHANGE = "education_leafletchange"
# As in 0002: columns a patient or an auditor relies on.
FROZEN_COLUMNS = [
    "leaflet_id", "number", "language", "title", "summary", "body", "references", "change_note",
    "based_on_id", "translation_of_id", "revision", "created_by_id", "created_at", "approved_by_id",
    "approved_at", "published_at", "review_due", "content_hash",
]  # fmt: skip
FROZEN_MESSAGE = "published, retired, withdrawn and discarded leaflet versions cannot be changed"
WITHDRAWAL_MESSAGE = "only a retired version can be withdrawn, with a date, a person and a reason"


def _unchanged(vendor: str, columns: list[str]) -> str:
    op = "IS" if vendor == "sqlite" else "IS NOT DISTINCT FROM"
    return " AND ".join(f'NEW."{col}" {op} OLD."{col}"' for col in columns)


def _frozen_condition(vendor: str) -> str:
    """True for an update the rules forbid (the same expression on both engines)."""
    same = _unchanged(vendor, FROZEN_COLUMNS)
    same_retirement = _unchanged(vendor, [*FROZEN_COLUMNS, "retired_at"])
    return f"""OLD.status = 'discarded'
        OR OLD.withdrawn_at IS NOT NULL
        OR (OLD.status = 'published' AND NOT (NEW.status = 'retired' AND {same}))
        OR (OLD.status = 'retired' AND NOT (NEW.status = 'retired' AND {same_retirement} AND NEW.withdrawn_at IS NOT NULL))"""


WITHDRAWAL_INCOMPLETE = """(NEW.withdrawn_at IS NOT NULL AND (NEW.status <> 'retired' OR NEW.withdrawn_by_id IS NULL
        OR COALESCE(TRIM(NEW.withdrawal_reason), '') = ''))
    OR (NEW.withdrawn_at IS NULL AND (NEW.withdrawn_by_id IS NOT NULL OR NEW.withdrawal_reason IS NOT NULL))"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [
            "DROP TRIGGER IF EXISTS version_frozen_after_publication",
            f"""CREATE TRIGGER version_frozen_after_publication BEFORE UPDATE ON {VERSION}
                WHEN {_frozen_condition("sqlite")}
                BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END""",
            *[
                f"""CREATE TRIGGER version_withdrawal_complete_{event.lower()} BEFORE {event} ON {VERSION}
                    WHEN {WITHDRAWAL_INCOMPLETE}
                    BEGIN SELECT RAISE(ABORT, '{WITHDRAWAL_MESSAGE}'); END"""
                for event in ("INSERT", "UPDATE")
            ],
            *[
                f"""CREATE TRIGGER leafletchange_append_only_{event.lower()} BEFORE {event} ON {CHANGE}
                    BEGIN SELECT RAISE(ABORT, 'this record is append-only'); END"""
                for event in ("UPDATE", "DELETE")
            ],
        ]
    elif vendor == "postgresql":
        fail = "USING ERRCODE = 'integrity_constraint_violation'"
        statements = [
            # The same function as 0002's, with the withdrawal rules; the four-eyes check is unchanged.
            f"""CREATE OR REPLACE FUNCTION education_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        IF OLD.status IN ('published', 'retired') THEN
                            RAISE EXCEPTION 'published and retired leaflet versions cannot be deleted' {fail};
                        END IF;
                        RETURN OLD;
                    END IF;
                    IF {_frozen_condition("postgresql")} THEN
                        RAISE EXCEPTION '{FROZEN_MESSAGE}' {fail};
                    END IF;
                    IF NEW.approved_by_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM education_versioncontributor
                        WHERE version_id = NEW.id AND user_id = NEW.approved_by_id) THEN
                        RAISE EXCEPTION 'a version cannot be approved by someone who wrote or edited it' {fail};
                    END IF;
                    RETURN NEW;
                END $$""",
            f"""CREATE OR REPLACE FUNCTION education_version_withdrawal_complete() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF {WITHDRAWAL_INCOMPLETE} THEN RAISE EXCEPTION '{WITHDRAWAL_MESSAGE}' {fail}; END IF;
                    RETURN NEW;
                END $$""",
            f"""CREATE TRIGGER version_withdrawal_complete BEFORE INSERT OR UPDATE ON {VERSION}
                FOR EACH ROW EXECUTE FUNCTION education_version_withdrawal_complete()""",
            f"""CREATE TRIGGER leaflet_change_append_only BEFORE UPDATE OR DELETE ON {CHANGE}
                FOR EACH ROW EXECUTE FUNCTION education_append_only()""",
        ]
    else:
        raise RuntimeError(f"The leaflet history rules are only implemented for SQLite and PostgreSQL, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in (
            "version_withdrawal_complete_insert", "version_withdrawal_complete_update",
            "leafletchange_append_only_update", "leafletchange_append_only_delete",
        ):  # fmt: skip
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        # 0002's own version of the frozen rule comes back when 0002 is unapplied and applied again.
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS version_withdrawal_complete ON {VERSION}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS leaflet_change_append_only ON {CHANGE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS education_version_withdrawal_complete()")


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0010_audit_event_content"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="attestation",
            field=models.TextField(
                blank=True, editable=False, max_length=500, null=True, verbose_name="statement signed"
            ),
        ),
        migrations.AddField(
            model_name="leafletversion",
            name="withdrawal_reason",
            field=models.TextField(
                blank=True, editable=False, max_length=2000, null=True, verbose_name="reason for withdrawal"
            ),
        ),
        migrations.AddField(
            model_name="leafletversion",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="withdrawn"),
        ),
        migrations.AddField(
            model_name="leafletversion",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="withdrawn by",
            ),
        ),
        migrations.AddField(
            model_name="sharelink",
            name="views_after_withdrawal",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="views after withdrawal"),
        ),
        migrations.AddField(
            model_name="versioncontributor",
            name="via",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="education.leafletversion",
                verbose_name="through text copied from",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Draft created"),
                    ("edited", "Draft edited"),
                    ("submitted", "Submitted for review"),
                    ("sent_back", "Sent back to draft"),
                    ("published", "Approved and published"),
                    ("retired", "Retired"),
                    ("discarded", "Discarded"),
                    ("withdrawn", "Withdrawn from patients"),
                    ("revoked_all", "Every live share link revoked"),
                    ("recall_sent", "Recall notice emailed to staff"),
                ],
                max_length=12,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="handout",
            name="channel",
            field=models.CharField(
                choices=[
                    ("print", "Printed handout"),
                    ("email", "Link sent by email"),
                    ("qr", "QR code shown or printed"),
                    ("link", "Link copied"),
                ],
                max_length=10,
                verbose_name="channel",
            ),
        ),
        migrations.CreateModel(
            name="LeafletChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                ("field", models.CharField(max_length=40, verbose_name="detail")),
                ("before", models.TextField(blank=True, max_length=300, verbose_name="before")),
                ("after", models.TextField(blank=True, max_length=300, verbose_name="after")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "leaflet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="changes", to="education.leaflet"
                    ),
                ),
            ],
            options={
                "verbose_name": "leaflet detail change",
                "verbose_name_plural": "leaflet detail changes",
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.RunPython(install, remove),
    ]
