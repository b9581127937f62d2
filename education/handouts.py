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


def handout_filename(versions: list[LeafletVersion]) -> str:
    if len(versions) != 1:
        return "handout.pdf"
    version = versions[0]
    suffix = "" if version.is_public else "-draft"
    return f"{version.leaflet.slug}-v{version.number}{suffix}.pdf"


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
