"""A leaflet's identity and the record of changes to its own details."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Leaflet(models.Model):
    """A leaflet's stable identity: its address and its place in the clinic's review cycle."""

    DEFAULT_REVIEW_INTERVAL_MONTHS = 24

    slug = models.SlugField(
        _("address"), max_length=80, unique=True, help_text=_("Used in the leaflet's web address; never change it.")
    )
    name = models.CharField(_("internal name"), max_length=120)
    topic = models.CharField(_("topic"), max_length=80, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Comma-separated."))
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        help_text=_("How long after publication a version is due for clinical review."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_leaflets",
        help_text=_("The person who keeps this leaflet up to date."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("leaflet")
        verbose_name_plural = _("leaflets")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1, review_interval_months__lte=60),
                name="leaflet_review_interval_1_to_60_months",
            ),
        ]
        permissions = [("retire_leaflet", _("Can retire (withdraw) a leaflet"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("education:leaflet", kwargs={"slug": self.slug})


class LeafletChange(models.Model):
    """Append-only: a change to a leaflet's own details (topic and tags, which patients see on the index and
    search by; name, review interval, owner), with the value before and after. These details are not clinical
    text, so they need no sign-off, but every change is on record."""

    leaflet = models.ForeignKey(Leaflet, on_delete=models.PROTECT, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    field = models.CharField(_("detail"), max_length=40)
    before = models.TextField(_("before"), max_length=300, blank=True)
    after = models.TextField(_("after"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("leaflet detail change")
        verbose_name_plural = _("leaflet detail changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.leaflet}: {self.field} {self.before!r} -> {self.after!r}"
