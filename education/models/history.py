"""The append-only audit trail of every state change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from education.models.leaflets import Leaflet
from education.models.versions import LeafletVersion


class AuditEvent(models.Model):
    """Append-only: who did what to which version, when, and why. Rows are never changed or deleted."""

    class Action(models.TextChoices):
        CREATED = "created", _("Draft created")
        EDITED = "edited", _("Draft edited")
        SUBMITTED = "submitted", _("Submitted for review")
        SENT_BACK = "sent_back", _("Sent back to draft")
        PUBLISHED = "published", _("Approved and published")
        RETIRED = "retired", _("Retired")
        DISCARDED = "discarded", _("Discarded")
        WITHDRAWN = "withdrawn", _("Withdrawn from patients")
        LINKS_REVOKED = "revoked_all", _("Every live share link revoked")
        RECALL_SENT = "recall_sent", _("Recall notice emailed to staff")
        REVIEWED = "reviewed", _("Reviewed, no change needed")

    leaflet = models.ForeignKey(Leaflet, on_delete=models.PROTECT, related_name="events")
    version = models.ForeignKey(LeafletVersion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    content_hash = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # What patients would have seen at this step, for steps that hand a version back to its authors (send
    # back): the reviewer can later compare the resubmitted version with what they sent back.
    content = models.JSONField(_("content at this step"), null=True, blank=True, editable=False)
    # The statement an approver signed when approving (the exact words, in the language they were shown in).
    attestation = models.TextField(  # noqa: DJ001 - NULL for every step but approval; added without a rebuild
        _("statement signed"), max_length=500, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["leaflet", "at"], name="event_leaflet_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.actor} – {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def _status_label(code: str) -> str:
        try:
            return LeafletVersion.Status(code).label
        except ValueError:
            return code or "–"

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)
