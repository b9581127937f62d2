"""What patients tell us, without tracking: feedback on a version and aggregate page views.

Nothing identifying is stored. A comment is scrubbed of email addresses and phone numbers before it is
saved; the day is kept, never the time. Page views are counted in this process's memory and added to one
counter per version and day every PAGE_VIEW_FLUSH_SECONDS, so a patient page costs no database write (the
request that finds the interval over writes them, in one short transaction).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from education.content import scrub_contact_details
from education.models import MAX_FEEDBACK_COMMENT_CHARS, LeafletVersion, PageViewCount, PatientFeedback
from education.services.errors import WorkflowError
from education.services.permissions import can_approve, require

logger = logging.getLogger(__name__)


def feedback_record(*, version: LeafletVersion, helpful: bool, comment: str = "") -> PatientFeedback:
    """Store one answer to "Was this leaflet helpful?" for a version patients can read, with the comment's
    email addresses and phone numbers removed. Raises WorkflowError for any other version or a long comment
    (the database refuses both too)."""
    version = LeafletVersion.objects.get(pk=version.pk)  # as it is now, not as the caller last saw it
    if not version.is_public:
        raise WorkflowError(_("This version of the leaflet is no longer available for feedback."))
    # One line of printable text: no control characters (PostgreSQL refuses NUL), no layout in staff screens.
    comment = " ".join("".join(ch if ch.isprintable() else " " for ch in comment or "").split())
    if len(comment) > MAX_FEEDBACK_COMMENT_CHARS:
        raise WorkflowError(
            _("A comment can be at most %(count)d characters long.") % {"count": MAX_FEEDBACK_COMMENT_CHARS}
        )
    with transaction.atomic():
        return PatientFeedback.objects.create(
            version=version,
            language=version.language,
            day=timezone.localdate(),
            helpful=bool(helpful),
            comment=scrub_contact_details(comment),
        )


def feedback_comments_remove(*, feedback_ids, user) -> int:
    """Blank the comments of these answers (their yes/no stays counted): for a comment that still names
    someone, which no scrubbing can catch. Clinical approvers only; returns how many comments were removed."""
    require(can_approve(user), _("Only clinical approvers can remove patients' comments."))
    ids = sorted(set(feedback_ids))
    with transaction.atomic():
        chosen = PatientFeedback.objects.filter(pk__in=ids).exclude(comment="")
        removed_ids = list(chosen.values_list("pk", flat=True))
        removed = chosen.update(comment="")
    if removed:  # who removed which answers' comments, for the record; never what they said
        logger.info("%s removed the comments of patient answers %s", user.get_username(), removed_ids)
    return removed


class _PageViews:
    """Page views counted in memory, added to the database in one short transaction now and then."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending: Counter[tuple[int, object]] = Counter()
        self.last_flush = time.monotonic()
        self.day, self.day_checked = None, 0.0

    def _today(self, now: float):
        """The local date, looked up at most once a second (the lookup is most of the cost of a view)."""
        if self.day is None or now - self.day_checked >= 1:
            self.day, self.day_checked = timezone.localdate(), now
        return self.day

    def add(self, version_id: int) -> None:
        now = time.monotonic()
        with self.lock:
            self.pending[(version_id, self._today(now))] += 1
            due = now - self.last_flush >= settings.PAGE_VIEW_FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> int:
        with self.lock:
            pending, self.pending = self.pending, Counter()
            self.last_flush = time.monotonic()
        if not pending:
            return 0
        try:
            with transaction.atomic():
                for (version_id, day), views in sorted(pending.items()):
                    _add_views(version_id=version_id, day=day, views=views)
        except DatabaseError:
            # Aggregate statistics only: a lost minute of counts is better than a failed patient page.
            logger.warning("Could not store %d page views; they are not counted.", sum(pending.values()))
            return 0
        return sum(pending.values())


def _add_views(*, version_id: int, day, views: int) -> None:
    rows = PageViewCount.objects.filter(version_id=version_id, day=day)
    if rows.update(views=F("views") + views):
        return
    try:
        with transaction.atomic():
            PageViewCount.objects.create(version_id=version_id, day=day, views=views)
    except IntegrityError:  # another process created the row in between
        rows.update(views=F("views") + views)


# Not flushed at exit: at worst the last PAGE_VIEW_FLUSH_SECONDS of a process's views go uncounted (and an
# exit hook could write into whatever database the settings name by then, in tests the developer's own).
_page_views = _PageViews()


def page_view_count(*, version_id: int) -> None:
    """One more view of this version's patient page today (stored within PAGE_VIEW_FLUSH_SECONDS)."""
    _page_views.add(version_id)


def page_views_flush() -> int:
    """Store the views counted so far in this process now; returns how many."""
    return _page_views.flush()
