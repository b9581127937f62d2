"""From a handout request to a PDF response: one path for the public handout, the share-link handout, the
staff handout page and the admin's version PDF. Callers decide what a refusal or a failure looks like."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse, QueryDict

from clinic.models import Clinic
from education import pdf
from education.forms import HandoutQueryForm
from education.models import LeafletVersion


@dataclass(frozen=True)
class HandoutQuery:
    """What a handout address asks for: ?clinic=, ?paper=, ?large=, ?lang= (each optional)."""

    clinic: Clinic | None
    language: str | None
    options: pdf.HandoutOptions


class BadHandoutQuery(ValueError):
    """The address asks for something that cannot be: `errors` maps each bad parameter to its messages."""

    def __init__(self, errors):
        super().__init__("bad handout query")
        self.errors = errors

    def messages(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


def read_handout_query(query: QueryDict) -> HandoutQuery:
    """The handout options a query string asks for; BadHandoutQuery names every bad parameter."""
    form = HandoutQueryForm(query)
    if not form.is_valid():
        raise BadHandoutQuery(form.errors)
    data = form.cleaned_data
    return HandoutQuery(
        clinic=data["clinic"],
        language=data["lang"],
        options=pdf.HandoutOptions(paper=data["paper"] or "a4", large_print=data["large"] == "1"),
    )


MAX_FILENAME_CHARS = 100


def _version_name(version: LeafletVersion) -> str:
    suffix = "" if version.is_public else "-draft"
    return f"{version.leaflet.slug}-v{version.number}-{version.language}{suffix}"


def handout_filename(versions: list[LeafletVersion]) -> str:
    """The name a handout downloads under: `milia-overview-v2-en.pdf`; several leaflets are joined with `+`
    (`milia-overview-v2-en+post-extraction-hygiene-v1-en.pdf`), or when that grows past
    MAX_FILENAME_CHARS, `handout-3-leaflets-en.pdf` (the first leaflet's language). Slugs are ASCII letters,
    digits and hyphens, so the name needs no quoting beyond the header's own quotes."""
    if not versions:
        return "handout.pdf"
    name = "+".join(_version_name(version) for version in versions)
    if len(name) + 4 > MAX_FILENAME_CHARS:
        draft = "" if all(version.is_public for version in versions) else "-draft"
        name = f"handout-{len(versions)}-leaflets-{versions[0].language}{draft}"
    return f"{name}.pdf"


def handout_pdf_response(
    *, versions: list[LeafletVersion], clinic: Clinic | None, options: pdf.HandoutOptions, download: bool = False
) -> HttpResponse:
    """The handout as a PDF response (complete rendered bytes, never a half-written file); raises
    pdf.HandoutError when it cannot be made."""
    data = pdf.handout_pdf(versions=versions, clinic=clinic, options=options)
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{handout_filename(versions)}"'
    return response
