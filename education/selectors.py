"""Reads. Public readers only ever see published (or, by exact version, retired) content."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import Clinic
from education import content, figures, search
from education.models import (
    AuditEvent,
    Handout,
    HandoutItem,
    HelpSign,
    Leaflet,
    LeafletChange,
    LeafletVersion,
    Notification,
    PageViewCount,
    PatientFeedback,
    ReviewRenewal,
    ReviewRequest,
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


def published_topics_and_languages() -> tuple[list[str], list[str]]:
    """The topics of published leaflets (for the filters) and the languages they are published in: one query."""
    filters = search.topics_and_languages()
    return filters.topics, filters.languages


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


def leaflet_was_withdrawn(*, slug: str) -> bool:
    """True when a leaflet was once published but has no published version now."""
    return LeafletVersion.objects.filter(leaflet__slug=slug, status=Status.RETIRED).exists()


def last_withdrawn_at(*, slug: str):
    """When a version of this leaflet was last withdrawn from patients, or None."""
    versions = LeafletVersion.objects.filter(leaflet__slug=slug, withdrawn_at__isnull=False)
    return versions.order_by("-withdrawn_at").values_list("withdrawn_at", flat=True).first()


def default_clinic() -> Clinic | None:
    return Clinic.objects.order_by("-is_default", "name").first()


def leaflets_for_admin() -> QuerySet[Leaflet]:
    """Leaflets with their current published version's number, title and review date, and any open draft."""
    published = LeafletVersion.objects.filter(leaflet=OuterRef("pk"), status=Status.PUBLISHED).order_by("language")
    open_versions = LeafletVersion.objects.filter(
        leaflet=OuterRef("pk"), status__in=LeafletVersion.OPEN_STATUSES
    ).order_by("language")
    return Leaflet.objects.annotate(
        published_number=Subquery(published.values("number")[:1]),
        published_title=Subquery(published.values("title")[:1]),
        # the review date in force: a "reviewed, no change" renewal moves it on (with_effective_review_due)
        published_review_due=Subquery(with_effective_review_due(published).values("effective_review_due")[:1]),
        open_status=Subquery(open_versions.values("status")[:1]),
        open_number=Subquery(open_versions.values("number")[:1]),
    )


def review_due_filter(kind: str, *, today: datetime.date | None = None) -> Q:
    """Q for leaflets whose published version is overdue ('overdue') or due within 90 days ('soon')."""
    today = today or timezone.localdate()
    if kind == "overdue":
        return Q(published_review_due__lt=today)
    return Q(published_review_due__gte=today, published_review_due__lte=today + datetime.timedelta(days=90))


def version_events(version: LeafletVersion):
    return version.events.select_related("actor").order_by("at", "id")


def leaflet_events(leaflet: Leaflet):
    return leaflet.events.select_related("actor", "version").order_by("at", "id")


def leaflet_detail_changes(leaflet: Leaflet):
    """Changes of the leaflet's own details (topic, tags, name, review interval, owner), oldest first."""
    return leaflet.changes.select_related("actor").order_by("at", "id")


def default_comparison(version: LeafletVersion) -> LeafletVersion | None:
    """What a version is compared with by default: a draft against the published version (else the one it
    was copied from); any other version against the one before it."""
    siblings = LeafletVersion.objects.filter(leaflet_id=version.leaflet_id, language=version.language).exclude(
        pk=version.pk
    )
    if version.status in LeafletVersion.OPEN_STATUSES:
        published = siblings.filter(status=Status.PUBLISHED).first()
        if published is not None:
            return published
        if version.based_on_id:
            return version.based_on
    return siblings.filter(number__lt=version.number).exclude(status=Status.DISCARDED).order_by("-number").first()


def current_version_for_handout(*, slug: str, language: str = "en") -> LeafletVersion | None:
    """The published version without its signs: a stored handout needs only the version's identity and
    fingerprint, and the signs are loaded only if the handout has to be rendered."""
    return (
        LeafletVersion.objects.select_related("leaflet")
        .filter(leaflet__slug=slug, language=language, status=Status.PUBLISHED)
        .first()
    )


