"""The search index of published versions, in the database: FTS5 on SQLite, full-text search on PostgreSQL.

One row per published version in the table `education_search` (migration 0018), holding its title and its
whole searchable text (title, summary, body, "when to get help" signs, the leaflet's tags and topic):

- SQLite: an FTS5 table (rowid = version id) with the `porter unicode61 remove_diacritics 2` tokenizer;
  French text is stemmed here in Python (content.french_stem) because FTS5 has only an English stemmer.
- PostgreSQL: tsvector columns with a GIN index, built with the language's own stemmer (`english`,
  `french` Snowball, without stop words so every word counts as on SQLite; else `simple`).

On both, accents and case are folded in Python first (content.fold_for_search) on the text and on the search
alike, so both engines fold the same way and PostgreSQL needs no `unaccent` extension.

The services keep the index in step (publish, withdraw, topic and tags changes, import); every read also
joins the version and keeps only published ones, so a retired or withdrawn version is never found even if
its row were left behind. This module is the lowest floor: the services write through it, the selectors read.
"""

# The SQL here is built from constants (table and column names, placeholders, the configurations named in
# POSTGRES_CONFIGS); every value from a user (words, topic, ids) goes in as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch

from education import content
from education.models import AuditEvent, HelpSign, LeafletChange, LeafletVersion

TABLE = "education_search"
META = "education_search_meta"  # SQLite: each row's leaflet, language and sort title
MAX_WORDS = 10  # a search of more words uses the first ten
# PostgreSQL's English and French stemmers without their stop-word lists (migration 0018): every word counts.
POSTGRES_CONFIGS = {"en": "education_english", "fr": "education_french"}
PUBLISHED = LeafletVersion.Status.PUBLISHED


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _config(language: str) -> str:
    return POSTGRES_CONFIGS.get(language, "simple")


def _texts(version: LeafletVersion) -> tuple[str, str]:
    leaflet = version.leaflet
    parts = [
        version.title,
        version.summary,
        content.plain_text(version.body),
        *(sign.text for sign in version.help_signs.all()),
        leaflet.tags,
        leaflet.topic,
    ]
    stem = not _postgres()
    title = " ".join(content.search_words(version.title, language=version.language, stem=stem))
    document = " ".join(content.search_words(" ".join(parts), language=version.language, stem=stem))
    return title, document


def _with_text(versions, sign_model=HelpSign):
    return versions.select_related("leaflet").prefetch_related(
        Prefetch("help_signs", queryset=sign_model.objects.order_by("position", "id"))
    )


def remove(version_ids: Iterable[int]) -> None:
    ids = list(version_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            if _postgres():
                cursor.execute(f"DELETE FROM {TABLE} WHERE version_id IN ({marks})", chunk)
            else:
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", chunk)
                cursor.execute(f"DELETE FROM {META} WHERE version_id IN ({marks})", chunk)


def index(version_ids: Iterable[int]) -> None:
    """(Re)index these versions: the published ones get a row, the others lose theirs."""
    ids = list(version_ids)
    remove(ids)
    for start in range(0, len(ids), 500):
        versions = _with_text(LeafletVersion.objects.filter(pk__in=ids[start : start + 500], status=PUBLISHED))
        _insert(list(versions))


def _insert(versions: list[LeafletVersion]) -> None:
    if not versions:
        return
    rows = [(v.pk, v.leaflet_id, v.language, v.title.casefold(), *_texts(v)) for v in versions]
    with connection.cursor() as cursor:
        if _postgres():
            cursor.executemany(
                f"""INSERT INTO {TABLE} (version_id, leaflet_id, language, sort_title, config, title, document)
                    VALUES (%s, %s, %s, %s, %s, to_tsvector(%s::regconfig, %s), to_tsvector(%s::regconfig, %s))""",
                [
                    (pk, leaflet, lang, sort, _config(lang), _config(lang), title, _config(lang), doc)
                    for pk, leaflet, lang, sort, title, doc in rows
                ],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, language, title, document) VALUES (%s, %s, %s, %s)",
                [(pk, lang, title, doc) for pk, _leaflet, lang, _sort, title, doc in rows],
            )
            cursor.executemany(
                f"INSERT INTO {META} (version_id, leaflet_id, language, sort_title) VALUES (%s, %s, %s, %s)",
                [(pk, leaflet, lang, sort) for pk, leaflet, lang, sort, _title, _doc in rows],
            )


