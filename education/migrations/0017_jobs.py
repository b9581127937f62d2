"""Share emails waiting for the background worker (education.models.outbox.ShareEmail), and a trigger that keeps
a finished one finished: once an email is sent or given up, when and whether it went never change again, so no
edit of the row (even raw SQL) can make the worker send it a second time."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "education_shareemail"
DONE = ["claimed_at", "sent_at", "given_up_at", "sealed"]
DONE_MESSAGE = "a share email that was sent or given up stays so: it is never sent again"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        same = " AND ".join(f'NEW."{column}" IS OLD."{column}"' for column in DONE)
        schema_editor.execute(
            f"""CREATE TRIGGER share_email_done_final BEFORE UPDATE ON {TABLE}
                WHEN (OLD.sent_at IS NOT NULL OR OLD.given_up_at IS NOT NULL) AND NOT ({same})
                BEGIN SELECT RAISE(ABORT, '{DONE_MESSAGE}'); END"""
        )
    elif vendor == "postgresql":
        same = " AND ".join(f'NEW."{column}" IS NOT DISTINCT FROM OLD."{column}"' for column in DONE)
        schema_editor.execute(
            f"""CREATE OR REPLACE FUNCTION education_share_email_done_final() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                IF (OLD.sent_at IS NOT NULL OR OLD.given_up_at IS NOT NULL) AND NOT ({same}) THEN
                    RAISE EXCEPTION USING MESSAGE = '{DONE_MESSAGE}', ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
                END $$"""
        )
        schema_editor.execute(
            f"""CREATE TRIGGER share_email_done_final BEFORE UPDATE ON {TABLE}
                FOR EACH ROW EXECUTE FUNCTION education_share_email_done_final()"""
        )
    else:
        raise RuntimeError(f"The share email rules are only implemented for SQLite and PostgreSQL, not {vendor}.")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS share_email_done_final")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS share_email_done_final ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS education_share_email_done_final()")


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0016_feedback_page_views"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ShareEmail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created")),
                ("sealed", models.TextField(blank=True, editable=False, verbose_name="sealed message")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="claimed")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                ("given_up_at", models.DateTimeField(blank=True, null=True, verbose_name="given up")),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "share_link",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="email",
                        to="education.sharelink",
                        verbose_name="share link",
                    ),
                ),
            ],
            options={
                "verbose_name": "share email",
                "verbose_name_plural": "share emails",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sent_at__isnull", True), ("claimed_at__isnull", False), _connector="OR"),
                        name="share_email_sent_when_claimed",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("sent_at__isnull", True), ("given_up_at__isnull", True)),
                            ("sealed", ""),
                            _connector="OR",
                        ),
                        name="share_email_erased_when_done",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("sent_at__isnull", True), ("given_up_at__isnull", True), _connector="OR"),
                        name="share_email_sent_or_given_up",
                    ),
                ],
            },
        ),
        migrations.RunPython(install, remove),
    ]
