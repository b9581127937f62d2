"""The search index of published versions (education/search.py): an FTS5 table on SQLite, a table of
tsvectors with a GIN index on PostgreSQL. A new table only; filled here from the published versions."""

from django.db import migrations

# rowid is the version's id; leaflet_id and sort_title (the title in lower case) are stored, not searched.
SQLITE = """CREATE VIRTUAL TABLE education_search USING fts5(
    language, title, document, leaflet_id UNINDEXED, sort_title UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2')"""
POSTGRES = [
    """CREATE TABLE education_search (
        version_id bigint PRIMARY KEY REFERENCES education_leafletversion (id) DEFERRABLE INITIALLY DEFERRED,
        leaflet_id bigint NOT NULL,
        language varchar(10) NOT NULL,
        sort_title text NOT NULL,
        config varchar(20) NOT NULL,
        title tsvector NOT NULL,
        document tsvector NOT NULL)""",
    "CREATE INDEX education_search_document ON education_search USING gin (document)",
]


# The index walks published titles in order (a page of the index without a search reads 20 entries, not the
# library), and topic filters find their leaflets. Indexes only: no table is rebuilt, no trigger is touched.
INDEXES = [
    """CREATE INDEX version_published_title ON education_leafletversion (LOWER(title), leaflet_id, language)
        WHERE status = 'published'""",
    "CREATE INDEX leaflet_topic ON education_leaflet (topic)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)
    else:
        schema_editor.execute(SQLITE)
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX leaflet_topic")
    schema_editor.execute("DROP INDEX version_published_title")
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
