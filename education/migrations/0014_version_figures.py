"""Figures (pictures) of a version, and the database rules that keep them as safe as the version's text.

- A version's figures are added, changed or removed only while the version is a draft: once submitted,
  published or retired they are frozen with its text (as its "when to get help" signs are, 0002).
- A version with a figure that has no alt text cannot go into review (so it can never be published).

A new table only: no existing table is rebuilt, so the triggers of 0002 and 0012 stay in place.
"""

import django.db.models.deletion
from django.db import migrations, models

VERSION = "education_leafletversion"
FIGURE = "education_versionfigure"
DRAFT_ONLY_MESSAGE = "figures can only change while the version is a draft"
ALT_MESSAGE = "every figure needs alt text before the version goes into review"
_MISSING_ALT = f"EXISTS (SELECT 1 FROM {FIGURE} WHERE version_id = NEW.id AND trim(alt_text) = '')"


def _sqlite_statements() -> list[str]:
    def abort(message: str) -> str:
        return f"SELECT RAISE(ABORT, '{message}');"

    def not_draft(row: str) -> str:
        return f"(SELECT status FROM {VERSION} WHERE id = {row}.version_id) IS NOT 'draft'"

    return [
        f"""CREATE TRIGGER figure_draft_only_insert BEFORE INSERT ON {FIGURE}
            WHEN {not_draft("NEW")} BEGIN {abort(DRAFT_ONLY_MESSAGE)} END""",
        f"""CREATE TRIGGER figure_draft_only_update BEFORE UPDATE ON {FIGURE}
            WHEN {not_draft("OLD")} OR {not_draft("NEW")} BEGIN {abort(DRAFT_ONLY_MESSAGE)} END""",
        f"""CREATE TRIGGER figure_draft_only_delete BEFORE DELETE ON {FIGURE}
            WHEN {not_draft("OLD")} BEGIN {abort(DRAFT_ONLY_MESSAGE)} END""",
        f"""CREATE TRIGGER version_figures_have_alt BEFORE UPDATE OF status ON {VERSION}
            WHEN NEW.status = 'in_review' AND OLD.status IS NOT 'in_review' AND {_MISSING_ALT}
            BEGIN {abort(ALT_MESSAGE)} END""",
    ]


def _postgresql_statements() -> list[str]:
    def function(name: str, body: str) -> str:
        return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {body} END $$"""

    def fail(message: str) -> str:
        return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"

    def not_draft(row: str) -> str:
        return f"(SELECT status FROM {VERSION} WHERE id = {row}.version_id) IS DISTINCT FROM 'draft'"

    return [
        function(
            "education_figure_draft_only",
            f"""IF TG_OP IN ('UPDATE', 'DELETE') AND {not_draft("OLD")} THEN {fail(DRAFT_ONLY_MESSAGE)} END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') AND {not_draft("NEW")} THEN {fail(DRAFT_ONLY_MESSAGE)} END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER figure_draft_only BEFORE INSERT OR UPDATE OR DELETE ON {FIGURE}
            FOR EACH ROW EXECUTE FUNCTION education_figure_draft_only()""",
        function(
            "education_version_figures_have_alt",
            f"""IF NEW.status = 'in_review' AND OLD.status IS DISTINCT FROM 'in_review' AND {_MISSING_ALT} THEN
                    {fail(ALT_MESSAGE)}
                END IF;
                RETURN NEW;""",
        ),
        f"""CREATE TRIGGER version_figures_have_alt BEFORE UPDATE ON {VERSION}
            FOR EACH ROW EXECUTE FUNCTION education_version_figures_have_alt()""",
    ]


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_statements()
    elif vendor == "postgresql":
        statements = _postgresql_statements()
    else:
        raise RuntimeError(f"The figure rules are only implemented for SQLite and PostgreSQL, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("figure_draft_only_insert", "figure_draft_only_update", "figure_draft_only_delete",
                     "version_figures_have_alt"):  # fmt: skip
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS figure_draft_only ON {FIGURE}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS version_figures_have_alt ON {VERSION}")
        for function in ("education_figure_draft_only", "education_version_figures_have_alt"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0013_leaflet_codes"),
    ]

    operations = [
        migrations.CreateModel(
            name="VersionFigure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "sha256",
                    models.CharField(editable=False, max_length=64, verbose_name="picture fingerprint (SHA-256)"),
                ),
                (
                    "extension",
                    models.CharField(
                        choices=[("png", "PNG"), ("jpg", "JPEG")],
                        editable=False,
                        max_length=3,
                        verbose_name="file type",
                    ),
                ),
                ("width", models.PositiveIntegerField(editable=False, verbose_name="width (pixels)")),
                ("height", models.PositiveIntegerField(editable=False, verbose_name="height (pixels)")),
                (
                    "alt_text",
                    models.CharField(
                        blank=True,
                        help_text="What the picture shows, for someone who cannot see it. Required before review.",
                        max_length=300,
                        verbose_name="alt text",
                    ),
                ),
                ("caption", models.CharField(blank=True, max_length=300, verbose_name="caption")),
                (
                    "after_heading",
                    models.CharField(
                        blank=True,
                        help_text="The body heading the picture follows, word for word; empty (or not found): after the body.",
                        max_length=200,
                        verbose_name="after heading",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="figures",
                        to="education.leafletversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "figure",
                "verbose_name_plural": "figures",
                "ordering": ["position", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")), name="figure_sha256_hex"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("extension__in", ["png", "jpg"])), name="figure_extension_known"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("height__gte", 1), ("width__gte", 1)), name="figure_has_size"
                    ),
                ],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
