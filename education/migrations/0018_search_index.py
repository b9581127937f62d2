"""The search index of published versions (education/search.py): an FTS5 table on SQLite, a table of
tsvectors with a GIN index on PostgreSQL. A new table only; filled here from the published versions."""

from django.db import migrations

SQLITE = """CREATE VIRTUAL TABLE education_search USING fts5(
    language, title, document, tokenize = 'porter unicode61 remove_diacritics 2')"""
POSTGRES = [
    """CREATE TABLE education_search (
        version_id bigint PRIMARY KEY REFERENCES education_leafletversion (id) DEFERRABLE INITIALLY DEFERRED,
        config varchar(20) NOT NULL,
        title tsvector NOT NULL,
        document tsvector NOT NULL)""",
    "CREATE INDEX education_search_document ON education_search USING gin (document)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)
    else:
        schema_editor.execute(SQLITE)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE education_search")


def fill(apps, schema_editor):
    from education import search

    search.rebuild(
        version_model=apps.get_model("education", "LeafletVersion"),
        sign_model=apps.get_model("education", "HelpSign"),
    )


class Migration(migrations.Migration):
    dependencies = [("education", "0012_protect_steps_links_and_slugs")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