def last_sent_back(version: LeafletVersion) -> AuditEvent | None:
    """The latest "sent back to draft" event of a version (what the reviewer asked for), if any."""
    return (
        AuditEvent.objects.filter(version=version, action=AuditEvent.Action.SENT_BACK)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def published_for_staff() -> QuerySet[LeafletVersion]:
    """Published versions for the staff choices (handout, share), each annotated `source_is_newer` when it is
    a translation whose source has moved on (one query: the mark is an EXISTS in the same SELECT)."""
    return (
        LeafletVersion.objects.filter(status=Status.PUBLISHED)
        .select_related("leaflet")
        .with_translation_state()
        .order_by("leaflet__name", "language")
    )


STAFF_PICKER_LIMIT = 30  # a longer list is slow to render as form fields and to read: type to narrow it


@dataclass(frozen=True)
class StaffPicker:
    """The published versions a staff picker offers: those found (at most STAFF_PICKER_LIMIT), plus any
    already chosen, and how many were found in all."""

    versions: QuerySet[LeafletVersion]
    total: int
    shown: int


def published_for_staff_picker(
    *, search_text: str = "", chosen_ids: list[int] | tuple = (), labels_only: bool = False
) -> StaffPicker:
    """The choices of the handout and share forms, searched the same way as the patients' index but in every
    language (title matches first; without a search, by leaflet name). Versions already chosen stay
    available whatever the search, so a form can still be checked and shown again. `labels_only` leaves
    their text unread (a form only shown). Two queries."""
    words = content.fold_for_search(search_text).split()
    if search_text and not words:
        found = search.Page(ids=[], total=0)
    else:
        found = search.search_page(
            words=words, language_order=[settings.LANGUAGE_CODE], offset=0, limit=STAFF_PICKER_LIMIT,
            every_language=True,
        )  # fmt: skip
    chosen = [pk for pk in chosen_ids if pk is not None][:STAFF_PICKER_LIMIT]
    versions = published_for_staff().filter(Q(pk__in=found.ids) | Q(pk__in=chosen))
    if labels_only:  # a form shown, not checked: its choices need their labels, not their text
        versions = versions.defer("body", "summary", "references")
    if words:  # the search's order: found versions by rank, then the chosen ones
        rank = {pk: position for position, pk in enumerate(found.ids)}
        whens = [When(pk=pk, then=Value(position)) for pk, position in rank.items()]
        versions = versions.order_by(Case(*whens, default=Value(len(rank))) if whens else Value(0), "leaflet__name")
    else:  # the same order as the search's first page: by title
        versions = versions.order_by(Lower("title"), "pk")
    return StaffPicker(versions=versions, total=found.total, shown=len(found.ids))


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


@dataclass(frozen=True)
class RecallLine:
    """One thing handed out from a version: a handout record, or a share link that no handout names."""

    at: datetime.datetime
    clinic: object
    channel: str
    staff: object
    link: ShareLink | None
    after_withdrawal: bool

    @property
    def link_views(self) -> int | None:
        return None if self.link is None else self.link.view_count

    @property
    def link_views_after_withdrawal(self) -> int | None:
        return None if self.link is None else (self.link.views_after_withdrawal or 0)

    @property
    def link_live(self) -> bool:
        link = self.link
        return bool(
            link is not None
            and link.revoked_at is None
            and (link.expires_at is None or link.expires_at > timezone.now())
        )


def recall_report(*, version: LeafletVersion) -> list[RecallLine]:
    """Everything handed out from this version, oldest first: each handout record (print, email, link, QR
    code) with its date, clinic, channel and member of staff, and its share link's views. Share links with
    no handout record (an email that could not be sent) are listed too. No patient data exists to show: the
    clinic finds its patients in its own records by date, member of staff and clinic. Three queries."""
    handouts = (
        Handout.objects.filter(items__version=version)
        .select_related("clinic", "created_by", "share_link")
        .order_by("created_at", "id")
        .distinct()
    )
    withdrawn_at = version.withdrawn_at
    lines = [
        RecallLine(
            at=handout.created_at,
            clinic=handout.clinic,
            channel=handout.get_channel_display(),
            staff=handout.created_by,
            link=handout.share_link,
            after_withdrawal=withdrawn_at is not None and handout.created_at >= withdrawn_at,
        )
        for handout in handouts
    ]
    recorded = {line.link.pk for line in lines if line.link is not None}
    for link in version.share_links.select_related("clinic", "created_by").order_by("created_at", "id"):
        if link.pk not in recorded:
            lines.append(
                RecallLine(
                    at=link.created_at,
                    clinic=link.clinic,
                    channel=str(_("Share link (no handout recorded)")),
                    staff=link.created_by,
                    link=link,
                    after_withdrawal=withdrawn_at is not None and link.created_at >= withdrawn_at,
                )
            )
    return sorted(lines, key=lambda line: line.at)


def draft_sources(
    *, leaflet: Leaflet, language: str, based_on_id: int | None = None
) -> tuple[LeafletVersion | None, LeafletVersion | None]:
    """What a new draft of a leaflet in a language starts from: (the version it copies, the version it translates).

    It copies the version asked for, looked up among all the leaflet's versions (LeafletVersion.DoesNotExist
    when it is not one of them; the service refuses one in another language); else the latest version in its
    language that was not discarded; else nothing, and the first draft starts empty. A copy of a translation
    translates what that one did, so if the source has moved on since, the draft says "translation out of date"
    until someone brings it up to date. Otherwise a draft in another language than the clinic's source language
    translates the source-language version patients see now, if there is one.
    """
    if based_on_id:
        based_on = leaflet.versions.filter(pk=based_on_id).first()
        if based_on is None:
            raise LeafletVersion.DoesNotExist(f"Version {based_on_id} is not one of {leaflet.slug}'s.")
    else:
        based_on = (
            leaflet.versions.filter(language=language).exclude(status=Status.DISCARDED).order_by("-number").first()
        )
    if based_on is not None and based_on.translation_of_id is not None:
        return based_on, based_on.translation_of
    if language != settings.LANGUAGE_CODE:
        return based_on, leaflet.versions.filter(language=settings.LANGUAGE_CODE, status=Status.PUBLISHED).first()
    return based_on, None


# --- the staff workspace ----------------------------------------------------------------------------------


def with_effective_review_due(queryset: QuerySet) -> QuerySet:
    """Annotate `renewed_review_due` (the latest "reviewed, no change" renewal's date) and `effective_review_due`
    (that, else the version's own review date): the review date in force, everywhere one is shown or reminded."""
    return queryset.annotate(renewed_review_due=Subquery(_renewed_review_due("pk"))).annotate(
        effective_review_due=Coalesce("renewed_review_due", "review_due")
    )


def published_with_review_due(*, due_by: datetime.date) -> QuerySet[LeafletVersion]:
    """Published versions whose review date in force is on or before `due_by` (overdue ones included)."""
    published = LeafletVersion.objects.filter(status=Status.PUBLISHED).select_related("leaflet__owner", "approved_by")
    return (
        with_effective_review_due(published)
        .filter(effective_review_due__lte=due_by)
        .order_by("effective_review_due", "leaflet__name", "language")
    )


def _submitted_annotations(queryset: QuerySet) -> QuerySet:
    submissions = AuditEvent.objects.filter(version=OuterRef("pk"), action=AuditEvent.Action.SUBMITTED).order_by(
        "-at", "-id"
    )
    return queryset.annotate(
        submitted_at=Subquery(submissions.values("at")[:1]),
        submitted_by_id=Subquery(submissions.values("actor_id")[:1]),
        submit_note=Subquery(submissions.values("comment")[:1]),
    ).annotate(
        named_reviewer_id=Subquery(
            ReviewRequest.objects.filter(version=OuterRef("pk"), at__gte=OuterRef("submitted_at"))
            .order_by("-at", "-id")
            .values("reviewer_id")[:1]
        )
    )


def _mine(user) -> Q:
    return Q(created_by=user) | Q(contributors__user=user)


@dataclass
class StaffHome:
    """What the staff home lists for one member of staff; each list is short (`limit`), each count is whole."""

    waiting_for_review: list
    waiting_count: int
    my_drafts: list
    my_drafts_count: int
    sent_back: list
    sent_back_count: int
    due_for_review: list
    due_count: int
    translations_out_of_date: list
    translations_count: int
    notifications: list
    unread_count: int


def _people(ids) -> dict:
    return get_user_model().objects.in_bulk([pk for pk in ids if pk])


def staff_home(*, user, today: datetime.date | None = None, limit: int = 10) -> StaffHome:
    """The staff home's sections for this user (see `education/views/workspace.py`)."""
    today = today or timezone.localdate()
    versions = LeafletVersion.objects.select_related("leaflet", "created_by")

    # Waiting for review: for approvers, versions in review they did not write, named to them first, then
    # the oldest submission first.
    if user.is_active and user.has_perm("education.approve_leafletversion"):
        mine = LeafletVersion.objects.filter(_mine(user)).values("pk")
        waiting_qs = _submitted_annotations(versions.filter(status=Status.IN_REVIEW).exclude(pk__in=mine))
        waiting = sorted(
            waiting_qs,
            key=lambda v: (v.named_reviewer_id != user.pk, v.submitted_at or v.updated_at, v.pk),
        )
    else:
        waiting = []
    people = _people({v.submitted_by_id for v in waiting} | {v.named_reviewer_id for v in waiting})
    for version in waiting:
        version.submitted_by = people.get(version.submitted_by_id)
        version.named_reviewer = people.get(version.named_reviewer_id)

    # My drafts and what was sent back to me: open versions I wrote or edited; a draft whose last step was a
    # send-back is "sent back" (with the comment), the others are "my drafts".
    last_event = AuditEvent.objects.filter(version=OuterRef("pk")).order_by("-at", "-id")
    own_open = (
        versions.filter(status__in=LeafletVersion.OPEN_STATUSES, pk__in=LeafletVersion.objects.filter(_mine(user)))
        .annotate(
            last_action=Subquery(last_event.values("action")[:1]),
            last_comment=Subquery(last_event.values("comment")[:1]),
            last_actor_id=Subquery(last_event.values("actor_id")[:1]),
            last_at=Subquery(last_event.values("at")[:1]),
        )
        .order_by("-updated_at", "-pk")
    )
    sent_back, drafts = [], []
    for version in own_open:
        if version.status == Status.DRAFT and version.last_action == AuditEvent.Action.SENT_BACK:
            sent_back.append(version)
        else:
            drafts.append(version)
    people = _people({v.last_actor_id for v in sent_back})
    for version in sent_back:
        version.sent_back_by = people.get(version.last_actor_id)

    # Due for review: leaflets I own (and, for approvers, leaflets whose owner is missing or inactive) whose
    # published version is overdue or due within 90 days.
    due_qs = published_with_review_due(due_by=today + datetime.timedelta(days=90))
    orphan = Q(leaflet__owner__isnull=True) | Q(leaflet__owner__is_active=False)
    if user.has_perm("education.approve_leafletversion"):
        due_qs = due_qs.filter(Q(leaflet__owner=user) | orphan)
    else:
        due_qs = due_qs.filter(leaflet__owner=user)
    due = list(due_qs[:limit])  # counted in the database: a clinic's whole library may be due
    for version in due:
        version.overdue = version.effective_review_due < today

    # Translations out of date: open or published translations whose source has a newer published version.
    translations_qs = (
        versions.filter(translation_of__isnull=False, status__in=(*LeafletVersion.OPEN_STATUSES, Status.PUBLISHED))
        .with_translation_state()
        .filter(source_is_newer=True)
    )
    translations = list(translations_qs.select_related("translation_of").order_by("leaflet__name", "language")[:limit])

    notifications = list(
        Notification.objects.filter(recipient=user).select_related("version__leaflet", "actor")[:limit]
    )
    return StaffHome(
        waiting_for_review=waiting[:limit],
        waiting_count=len(waiting),
        my_drafts=drafts[:limit],
        my_drafts_count=len(drafts),
        sent_back=sent_back[:limit],
        sent_back_count=len(sent_back),
        due_for_review=due,
        due_count=due_qs.count() if len(due) == limit else len(due),
        translations_out_of_date=translations,
        translations_count=translations_qs.count() if len(translations) == limit else len(translations),
        notifications=notifications,
        unread_count=Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )


def review_context(version: LeafletVersion) -> dict:
    """What a reviewer reads beside the text: the submit note, every earlier comment (oldest first), the
    named reviewer, and the published version it would replace."""
    events = list(version.events.select_related("actor").order_by("at", "id"))
    submissions = [event for event in events if event.action == AuditEvent.Action.SUBMITTED]
    request = ReviewRequest.objects.filter(version=version).select_related("reviewer").first()
    if request is not None and submissions and request.at < submissions[-1].at:
        request = None
    published = (
        LeafletVersion.objects.filter(leaflet_id=version.leaflet_id, language=version.language, status=Status.PUBLISHED)
        .exclude(pk=version.pk)
        .first()
    )
    return {
        "submission": submissions[-1] if submissions else None,
        "comments": [event for event in events if event.comment],
        "named_reviewer": request.reviewer if request is not None else None,
        "published": published,
    }


@dataclass
class RegisterRow:
    """One leaflet in one language in the governance register."""

    leaflet: Leaflet
    language: str
    version: LeafletVersion | None  # the published version, if any
    open_version: LeafletVersion | None
    translation_state: str
    handouts_90_days: int


def governance_register(*, today: datetime.date | None = None) -> list[RegisterRow]:
    """Every leaflet, one row per language it has a version in: owner, current version, approver, approval
    date, review date in force, translation state and handouts (printed, sent or shared) in the last 90 days."""
    today = today or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=90)
    versions = (
        with_effective_review_due(LeafletVersion.objects.all())
        .with_translation_state()
        .select_related("leaflet__owner", "approved_by", "translation_of")
        .exclude(status=Status.DISCARDED)
        .order_by("leaflet__name", "leaflet_id", "language", "-number")
    )
    handed = {
        (row["version__leaflet_id"], row["version__language"]): row["count"]
        for row in HandoutItem.objects.filter(handout__created_at__gte=since)
        .values("version__leaflet_id", "version__language")
        .annotate(count=Count("id"))
    }
    rows: dict[tuple, RegisterRow] = {}
    for version in versions:
        key = (version.leaflet_id, version.language)
        row = rows.get(key)
        if row is None:
            row = rows[key] = RegisterRow(version.leaflet, version.language, None, None, "", handed.get(key, 0))
        if version.status == Status.PUBLISHED:
            row.version = version
        elif version.status in LeafletVersion.OPEN_STATUSES and row.open_version is None:
            row.open_version = version
    listed = {leaflet_id for leaflet_id, _language in rows}
    for leaflet in Leaflet.objects.select_related("owner").exclude(pk__in=listed):  # no version, or all discarded
        rows[(leaflet.pk, "")] = RegisterRow(leaflet, "", None, None, "", 0)
    for row in rows.values():
        current = row.version or row.open_version
        if current is None or current.translation_of_id is None:
            row.translation_state = _("original")
        elif current.source_is_newer:
            row.translation_state = _("out of date")
        else:
            row.translation_state = _("up to date")
    return sorted(rows.values(), key=lambda row: (row.leaflet.name.casefold(), row.leaflet.pk, row.language))


