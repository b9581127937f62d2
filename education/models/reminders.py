"""Review reminders sent to leaflet owners."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from education.models.leaflets import Leaflet


class ReviewReminder(models.Model):
    """One leaflet listed in one review-reminder email. Unique per day, so reminders are never sent twice."""

    leaflet = models.ForeignKey(Leaflet, on_delete=models.PROTECT, related_name="review_reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("sent on"))
    review_due = models.DateField(_("review due"))

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(fields=["leaflet", "recipient", "sent_on"], name="review_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.leaflet} to {self.recipient} on {self.sent_on}"