def rebuild(*, version_model=LeafletVersion, sign_model=HelpSign) -> int:
    """Empty the index and index every published version again (after an import or a bulk load). The
    models are parameters so that migration 0018 can fill the index with its historical models."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        if not _postgres():
            cursor.execute(f"DELETE FROM {META}")
    ids = list(version_model.objects.filter(status=PUBLISHED).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        chunk = version_model.objects.filter(pk__in=ids[start : start + 500])
        _insert(list(_with_text(chunk, sign_model)))
    return len(ids)


@dataclass(frozen=True)
class Page:
    ids: list[int]  # the versions on this page, in order
    total: int  # leaflets found, on every page


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def _sqlite_hits(words: list[str]) -> tuple[str, list]:
    def expression(column: str) -> str:
        groups = []
        for code in _language_codes():
            stemmed = [content.french_stem(word) for word in words] if code == "fr" else words
            found = " AND ".join(_fts_phrase(word) for word in stemmed)
            groups.append(f"(language : {_fts_phrase(code)} AND {column} : ({found}))")
        return " OR ".join(groups)

    # The leaflet, language and sort title come from the narrow table beside the FTS5 one: reading them
    # from the FTS5 table would load each hit's whole stored text.
    sql = f"""SELECT s.rowid AS id, m.leaflet_id, m.language, m.sort_title,
                     s.rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s) AS in_title,
                     bm25({TABLE}, 0.0, 10.0, 1.0) AS score
              FROM {TABLE} s JOIN {META} m ON m.version_id = s.rowid WHERE {TABLE} MATCH %s"""
    return sql, [expression("title"), expression("document")]


def _postgres_hits(words: list[str]) -> tuple[str, list]:
    text = " ".join(words)
    configs = sorted({_config(code) for code in _language_codes()} | {"simple"})

    def matches(column: str) -> tuple[str, list]:
        parts = [f"(s.config = %s AND s.{column} @@ plainto_tsquery(%s::regconfig, %s))" for _ in configs]
        return "(" + " OR ".join(parts) + ")", [value for config in configs for value in (config, config, text)]

    in_title, title_params = matches("title")
    found, found_params = matches("document")
    query = "CASE s.config " + " ".join("WHEN %s THEN plainto_tsquery(%s::regconfig, %s)" for _ in configs) + " END"
    query_params = [value for config in configs for value in (config, config, text)]
    sql = f"""SELECT s.version_id AS id, s.leaflet_id, s.language, s.sort_title, {in_title} AS in_title,
                     -ts_rank(s.document, {query}) AS score
              FROM {TABLE} s WHERE {found}"""
    return sql, [*title_params, *query_params, *found_params]


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _indexed(name: str) -> str:
    """SQLite's planner prefers a full index of the status to the partial index of published versions, and
    then reads every version's row (its text included): name the index. PostgreSQL chooses well alone."""
    return "" if _postgres() else f"INDEXED BY {name}"


def _best_language(order: list[str]) -> tuple[str, list]:
    """SQL keeping, for each leaflet, only its version in the first language of `order` it has: no published
    version of the same leaflet in a language before it. Each test is one probe of the (leaflet, language)
    index of published versions."""

    def none_before(codes: list[str]) -> str:
        marks = ", ".join(["%s"] * len(codes))
        return f"""NOT EXISTS (SELECT 1 FROM education_leafletversion w {_indexed("version_one_published_per_language")}
                   WHERE w.leaflet_id = v.leaflet_id
                   AND w.status = 'published' AND w.language IN ({marks}))"""

    parts, params = ["v.language = %s"], [order[0]]
    for position in range(1, len(order)):
        parts.append(f"(v.language = %s AND {none_before(order[:position])})")
        params += [order[position], *order[:position]]
    marks = ", ".join(["%s"] * len(order))
    parts.append(f"(v.language NOT IN ({marks}) AND {none_before(order)})")
    params += [*order, *order]
    return "(" + " OR ".join(parts) + ")", params


