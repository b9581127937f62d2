"""Leaflets as identities: creating one and changing its name, topic, tags, review interval or owner."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from education.models import Leaflet
from education.services.errors import WorkflowError
from education.services.permissions import require


@transaction.atomic
def leaflet_create(
    *,
    user: AbstractBaseUser,
    slug: str,
    name: str,
    topic: str = "",
    tags: str = "",
    review_interval_months: int | None = None,
    owner=None,
) -> Leaflet:
    """Create a leaflet (an identity without any version yet)."""
    require(user.is_active and user.has_perm("education.add_leaflet"), _("You may not create leaflets."))
    if Leaflet.objects.filter(slug=slug).exists():
        raise WorkflowError(_("A leaflet with the address %(slug)s already exists.") % {"slug": slug})
    leaflet = Leaflet(
        slug=slug,
        name=name,
        topic=topic,
        tags=tags,
        review_interval_months=review_interval_months or Leaflet.DEFAULT_REVIEW_INTERVAL_MONTHS,
        owner=owner or user,
    )
    leaflet.full_clean()
    leaflet.save()
    return leaflet


LEAFLET_EDITABLE_FIELDS = ("name", "topic", "tags", "review_interval_months", "owner")


@transaction.atomic
def leaflet_update(*, leaflet: Leaflet, user: AbstractBaseUser, changed: list[str]) -> Leaflet:
    """Save changes to a leaflet's name, topic, tags, review interval or owner. The address never changes."""
    require(user.is_active and user.has_perm("education.change_leaflet"), _("You may not change leaflets."))
    fields = [name for name in changed if name in LEAFLET_EDITABLE_FIELDS]
    if fields:
        leaflet.full_clean()
        leaflet.save(update_fields=fields)
    return leaflet
