"""What patients tell us, without tracking: answers to "Was this leaflet helpful?" and page views per day.

Nothing here identifies a patient: no address, browser, account, cookie or time of day is stored. A comment
is stored only after email addresses and phone numbers are removed (education.content.scrub_contact_details),
and a page view is one more in an aggregate counter per version and day.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from education.models.versions import LeafletVersion

MAX_FEEDBACK_COMMENT_CHARS = 500


class PatientFeedback(models.Model):
    """One answer to "Was this leaflet helpful?" on one version, in its language, on one day."""

    version = models.ForeignKey(
        LeafletVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="feedback"
    )
    language = models.CharField(_("language"), max_length=10, editable=False)
    day = models.DateField(_("day"), editable=False)
    helpful = models.BooleanField(_("helpful"), editable=False)
    comment = models.TextField(_("comment"), blank=True, max_length=MAX_FEEDBACK_COMMENT_CHARS, editable=False)

    class Meta:
        verbose_name = _("patient feedback")
        verbose_name_plural = _("patient feedback")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), MAX_FEEDBACK_COMMENT_CHARS),
                name="feedback_comment_short",
            ),
            models.CheckConstraint(condition=~Q(language=""), name="feedback_language_known"),
        ]
        indexes = [models.Index(fields=["version", "day"], name="feedback_version_day")]

    def __str__(self) -> str:
        return f"{self.version_id} {self.day} {'yes' if self.helpful else 'no'}"


class PageViewCount(models.Model):
    """How many times a version's patient page was shown on one day: an aggregate, nothing per visitor."""

    version = models.ForeignKey(
        LeafletVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="page_view_counts"
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views")
        verbose_name_plural = _("page views")
        constraints = [
            models.UniqueConstraint(fields=["version", "day"], name="page_views_one_row_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.day}: {self.views}"