def leaflet_hand_outs(leaflet: Leaflet) -> dict:
    """What patients were given of a leaflet, for its history: handouts (printed, emailed, QR, link) with the
    version each carried, and share links; newest first. No patient data exists to show."""
    return {
        "handout_items": HandoutItem.objects.filter(version__leaflet=leaflet)
        .select_related("handout__created_by", "handout__clinic", "version")
        .order_by("-handout__created_at", "-id")[:200],
        "share_links": ShareLink.objects.filter(version__leaflet=leaflet)
        .select_related("created_by", "version")
        .order_by("-created_at", "-id")[:200],
    }


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


@dataclass(frozen=True)
class FeedbackSummary:
    """Feedback and page views of one version: counts, and the latest comments (already scrubbed)."""

    version_id: int
    helpful: int = 0
    not_helpful: int = 0
    views: int = 0
    comments: tuple = ()  # PatientFeedback rows with a comment, newest first

    @property
    def answers(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_percent(self) -> int | None:
        return round(100 * self.helpful / self.answers) if self.answers else None


def feedback_summary(
    *, version_ids, since: datetime.date | None = None, comments: int = 0
) -> dict[int, FeedbackSummary]:
    """FeedbackSummary for each of these versions (every id gets one, zeros included), counting from `since`
    (a day, inclusive) when given, with up to `comments` latest comments each. Three queries, whatever the
    number of versions: for the staff home, the governance register and the version's admin page."""
    ids = sorted({int(pk) for pk in version_ids})
    answers = PatientFeedback.objects.filter(version_id__in=ids)
    views = PageViewCount.objects.filter(version_id__in=ids)
    if since is not None:
        answers, views = answers.filter(day__gte=since), views.filter(day__gte=since)
    counts = {
        row["version_id"]: row
        for row in answers.values("version_id").annotate(
            yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
        )
    }
    viewed = dict(views.values("version_id").annotate(total=Sum("views")).values_list("version_id", "total"))
    latest: dict[int, list] = {pk: [] for pk in ids}
    if comments:
        for row in answers.exclude(comment="").order_by("-day", "-id"):
            if len(latest[row.version_id]) < comments:
                latest[row.version_id].append(row)
            if all(len(rows) >= comments for rows in latest.values()):
                break
    return {
        pk: FeedbackSummary(
            version_id=pk,
            helpful=counts.get(pk, {}).get("yes", 0),
            not_helpful=counts.get(pk, {}).get("no", 0),
            views=viewed.get(pk) or 0,
            comments=tuple(latest[pk]),
        )
        for pk in ids
    }


def version_feedback(*, version: LeafletVersion, comments: int = 50) -> FeedbackSummary:
    """Everything patients told us about one version: counts, views and its latest comments."""
    return feedback_summary(version_ids=[version.pk], comments=comments)[version.pk]


def feedback_totals(*, since: datetime.date) -> dict:
    """Yes and no answers on every version since a day (inclusive), in one query: for the staff home."""
    return PatientFeedback.objects.filter(day__gte=since).aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )


def recent_feedback_comments(*, since: datetime.date, limit: int = 20) -> QuerySet[PatientFeedback]:
    """The latest comments from patients since a day, on any version, newest first (for the staff home)."""
    return (
        PatientFeedback.objects.filter(day__gte=since)
        .exclude(comment="")
        .select_related("version__leaflet")
        .order_by("-day", "-id")[:limit]
    )
