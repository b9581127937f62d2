"""The staff workspace: notifications, named reviewers, staff languages, and "reviewed, no change" renewals.

Only new tables (and a new choice on the audit event, which changes no column). Renewals and review
requests are append-only, held by triggers like the audit trail (migration 0002)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = ("education_reviewrenewal", "education_reviewrequest")


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in APPEND_ONLY:
        if vendor == "sqlite":
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"""CREATE TRIGGER {table}_append_only_{operation.lower()} BEFORE {operation} ON {table}
                        BEGIN SELECT RAISE(ABORT, 'this record is append-only'); END"""
                )
        elif vendor == "postgresql":
            # education_append_only() is the audit trail's function (migration 0002).
            schema_editor.execute(
                f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION education_append_only()"""
            )
        else:
            raise RuntimeError(f"The history rules are only implemented for SQLite and PostgreSQL, not {vendor}.")


def remove_triggers(apps, schema_editor):
    for table in APPEND_ONLY:
        if schema_editor.connection.vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{operation}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0014_version_figures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
                    ("reviewed", "Reviewed, no change needed"),
                ],
                max_length=12,
                verbose_name="action",
            ),
        ),
        migrations.CreateModel(
            name="ReviewRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewer",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_requests",
                        to="education.leafletversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "review request",
                "verbose_name_plural": "review requests",
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="StaffProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=10, verbose_name="language for email")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="staff_profile",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "staff profile",
                "verbose_name_plural": "staff profiles",
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("submitted", "Waiting for your review"),
                            ("sent_back", "Sent back"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn"),
                            ("review_soon", "Review due soon"),
                            ("review_overdue", "Review overdue"),
                        ],
                        max_length=16,
                        verbose_name="about",
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=2000, verbose_name="comment")),
                ("key", models.CharField(max_length=120, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed")),
                ("email_failed", models.CharField(blank=True, max_length=200, verbose_name="email not sent")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "leaflet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="education.leaflet",
                        verbose_name="leaflet",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="for",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="education.leafletversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["recipient", "created_at"], name="notification_recipient_at")],
            },
        ),
        migrations.CreateModel(
            name="ReviewRenewal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reviewed_at", models.DateTimeField(auto_now_add=True, verbose_name="reviewed")),
                ("previous_review_due", models.DateField(verbose_name="review was due")),
                ("review_due", models.DateField(verbose_name="next review due")),
                ("content_hash", models.CharField(max_length=64, verbose_name="content fingerprint")),
                ("attestation", models.TextField(max_length=500, verbose_name="statement signed")),
                ("comment", models.TextField(max_length=2000, verbose_name="comment")),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="renewals",
                        to="education.leafletversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "review without change",
                "verbose_name_plural": "reviews without change",
                "ordering": ["-reviewed_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("review_due__gt", models.F("previous_review_due"))),
                        name="review_renewal_moves_date_forward",
                    )
                ],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
