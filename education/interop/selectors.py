"""Reads for record systems: public versions found by diagnosis code. Each is one query (two with codes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Aggregate, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Concat

from education.models import LeafletCode, LeafletVersion
from education.selectors import with_effective_review_due

Status = LeafletVersion.Status
MAX_RESULTS = 100
# Separators of the codes carried in the version query (control characters: never in a stored code; the
# service strips them from displays).
UNIT, RECORD = "\x1f", "\x1e"


class _JoinedText(Aggregate):
    """Text of the rows joined with a separator: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra_context)


@dataclass(frozen=True)
class CodeRow:
    system: str
    code: str
    display: str


def codes_of(version: LeafletVersion) -> list[CodeRow]:
    """The leaflet codes `documents` carried along with a version, in order of system and code."""
    rows = []
    for record in (getattr(version, "code_list", None) or "").split(RECORD):
        parts = record.split(UNIT)
        if len(parts) == 3:
            rows.append(CodeRow(*parts))
    return sorted(rows, key=lambda row: (row.system, row.code))


def published_by_code(*, system: str, code: str) -> list[LeafletVersion]:
    """Published versions, in every language, of the leaflets that carry this code. One query."""
    return list(
        with_effective_review_due(
            LeafletVersion.objects.filter(
                status=Status.PUBLISHED, leaflet__codes__system=system, leaflet__codes__code=code
            )
        )
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
    documents, with their authors, approvers and the leaflet's codes (`codes_of`), in one query. `codes` holds
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
    joined = (
        LeafletCode.objects.filter(leaflet=OuterRef("leaflet"))
        .values("leaflet")
        .annotate(joined=_JoinedText(Concat("system", Value(UNIT), "code", Value(UNIT), "display"), Value(RECORD)))
        .values("joined")
    )
    return list(
        with_effective_review_due(versions)
        .select_related("leaflet", "created_by", "approved_by")
        .annotate(code_list=Subquery(joined, output_field=TextField()))
        .order_by("leaflet__name", "language", "-number")[:MAX_RESULTS]
    )


def was_withdrawn(*, version_id: int) -> bool:
    """True when this version was public once and has been withdrawn (so it answers 410, not 404)."""
    return LeafletVersion.objects.filter(pk=version_id, withdrawn_at__isnull=False).exists()
