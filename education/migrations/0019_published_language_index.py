"""An index of the published versions by language, for "which languages have a published version" (the
index page's language choice, education.search.topics_and_languages): one probe per language, instead of a
walk through the published versions that can reach the whole library for a language few leaflets have.
An index only: no table is rebuilt, no trigger is touched."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("education", "0018_search_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX version_published_language ON education_leafletversion (language) WHERE status = 'published'",
            reverse_sql="DROP INDEX version_published_language",
        ),
    ]
