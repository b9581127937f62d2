"""Reads for record systems: public versions found by diagnosis code. Each is one query (two with codes)."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from education.models import LeafletCode, LeafletVersion

Status = LeafletVersion.Status
MAX_RESULTS = 100


def published_by_code(*, system: str, code: str) -> list[LeafletVersion]:
    """Published versions, in every language, of the leaflets that carry this code. One query."""
    return list(
        LeafletVersion.objects.filter(status=Status.PUBLISHED, leaflet__codes__system=system, leaflet__codes__code=code)
        .select_related("leaflet")
        .order_by("leaflet__name", "language")
    )


def documents(
    *,
    codes: list[tuple[str | None, str]] | None = None,
    languages: list[str] | None = None,
    statuses: list[str] | None = None,
    ids: list[int] | None = None,
) -> list[LeafletVersion]:
    """Public versions (published or superseded, never withdrawn, drafts or discarded ones) as FHIR
    documents, with their authors, approvers and the leaflet's codes (two queries). `codes` holds
    (system OID or None for any system, code) pairs, any of which may match."""
    versions = LeafletVersion.objects.filter(
        status__in=statuses or LeafletVersion.PUBLIC_STATUSES, withdrawn_at__isnull=True
    )
    if ids is not None:
        versions = versions.filter(pk__in=ids)
    if languages:
        versions = versions.filter(language__in=languages)
    if codes:
        matching = Q()
        for system, code in codes:
            matching |= Q(system=system, code=code) if system else Q(code=code)
        versions = versions.filter(leaflet__in=LeafletCode.objects.filter(matching).values("leaflet"))
    return list(
        versions.select_related("leaflet", "created_by", "approved_by")
        .prefetch_related(Prefetch("leaflet__codes", queryset=LeafletCode.objects.order_by("system", "code")))
        .order_by("leaflet__name", "language", "-number")[:MAX_RESULTS]
    )


def was_withdrawn(*, version_id: int) -> bool:
    """True when this version was public once and has been withdrawn (so it answers 410, not 404)."""
    return LeafletVersion.objects.filter(pk=version_id, withdrawn_at__isnull=False).exists()
