"""Leaflets as identities: creating one and changing its name, topic, tags, review interval or owner."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from education import search
from education.models import Leaflet, LeafletChange, LeafletVersion
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
    """Save changes to a leaflet's name, topic, tags, review interval or owner, each recorded with its value
    before and after (topic and tags are shown to patients on the index and searched). These details are not
    clinical text, so they need no sign-off. The address never changes."""
    require(user.is_active and user.has_perm("education.change_leaflet"), _("You may not change leaflets."))
    fields = [name for name in changed if name in LEAFLET_EDITABLE_FIELDS]
    if not fields:
        return leaflet
    saved = Leaflet.objects.select_for_update().get(pk=leaflet.pk)
    if leaflet.slug != saved.slug:
        raise WorkflowError(_("A leaflet's address never changes: patients' links and QR codes use it."))
    leaflet.full_clean()
    changes = [
        (name, _shown(saved, name), _shown(leaflet, name))
        for name in fields
        if getattr(saved, _column(name)) != getattr(leaflet, _column(name))
    ]
    if changes:
        leaflet.save(update_fields=[name for name, _before, _after in changes])
        LeafletChange.objects.bulk_create(
            LeafletChange(leaflet=leaflet, actor=user, field=name, before=before, after=after)
            for name, before, after in changes
        )
        if any(name in ("topic", "tags") for name, _before, _after in changes):  # both are searched
            search.index(leaflet.versions.filter(status=LeafletVersion.Status.PUBLISHED).values_list("pk", flat=True))
    return leaflet


def _column(name: str) -> str:
    return Leaflet._meta.get_field(name).attname  # owner -> owner_id: compare ids, not loaded users


def _shown(leaflet: Leaflet, name: str) -> str:
    value = getattr(leaflet, name)
    if name == "owner":
        return value.get_username() if value is not None else ""
    return str(value)[:300]
