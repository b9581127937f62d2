"""Reads for the admin's lists and pages: leaflets and their review dates, histories, comparisons, pickers, recall."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from education import content, search
from education.models import (
    AuditEvent,
    Handout,
    HandoutItem,
    Leaflet,
    LeafletVersion,
    ShareLink,
)
from education.selectors.public import with_effective_review_due

Status = LeafletVersion.Status


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
