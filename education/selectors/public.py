"""Reads for patients: published (or, by exact version, retired) content only, the index and search, share links."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.models import Clinic
from education import content, figures, search
from education.models import (
    AuditEvent,
    HelpSign,
    LeafletChange,
    LeafletVersion,
    ReviewRenewal,
    ShareLink,
    VersionFigure,
    share_token_hash,
)

Status = LeafletVersion.Status
MAX_VERSION_NUMBER = 2**31 - 1  # larger numbers cannot exist; refuse them before they reach the database
MAX_ID = 2**63 - 1  # the largest primary key a database can hold

logger = logging.getLogger(__name__)


def parse_id(value: str | None) -> int | None:
    """A primary key from a query parameter, or None for anything that cannot be one (never an error)."""
    if value and value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None


def _with_signs(queryset: QuerySet) -> QuerySet:
    """With its leaflet and signs, the review date in force, and whether it has figures (a page without any
    makes no query for them)."""
    return (
        queryset.select_related("leaflet")
        .prefetch_related(Prefetch("help_signs", queryset=HelpSign.objects.order_by("position", "id")))
        .annotate(
            renewed_review_due=Subquery(_renewed_review_due("pk")),
            renewed_at=Subquery(_renewed_review_due("pk", field="reviewed_at")),
        )
        .annotate(has_figures=Exists(VersionFigure.objects.filter(version=OuterRef("pk"))))
    )


def _renewed_review_due(version_ref: str, *, field: str = "review_due") -> QuerySet:
    """The latest "reviewed, no change" renewal's review date (or another `field`, such as when it was
    recorded) of the version `OuterRef(version_ref)`."""
    renewals = ReviewRenewal.objects.filter(version=OuterRef(version_ref)).order_by("-reviewed_at", "-id")
    return renewals.values(field)[:1]


def clinic_for_page(*, slug: str | None) -> Clinic | None:
    """The clinic a page is branded for: the one named, else the default (an unknown name falls back)."""
    if slug:
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is not None:
            return clinic
    return default_clinic()


SHARE_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,100}$")


def valid_share_link(*, token: str):
    """The share link for a token if it is well formed, known, not revoked, not expired and its version is
    public; otherwise None, whatever the reason (no enumeration oracle)."""
    if not SHARE_TOKEN_PATTERN.match(token or ""):
        return None
    link = (
        ShareLink.objects.select_related("clinic", "version__leaflet")
        .prefetch_related(Prefetch("version__help_signs", queryset=HelpSign.objects.order_by("position", "id")))
        .filter(token_hash=share_token_hash(token), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .filter(version__status__in=LeafletVersion.PUBLIC_STATUSES)
        .annotate(
            renewed_review_due=Subquery(_renewed_review_due("version_id")),
            renewed_at=Subquery(_renewed_review_due("version_id", field="reviewed_at")),
        )
        .first()
    )
    if link is not None:  # the review dates in force, read in the same query
        link.version.renewed_review_due = link.renewed_review_due
        link.version.renewed_at = link.renewed_at
    return link


INDEX_PAGE_SIZE = 20


@dataclass(frozen=True)
class IndexPage:
    """One page of the leaflet index: a version per leaflet (its best language), the total found and the pages,
    with the filters to offer (the topics and languages that have a published version)."""

    versions: list[LeafletVersion]
    total: int
    number: int
    pages: int
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


# How long a page of results (its ids and count) is kept in the cache. Its key holds the content generation,
# so a publish, withdrawal or topic change is seen at once whatever this is; it only bounds the memory used.
INDEX_PAGE_CACHE_SECONDS = 600


def _index_page_key(*, generation: str, words: list[str], topic: str, language_order: list[str], page: int) -> str:
    parts = [generation, " ".join(words), topic.casefold(), ",".join(language_order), str(page)]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"index-page:{digest}"


def published_index_page(
    *, search_text: str = "", topic: str = "", language_order: list[str], page: int = 1
) -> IndexPage:
    """A page of the published leaflets, one version each in the best language of `language_order`.

    A search finds the versions whose title, summary, text, "when to get help" signs, tags or topic hold
    every word of it (stemmed per language: 'infected' finds 'infection'), whatever the case and accents.
    Title matches come first, then the best ranked, then by title; without a search, by title. The database
    does the searching (education/search.py).

    Three queries, whatever the size of the library: the topics, languages and content generation; the page's
    ids and count, kept in the cache under the generation, the words, topic, languages and page (a search for
    a word in every leaflet ranks thousands of hits); the page's versions, keeping only those published now,
    so a version withdrawn or replaced meanwhile is never shown even from the cache. The generation changes
    with each publish, withdrawal and topic or tags change, so a change shows at once."""
    words = content.fold_for_search(search_text).split()[: search.MAX_WORDS]
    filters = search.topics_and_languages()
    if search_text and not words:
        return IndexPage(versions=[], total=0, number=1, pages=1, topics=filters.topics, languages=filters.languages)
    page = max(1, page)
    order = list(language_order) or [settings.LANGUAGE_CODE]
    key = _index_page_key(generation=filters.generation, words=words, topic=topic, language_order=order, page=page)
    cache = caches["default"]
    try:
        found = cache.get(key)
    except Exception:  # the shared cache (Redis) is down: search the database, as without a cache
        logger.warning("Index page cache unavailable; searching without it", exc_info=True)
        cache, found = None, None
    if not isinstance(found, search.Page):
        found = search.search_page(
            words=words,
            topic=topic,
            language_order=order,
            offset=(page - 1) * INDEX_PAGE_SIZE,
            limit=INDEX_PAGE_SIZE,
        )
        if cache is not None:
            try:
                cache.set(key, found, INDEX_PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Index page cache unavailable; result not kept", exc_info=True)
    fetched = LeafletVersion.objects.filter(pk__in=found.ids, status=Status.PUBLISHED).select_related("leaflet")
    by_id = {version.pk: version for version in fetched} if found.ids else {}
    versions = [by_id[pk] for pk in found.ids if pk in by_id]
    pages = max(1, -(-found.total // INDEX_PAGE_SIZE))
    return IndexPage(
        versions=versions,
        total=found.total,
        number=page,
        pages=pages,
        topics=filters.topics,
        languages=filters.languages,
    )


def published_of_leaflet(*, slug: str) -> list[LeafletVersion]:
    """The published version of a leaflet in each language, with their signs (two queries)."""
    return list(_with_signs(LeafletVersion.objects.filter(leaflet__slug=slug, status=Status.PUBLISHED)))


def published_numbers(*, slug: str) -> dict[str, int]:
    """Language -> number of the published version, for language switches and 'newer version' links."""
    rows = LeafletVersion.objects.filter(leaflet__slug=slug, status=Status.PUBLISHED).values_list("language", "number")
    return dict(rows)


def public_version(*, slug: str, number: int, language: str = "en") -> LeafletVersion | None:
    """An exact published or retired version; None for drafts, discarded versions and numbers that do not exist.

    It carries `published_number`: the number of the leaflet's version published now in the same language
    (None if none), for the "newer version" link, read in the same query (a page with figures then stays
    within 4 queries: clinic, version, signs, figures)."""
    if not 1 <= number <= MAX_VERSION_NUMBER:
        return None
    current = LeafletVersion.objects.filter(
        leaflet=OuterRef("leaflet"), language=OuterRef("language"), status=Status.PUBLISHED
    ).values("number")[:1]
    return (
        _with_signs(
            LeafletVersion.objects.filter(
                leaflet__slug=slug, language=language, number=number, status__in=LeafletVersion.PUBLIC_STATUSES
            )
        )
        .annotate(published_number=Subquery(current))
        .first()
    )


def leaflet_withdrawal(*, slug: str) -> tuple[bool, datetime.datetime | None]:
    """(was withdrawn, when last): whether a leaflet with no published version now was once published (it has
    retired versions), and when a version of it was last withdrawn from patients (None if never). One query."""
    found = LeafletVersion.objects.filter(leaflet__slug=slug).aggregate(
        retired=Count("pk", filter=Q(status=Status.RETIRED)), last=Max("withdrawn_at")
    )
    return bool(found["retired"]), found["last"]


def default_clinic() -> Clinic | None:
    return Clinic.objects.order_by("-is_default", "name").first()


def current_version_for_handout(*, slug: str, language: str = "en") -> LeafletVersion | None:
    """The published version without its signs: a stored handout needs only the version's identity and
    fingerprint, and the signs are loaded only if the handout has to be rendered."""
    return (
        LeafletVersion.objects.select_related("leaflet")
        .filter(leaflet__slug=slug, language=language, status=Status.PUBLISHED)
        .first()
    )


def public_content_generation() -> str:
    """A value that changes with every change patients may see: each workflow step records an audit event, and
    each change of a leaflet's topic or tags a detail change. The latest id of each: one query. The
    public page cache keys its pages by it."""
    latest_change = LeafletChange.objects.order_by("-pk").values("pk")[:1]
    row = (
        AuditEvent.objects.order_by("-pk").values("pk").annotate(change=Subquery(latest_change)).first()
    )  # one query: the latest event, with the latest detail change as a subquery
    if row is None:  # no version was ever made, so no patient page exists to cache
        return "0"
    return f"{row['pk']}.{row['change'] or 0}"


def with_effective_review_due(queryset: QuerySet) -> QuerySet:
    """Annotate `renewed_review_due` (the latest "reviewed, no change" renewal's date) and `effective_review_due`
    (that, else the version's own review date): the review date in force, everywhere one is shown or reminded."""
    return queryset.annotate(renewed_review_due=Subquery(_renewed_review_due("pk"))).annotate(
        effective_review_due=Coalesce("renewed_review_due", "review_due")
    )


def figure_file_visibility(*, name: str, staff: bool) -> tuple[str, bool] | None:
    """For a figure copy's file name (`<sha256>-<width>.<ext>`): (its storage name, whether it is public),
    if some version a visitor may see shows it; for staff who write or approve leaflets, drafts count too
    (not public, so never cached by shared caches). None otherwise: unknown, withdrawn-only, draft-only or
    a width that was never made (originals are not served)."""
    match = figures.NAME_PATTERN.match(name or "")
    if match is None or match.group("width") is None:
        return None
    rows = VersionFigure.objects.filter(sha256=match.group("sha"), extension=match.group("ext"))
    public = rows.filter(version__status__in=LeafletVersion.PUBLIC_STATUSES, version__withdrawn_at__isnull=True)
    figure = public.first()
    is_public = figure is not None
    if figure is None and staff:
        figure = rows.first()
    if figure is None:
        return None
    width = int(match.group("width"))
    if width not in figures.rendition_widths(figure.width):
        return None
    return figures.FIGURE_FOLDER + name, is_public


# --- what patients tell us (feedback and page views) ---------------------------------------------------------
