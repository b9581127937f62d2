"""The search index of published versions (education/search.py): an FTS5 table on SQLite, a table of
tsvectors with a GIN index on PostgreSQL. A new table only; filled here from the published versions."""

from django.db import migrations

# rowid is the version's id. Beside it, a narrow table of each row's leaflet, language and sort title (the
# title in lower case), so that ranking and choosing among thousands of hits never loads their text.
# No foreign keys to the versions: Django's `flush` (tests, `manage.py flush`) empties only the models'
# tables, and PostgreSQL refuses to TRUNCATE a table another one references. A row without its version is
# harmless: every search joins the versions and keeps only published ones.
SQLITE = [
    """CREATE VIRTUAL TABLE education_search USING fts5(
        language, title, document, tokenize = 'porter unicode61 remove_diacritics 2')""",
    """CREATE TABLE education_search_meta (
        version_id integer NOT NULL PRIMARY KEY,
        leaflet_id integer NOT NULL,
        language varchar(10) NOT NULL,
        sort_title text NOT NULL)""",
]
POSTGRES = [
    """CREATE TABLE education_search (
        version_id bigint PRIMARY KEY,
        leaflet_id bigint NOT NULL,
        language varchar(10) NOT NULL,
        sort_title text NOT NULL,
        config varchar(20) NOT NULL,
        title tsvector NOT NULL,
        document tsvector NOT NULL)""",
    "CREATE INDEX education_search_document ON education_search USING gin (document)",
    # English and French stemming without the stop-word lists, so that every word typed must match, as on
    # SQLite ('qu est ce' is all stop words in French: it would match nothing, or everything).
    *[
        statement
        for language in ("english", "french")
        for statement in (
            f"CREATE TEXT SEARCH DICTIONARY education_{language}_stem (TEMPLATE = snowball, LANGUAGE = {language})",
            f"CREATE TEXT SEARCH CONFIGURATION education_{language} (COPY = {language})",
            f"""ALTER TEXT SEARCH CONFIGURATION education_{language} ALTER MAPPING FOR
                asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH education_{language}_stem""",
        )
    ],
]
POSTGRES_DROP = [
    *[
        statement
        for language in ("english", "french")
        for statement in (
            f"DROP TEXT SEARCH CONFIGURATION education_{language}",
            f"DROP TEXT SEARCH DICTIONARY education_{language}_stem",
        )
    ],
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
        for statement in SQLITE:
            schema_editor.execute(statement)
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX leaflet_topic")
    schema_editor.execute("DROP INDEX version_published_title")
    schema_editor.execute("DROP TABLE education_search")
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)
    else:
        schema_editor.execute("DROP TABLE education_search_meta")


def fill(apps, schema_editor):
    from education import search

    search.rebuild(
        version_model=apps.get_model("education", "LeafletVersion"),
        sign_model=apps.get_model("education", "HelpSign"),
    )


class Migration(migrations.Migration):
    dependencies = [("education", "0017_jobs")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
