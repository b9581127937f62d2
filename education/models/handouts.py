"""What reached patients: share links and handout records. Nothing about a patient is stored."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from education.models.versions import LeafletVersion


def share_token_hash(token: str) -> str:
    """The stored fingerprint of a share token (or a share form's one-time key): SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ShareLink(models.Model):
    """An unguessable link to one exact version, for one patient's phone, email or printed QR code.

    Only a SHA-256 hash of the token is stored; the token itself is shown once, to the member of staff who
    created the link. Nothing about the visitor is stored: only an aggregate view count.
    """

    token_hash = models.CharField(_("token fingerprint"), max_length=64, unique=True, editable=False)
    version = models.ForeignKey(
        LeafletVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="share_links"
    )
    clinic = models.ForeignKey(
        "clinic.Clinic", verbose_name=_("clinic"), on_delete=models.PROTECT, related_name="share_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    view_count = models.PositiveIntegerField(_("views"), default=0)
    # Visits after the version was withdrawn (each was shown the withdrawal notice, not the text): a patient
    # who still tried to read it, which a recall needs to know. NULL until the first such visit, so SQLite
    # adds the column without rebuilding the table.
    views_after_withdrawal = models.PositiveIntegerField(_("views after withdrawal"), null=True, blank=True)
    # SHA-256 of the one-time key of the staff share form that made this link, so submitting the same form
    # again (a refreshed result page) sends nothing. NULL, not "", for links made without a form: NULLs never
    # collide, and SQLite can add a nullable column without rebuilding the table and its triggers.
    form_key_hash = models.CharField(  # noqa: DJ001
        _("share form fingerprint"), max_length=64, null=True, editable=False
    )

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a hash pattern, not a password
                name="share_link_hash_is_sha256",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False), name="share_link_revoked_by_someone"
            ),
            # Conditional, so SQLite adds it as an index instead of rebuilding the table (and its triggers).
            models.UniqueConstraint(
                fields=["form_key_hash"], condition=Q(form_key_hash__isnull=False), name="share_link_one_per_form"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} via {self.clinic} ({self.created_at:%Y-%m-%d})"


class Handout(models.Model):
    """A record that a leaflet reached a patient: printed, emailed, shown as a QR code or sent as a link.

    Never holds anything about the patient (no name, email, phone or date of birth): only which versions,
    which clinic, how, when and, for staff, who. It answers "which version did patients get?".
    """

    class Channel(models.TextChoices):
        PRINT = "print", _("Printed handout")
        EMAIL = "email", _("Link sent by email")
        QR = "qr", _("QR code shown or printed")
        LINK = "link", _("Link copied")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    clinic = models.ForeignKey(
        "clinic.Clinic", verbose_name=_("clinic"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for downloads by the public."),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    share_link = models.ForeignKey(
        ShareLink,
        verbose_name=_("share link"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handouts",
    )
    options = models.JSONField(
        _("options"), default=dict, blank=True, help_text=_("Paper size, large print, whether a note was added.")
    )
    versions = models.ManyToManyField(LeafletVersion, through="HandoutItem", related_name="handouts")

    class Meta:
        verbose_name = _("handout record")
        verbose_name_plural = _("handout records")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["channel", "created_at"], name="handout_channel_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["print", "download", "email", "qr", "link"]), name="handout_channel_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class HandoutItem(models.Model):
    handout = models.ForeignKey(Handout, on_delete=models.PROTECT, related_name="items")
    version = models.ForeignKey(LeafletVersion, on_delete=models.PROTECT, related_name="handout_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("handed-out version")
        verbose_name_plural = _("handed-out versions")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["handout", "version"], name="handout_item_once")]

    def __str__(self) -> str:
        return f"{self.version} in {self.handout_id}"
