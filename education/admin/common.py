"""What the admin's model admins and custom views share: links, page context, lookups and refusals."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from education import services
from education.models import LeafletVersion


@contextmanager
def not_permitted_as_403():
    """Answer a service's NotPermitted with 403 Forbidden and the service's reason: the one place that
    translates it, so that it alone changes when services.NotPermitted becomes a PermissionDenied itself."""
    try:
        yield
    except services.NotPermitted as error:
        raise PermissionDenied(str(error)) from error


def version_url(version: LeafletVersion) -> str:
    return reverse("admin:education_leafletversion_change", args=[version.pk])


def page_context(model_admin, request, **context) -> dict:
    """The context of a custom admin page: the admin site's own (header, sidebar), the model, then `context`."""
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, **context}


def viewable_version(request, pk, *, version_admin, queryset: QuerySet | None = None) -> LeafletVersion:
    """The version `pk` (404 if there is none) when this user may see it in the versions admin (else 403)."""
    if queryset is None:
        queryset = LeafletVersion.objects.select_related("leaflet")
    version = get_object_or_404(queryset, pk=pk)
    if not version_admin.has_view_permission(request, version):
        raise PermissionDenied
    return version
