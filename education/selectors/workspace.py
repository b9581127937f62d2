"""Reads for the staff home and the governance register: queues, drafts, reviews due, translations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from education.models import (
    AuditEvent,
    HandoutItem,
    Leaflet,
    LeafletVersion,
    Notification,
    ReviewRequest,
    VersionFigure,
)
from education.selectors.public import with_effective_review_due

Status = LeafletVersion.Status


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


@dataclass(frozen=True)
class FigureForReview:
    """A picture as the reviewer sees it: the figure, the name of its smallest copy (for education:figure_file)
    and how it stands against the published version: "new" (a picture patients have not seen), "changed" (the
    same picture, with other words or another place), "same", or "removed" (published, not in this version)."""

    figure: VersionFigure
    thumbnail: str
    state: str


def figures_for_review(version: LeafletVersion, published: LeafletVersion | None) -> list[FigureForReview]:
    """The version's pictures in order, each marked against the published version's, then the published ones
    this version drops. A picture is matched by its SHA-256 (the bytes patients would see)."""

    def words(figure) -> tuple[str, str, str]:
        return (figure.alt_text, figure.caption, figure.after_heading)

    def thumbnail(figure) -> str:
        return figure.renditions()[0][1].removeprefix("figures/")

    before = {figure.sha256: figure for figure in published.figures.all()} if published else {}
    rows = []
    for figure in version.figures.all():
        old = before.get(figure.sha256)
        state = "new" if old is None else ("same" if words(old) == words(figure) else "changed")
        rows.append(FigureForReview(figure, thumbnail(figure), state))
    kept = {figure.sha256 for figure in version.figures.all()}
    rows += [FigureForReview(old, thumbnail(old), "removed") for sha, old in before.items() if sha not in kept]
    return rows


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
