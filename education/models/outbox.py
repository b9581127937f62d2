"""Emails waiting for the background worker: one row per share email, the record that it goes only once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from education.models.handouts import ShareLink


class ShareEmail(models.Model):
    """A share link's email, from the staff form to the patient's mailbox (education.services.sharing).

    The address, subject and text are kept only while the email waits, sealed (encrypted with a key derived
    from SECRET_KEY), and erased when it is sent or given up: no patient's address is left in the database.
    The worker claims the row (`claimed_at`) in the database before it sends, so a second run of the job, a
    retry or a second worker finds it claimed and sends nothing: an email never goes twice.
    """

    share_link = models.OneToOneField(
        ShareLink, verbose_name=_("share link"), on_delete=models.PROTECT, related_name="email"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sealed = models.TextField(_("sealed message"), blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("given up"), null=True, blank=True)

    class Meta:
        verbose_name = _("share email")
        verbose_name_plural = _("share emails")
        constraints = [
            # Sent only by a worker that claimed it, and nothing about the patient kept once it is done.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(claimed_at__isnull=False), name="share_email_sent_when_claimed"
            ),
            models.CheckConstraint(
                condition=(Q(sent_at__isnull=True) & Q(given_up_at__isnull=True)) | Q(sealed=""),
                name="share_email_erased_when_done",
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(given_up_at__isnull=True), name="share_email_sent_or_given_up"
            ),
        ]

    def __str__(self) -> str:
        return f"Email of share link {self.share_link_id}"
