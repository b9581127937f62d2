"""Reads of what patients tell us: yes/no answers, scrubbed comments and page views, per version or overall."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from education.models import (
    LeafletVersion,
    PageViewCount,
    PatientFeedback,
)


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
