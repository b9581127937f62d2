"""Patient feedback and page views per version and day (issue 12): two new tables, nothing identifying.

The database refuses feedback on a version patients cannot read (a draft, one in review, a discarded or a
withdrawn version), whatever the Python does. Clinical approvers may see the feedback list in the admin (to
remove a comment that names someone).
"""

import importlib

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

rules = importlib.import_module("education.migrations.0012_protect_steps_links_and_slugs")

FEEDBACK = "education_patientfeedback"
VERSION = "education_leafletversion"
FEEDBACK_MESSAGE = "feedback is only taken on a version patients can read (published or retired, not withdrawn)"
NOT_READABLE = f"""NOT EXISTS (SELECT 1 FROM {VERSION} WHERE id = NEW.version_id
    AND status IN ('published', 'retired') AND withdrawn_at IS NULL)"""


def install(apps, schema_editor):
    if rules._vendor(schema_editor) == "sqlite":
        schema_editor.execute(
            f"""CREATE TRIGGER feedback_only_on_readable_versions BEFORE INSERT ON {FEEDBACK}
                WHEN {NOT_READABLE}
                BEGIN {rules._sqlite_fail(FEEDBACK_MESSAGE)} END"""
        )
    else:
        schema_editor.execute(
            rules._postgresql_function(
                "education_feedback_only_on_readable_versions",
                f"""IF {NOT_READABLE} THEN {rules._postgresql_fail(f"'{FEEDBACK_MESSAGE}'")} END IF;
                    RETURN NEW;""",
            )
        )
        schema_editor.execute(
            f"""CREATE TRIGGER feedback_only_on_readable_versions BEFORE INSERT ON {FEEDBACK}
                FOR EACH ROW EXECUTE FUNCTION education_feedback_only_on_readable_versions()"""
        )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="education", codename="view_patientfeedback"
    )
    for group in apps.get_model("auth", "Group").objects.filter(name="Clinical approvers"):
        group.permissions.add(*permissions)


def uninstall(apps, schema_editor):
    if rules._vendor(schema_editor) == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS feedback_only_on_readable_versions")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS feedback_only_on_readable_versions ON {FEEDBACK}")
        schema_editor.execute("DROP FUNCTION IF EXISTS education_feedback_only_on_readable_versions()")


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0015_staff_workspace"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageViewCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="day")),
                ("views", models.PositiveIntegerField(default=0, verbose_name="views")),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="page_view_counts",
                        to="education.leafletversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "page views",
                "verbose_name_plural": "page views",
                "constraints": [models.UniqueConstraint(fields=("version", "day"), name="page_views_one_row_per_day")],
            },
        ),
        migrations.CreateModel(
            name="PatientFeedback",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(editable=False, max_length=10, verbose_name="language")),
                ("day", models.DateField(editable=False, verbose_name="day")),
                ("helpful", models.BooleanField(editable=False, verbose_name="helpful")),
                ("comment", models.TextField(blank=True, editable=False, max_length=500, verbose_name="comment")),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback",
                        to="education.leafletversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "patient feedback",
                "verbose_name_plural": "patient feedback",
                "ordering": ["-day", "-id"],
                "indexes": [models.Index(fields=["version", "day"], name="feedback_version_day")],
                "constraints": [
                    models.CheckConstraint(
                        condition=django.db.models.lookups.LessThanOrEqual(
                            django.db.models.functions.text.Length("comment"), 500
                        ),
                        name="feedback_comment_short",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("language", ""), _negated=True), name="feedback_language_known"
                    ),
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