def search_page(
    *, words: list[str], topic: str = "", language_order: list[str], offset: int, limit: int, every_language=False
) -> Page:
    """One page of published versions, one per leaflet (its best language by `language_order`; every language
    with `every_language`, for staff), with the total.

    With words: the versions holding every word (after stemming), title matches first, then by rank, then
    by title. Without: all, by title (on SQLite walking the index of published titles, so a page costs the
    same at any library size). One query (a second only for a page past the end, to count)."""
    words, order = words[:MAX_WORDS], language_order or [settings.LANGUAGE_CODE]
    if words:
        return _search_hits(words, topic=topic, order=order, offset=offset, limit=limit, every=every_language)
    where, params = ["v.status = 'published'"], []
    join_leaflet = ""
    if topic:
        join_leaflet = "JOIN education_leaflet l ON l.id = v.leaflet_id"
        where.append("LOWER(l.topic) = LOWER(%s)")
        params.append(topic)
    if every_language:
        count_sql, count_params = "SELECT COUNT(*) FROM education_leafletversion v WHERE v.status = 'published'", []
    else:
        best, best_params = _best_language(order)
        where.append(best)
        params += best_params
        # Leaflets with a published version, read from the index of published versions (leaflet, language).
        published = _indexed("version_one_published_per_language")
        if topic:
            count_sql = f"""SELECT COUNT(*) FROM education_leaflet l WHERE LOWER(l.topic) = LOWER(%s) AND EXISTS
                            (SELECT 1 FROM education_leafletversion c {published}
                             WHERE c.leaflet_id = l.id AND c.status = 'published')"""
        else:
            count_sql = f"""SELECT COUNT(DISTINCT c.leaflet_id) FROM education_leafletversion c {published}
                            WHERE c.status = 'published'"""
        count_params = [topic] if topic else []
    sql = f"""SELECT v.id, ({count_sql}) FROM education_leafletversion v {_indexed("version_published_title")}
              {join_leaflet}
              WHERE {" AND ".join(where)} ORDER BY LOWER(v.title), v.id LIMIT %s OFFSET %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*count_params, *params, limit, offset])
        rows = cursor.fetchall()
        if rows or offset == 0:
            return Page(ids=[row[0] for row in rows], total=rows[0][1] if rows else 0)
        cursor.execute(count_sql, count_params)
        return Page(ids=[], total=cursor.fetchone()[0])


@dataclass(frozen=True)
class Filters:
    topics: list[str]  # the topics that have a published leaflet, by name
    languages: list[str]  # the languages with a published version
    generation: str  # changes with every change patients may see (as selectors.public_content_generation)


def topics_and_languages() -> Filters:
    """The topics that have a published leaflet, the languages with a published version and the content
    generation (the latest audit event and leaflet change: every publish, withdrawal, topic or tags change
    makes one): one query, each part answered from the indexes (a probe per topic and per language, and the
    largest of two primary keys, whatever the size of the library)."""
    codes = _language_codes()
    languages = " UNION ALL ".join("SELECT %s AS code" for _ in codes)
    # Each probe goes from the topic's leaflets to their versions (the leaflet_topic index, then the versions of
    # one leaflet), never through all published versions: in that order a topic whose leaflets come last
    # (their review dates, say) would cost a walk through the whole library.
    sql = f"""SELECT 't', t.topic FROM (SELECT DISTINCT topic FROM education_leaflet WHERE topic <> '') t
              WHERE EXISTS (SELECT 1 FROM education_leaflet l WHERE l.topic = t.topic
                            AND EXISTS (SELECT 1 FROM education_leafletversion v
                                        WHERE v.leaflet_id = l.id AND v.status = 'published'))
              UNION ALL
              SELECT 'l', c.code FROM ({languages}) c
              WHERE EXISTS (SELECT 1 FROM education_leafletversion v WHERE v.status = 'published' AND v.language = c.code)
              UNION ALL
              SELECT 'a', CAST(COALESCE((SELECT MAX(id) FROM {AuditEvent._meta.db_table}), 0) AS TEXT)
              UNION ALL
              SELECT 'c', CAST(COALESCE((SELECT MAX(id) FROM {LeafletChange._meta.db_table}), 0) AS TEXT)"""
    with connection.cursor() as cursor:
        cursor.execute(sql, codes)
        rows = cursor.fetchall()
    topics = sorted({value for kind, value in rows if kind == "t"}, key=str.lower)
    latest = {kind: value for kind, value in rows if kind in ("a", "c")}
    return Filters(
        topics=topics,
        languages=sorted({value for kind, value in rows if kind == "l"}),
        generation=f"{latest.get('a', '0')}.{latest.get('c', '0')}",
    )


def _search_hits(words: list[str], *, topic: str, order: list[str], offset: int, limit: int, every: bool) -> Page:
    """A page of a search. The index rows carry the leaflet, language and sort title, so choosing each
    leaflet's best language among the hits and ordering them never reads the versions' text; each hit is
    checked to be published by one probe of the index of published versions."""
    hits, params = (_postgres_hits if _postgres() else _sqlite_hits)(words)
    ranks = " ".join(f"WHEN %s THEN {position}" for position, _code in enumerate(order))
    topic_join = "JOIN education_leaflet l ON l.id = h.leaflet_id AND LOWER(l.topic) = LOWER(%s)" if topic else ""
    inner = f"""SELECT h.id, h.in_title, h.score, h.sort_title,
                       ROW_NUMBER() OVER (PARTITION BY h.leaflet_id
                                          ORDER BY CASE h.language {ranks} ELSE 999 END, h.id) AS choice
                FROM ({hits}) h {topic_join}
                WHERE EXISTS (SELECT 1 FROM education_leafletversion w {_indexed("version_one_published_per_language")}
                              WHERE w.leaflet_id = h.leaflet_id
                              AND w.language = h.language AND w.status = 'published' AND w.id = h.id)"""
    inner_params = [*order, *params, *([topic] if topic else [])]
    chosen = "1 = 1" if every else "choice = 1"
    sql = f"""SELECT id, COUNT(*) OVER () FROM ({inner}) chosen WHERE {chosen}
              ORDER BY in_title DESC, score, sort_title, id LIMIT %s OFFSET %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, limit, offset])
        rows = cursor.fetchall()
        if rows or offset == 0:
            return Page(ids=[row[0] for row in rows], total=rows[0][1] if rows else 0)
        cursor.execute(f"SELECT COUNT(*) FROM ({inner}) chosen WHERE {chosen}", inner_params)
        return Page(ids=[], total=cursor.fetchone()[0])
