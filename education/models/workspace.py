"""The staff workspace: notifications to staff, a named reviewer for a submission, "reviewed, no change"
renewals of a published version's review date, and each member of staff's language for email."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from education.models.leaflets import Leaflet
from education.models.versions import LeafletVersion


class StaffProfile(models.Model):
    """What the app knows of a member of staff beyond the user row: the language their email is written in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    language = models.CharField(_("language for email"), max_length=10)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class ReviewRequest(models.Model):
    """A submission addressed to one named clinical approver: it comes first in their queue and only they are
    notified. Append-only; the latest row for a version is the one that counts."""

    version = models.ForeignKey(LeafletVersion, on_delete=models.PROTECT, related_name="review_requests")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} -> {self.reviewer}"


class ReviewRenewal(models.Model):
    """Append-only: an approver reviewed a published version and found no change needed ("Reviewed, no
    change"), which moves its review date to `review_due` without a new version (published rows are frozen).
    The effective review date of a version is the latest renewal's, else the version's own."""

    version = models.ForeignKey(LeafletVersion, on_delete=models.PROTECT, related_name="renewals")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), auto_now_add=True)
    previous_review_due = models.DateField(_("review was due"))
    review_due = models.DateField(_("next review due"))
    content_hash = models.CharField(_("content fingerprint"), max_length=64)
    attestation = models.TextField(_("statement signed"), max_length=500)
    comment = models.TextField(_("comment"), max_length=2000)

    class Meta:
        verbose_name = _("review without change")
        verbose_name_plural = _("reviews without change")
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_due__gt=models.F("previous_review_due")),
                name="review_renewal_moves_date_forward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: reviewed {self.reviewed_at:%Y-%m-%d}, next {self.review_due}"


class Notification(models.Model):
    """One message to one member of staff about one version: shown on their staff home and emailed once.

    It names no patient: the app stores none. `key` makes each notification unique (a review-due reminder is
    made once per stage per review date); `emailed_at` is claimed by a conditional UPDATE before the email is
    sent, so a retried job never sends it twice."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for your review")
        SENT_BACK = "sent_back", _("Sent back")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REVIEW_SOON = "review_soon", _("Review due soon")
        REVIEW_OVERDUE = "review_overdue", _("Review overdue")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("for"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("about"), max_length=16, choices=Kind.choices)
    leaflet = models.ForeignKey(Leaflet, verbose_name=_("leaflet"), on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        LeafletVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    email_failed = models.CharField(_("email not sent"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "created_at"], name="notification_recipient_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.version} -> {self.recipient}"
