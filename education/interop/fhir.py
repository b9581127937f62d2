"""FHIR R4, read-only: `GET /fhir/metadata` (a CapabilityStatement), `GET /fhir/DocumentReference?...` and
`GET /fhir/DocumentReference/<id>`. JSON only (`application/fhir+json`); errors are OperationOutcomes.

One DocumentReference per public version and language (its id is the version's id): the published version
is `current`, a superseded one `superseded`; withdrawn versions are absent (a read answers 410 Gone), drafts
and discarded versions do not exist here (404, like an unknown id).

The leaflet's diagnosis codes are the codings of `type`, and the search parameter `type` finds them
(`type=http://hl7.org/fhir/sid/icd-10-cm|L72.0`, or `type=L72.0` in any system). `related` is a Reference to
another resource (a patient's Condition, say), which a leaflet for everyone cannot name; README explains.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from education import codes, selectors
from education.interop import selectors as interop_selectors
from education.interop import throttle
from education.interop.params import LANGUAGE_TAG, BadParameter, clinic_slug, instant, single
from education.models import LeafletVersion

FHIR_JSON = "application/fhir+json; charset=utf-8"
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
MAX_TOKENS = 20
STATUS_OF = {LeafletVersion.Status.PUBLISHED: "current", LeafletVersion.Status.RETIRED: "superseded"}
STATUS_SEARCH = {"current": [LeafletVersion.Status.PUBLISHED], "superseded": [LeafletVersion.Status.RETIRED]}
JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}
SOFTWARE_NAME = "Clinic patient-education leaflets"
PDF_MISS_SECONDS = 60  # how long "this handout is not stored yet" is remembered


def _json(data: dict, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=FHIR_JSON)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    if status >= 400:
        response["Cache-Control"] = "no-store"
    return response


def outcome(code: str, diagnostics: str, *, status: int) -> HttpResponse:
    """An OperationOutcome with one error (FHIR's way to say what went wrong)."""
    return _json(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
        },
        status=status,
    )


def _too_many(request, wait: int) -> HttpResponse:
    return outcome("throttled", "Too many requests: try again in a minute.", status=429)


def _base() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("interop:fhir_metadata").rsplit("metadata", 1)[0].rstrip("/")


def _format_problem(request) -> HttpResponse | None:
    wanted = request.GET.get("_format", "")
    if wanted and wanted not in JSON_FORMATS:
        return outcome("not-supported", "Only JSON (application/fhir+json) is offered.", status=406)
    return None


def _person(user, fallback: str) -> str:
    """A member of staff as shown to record systems: their full name, never their username or email."""
    name = user.get_full_name().strip() if user is not None else ""
    return name or fallback


def _pdf_facts(version: LeafletVersion, clinic) -> dict:
    """Size and SHA-1 of the version's standard handout, when it has been rendered and stored (publishing
    renders it); {} otherwise: the PDF is then made on first request and these are given afterwards."""
    from education import pdf  # noqa: PLC0415 - WeasyPrint loads only when a handout is described

    try:
        key = pdf.handout_cache_key(versions=[version], clinic=clinic, options=pdf.HandoutOptions())
    except Exception:  # noqa: BLE001 - describing a document never fails because of its handout
        return {}
    remembered = caches["default"].get(f"interop-pdf:{key}")
    if remembered is not None:
        return remembered
    try:
        with default_storage.open(pdf.stored_handout_name(key, [version]), "rb") as file:
            data = file.read()
    except (FileNotFoundError, OSError):
        data = b""
    if not data.startswith(b"%PDF-"):
        caches["default"].set(f"interop-pdf:{key}", {}, PDF_MISS_SECONDS)  # not stored yet: look again later
        return {}
    facts = {"size": len(data), "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")}  # noqa: S324 - FHIR's Attachment.hash is SHA-1
    caches["default"].set(f"interop-pdf:{key}", facts, 24 * 3600)
    return facts


def document_reference(version: LeafletVersion, *, clinic, clinic_param: str) -> dict:
    """A public version as a DocumentReference: what the patient page shows, plus the leaflet's codes."""
    site = settings.SITE_URL.rstrip("/")
    extra = {"clinic": clinic_param} if clinic_param else {}
    page = site + reverse("education:leaflet_version", kwargs={"slug": version.leaflet.slug, "number": version.number})
    page += "?" + urlencode({"lang": version.language, **extra})
    status = STATUS_OF[version.status]
    clinic_name = clinic.name if clinic else SOFTWARE_NAME
    codings = [
        {"system": codes.SYSTEMS[row.system].uri, "code": row.code, **({"display": row.display} if row.display else {})}
        for row in interop_selectors.codes_of(version)
        if row.system in codes.SYSTEMS
    ]
    content = [
        {
            "attachment": {
                "contentType": "text/html",
                "language": version.language,
                "url": page,
                "title": version.title,
                "creation": instant(version.published_at),
            },
        }
    ]
    if status == "current":  # the handout address always serves the published version
        handout = site + reverse("education:leaflet_handout", kwargs={"slug": version.leaflet.slug})
        handout += "?" + urlencode({"lang": version.language, **extra})
        content.append(
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": version.language,
                    "url": handout,
                    "title": version.title,
                    "creation": instant(version.published_at),
                    **_pdf_facts(version, clinic),
                },
            }
        )
    resource = {
        "resourceType": "DocumentReference",
        "id": str(version.pk),
        "meta": {"lastUpdated": instant(version.retired_at or version.published_at)},
        "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": page},
        "status": status,
        "docStatus": "final",
        "type": {"coding": codings, "text": "Patient education leaflet"}
        if codings
        else {"text": "Patient education leaflet"},
        "category": [{"text": "Patient education"}],
        "date": instant(version.published_at),
        "author": [{"display": _person(version.created_by, clinic_name)}],
        "authenticator": {"display": _person(version.approved_by, clinic_name)},
        "custodian": {"display": clinic_name},
        "description": version.title,
        "content": content,
    }
    return resource


def _type_tokens(value: str) -> list[tuple[str | None, str]]:
    """`type` values: `system|code` or `code`, comma-separated (any may match)."""
    pairs = []
    for token in value.split(","):
        if not token:
            raise BadParameter("type", "an empty code")
        system_uri, bar, code = token.rpartition("|")
        if bar and system_uri:
            known = codes.BY_URI.get(system_uri) or codes.SYSTEMS.get(system_uri.removeprefix("urn:oid:"))
            if known is None:
                raise BadParameter("type", f"unknown code system {system_uri[:80]}")
            code = codes.normalise(known.oid, code)
            if codes.format_problem(known.oid, code):
                raise BadParameter("type", codes.format_problem(known.oid, code))
            pairs.append((known.oid, code))
        else:
            code = code.strip()
            if not re.fullmatch(r"[A-Za-z0-9.]{1,20}", code):
                raise BadParameter("type", "not a code")
            if code[0].isalpha():  # an ICD code (either ICD system), with or without its dot
                code = codes.normalise(codes.ICD10CM, code)
            pairs.append((None, code))
    if len(pairs) > MAX_TOKENS:
        raise BadParameter("type", f"more than {MAX_TOKENS} codes")
    return pairs


def read_search(query) -> dict:
    """The search parameters we support; BadParameter names a bad one. Others are ignored (FHIR's lenient
    handling)."""
    found: dict = {"clinic": clinic_slug(query)}
    value = single(query, "type")
    if value:
        found["codes"] = _type_tokens(value)
    value = single(query, "language")
    if value:
        wanted = [token.strip() for token in value.split(",")]
        if len(wanted) > MAX_TOKENS or not all(LANGUAGE_TAG.fullmatch(token) for token in wanted):
            raise BadParameter("language", "language codes such as en or fr")
        found["languages"] = [token.lower() for token in wanted]
    value = single(query, "status")
    if value:
        wanted = value.split(",")
        if not all(token in (*STATUS_SEARCH, "entered-in-error") for token in wanted):
            raise BadParameter("status", "current, superseded or entered-in-error")
        found["statuses"] = [status for token in wanted for status in STATUS_SEARCH.get(token, [])]
        if not found["statuses"]:
            found["nothing"] = True  # withdrawn versions are never listed
    value = single(query, "_id")
    if value:
        wanted = value.split(",")
        if len(wanted) > MAX_TOKENS or not all(FHIR_ID.fullmatch(token) for token in wanted):
            raise BadParameter("_id", "resource ids")
        found["ids"] = [int(token) for token in wanted if token.isdigit() and len(token) < 19]
    return found


@require_safe
@throttle.limited(_too_many)
def metadata(request):
    """GET /fhir/metadata: what this server offers."""
    if problem := _format_problem(request):
        return problem
    base = _base()
    search_params = [
        {"name": "type", "type": "token", "documentation": "A diagnosis code of the leaflet: system|code or code."},
        {"name": "language", "type": "token", "documentation": "The version's language (en, fr, ...)."},
        {"name": "status", "type": "token", "documentation": "current or superseded."},
        {"name": "_id", "type": "token", "documentation": "The resource id."},
    ]
    return _json(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.localdate().isoformat(),
            "kind": "instance",
            "software": {"name": SOFTWARE_NAME},
            "implementation": {"description": "Signed-off patient leaflets, read-only", "url": base},
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "rest": [
                {
                    "mode": "server",
                    "resource": [
                        {
                            "type": "DocumentReference",
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": search_params,
                        }
                    ],
                }
            ],
        }
    )


@require_safe
@throttle.limited(_too_many)
def document_search(request):
    """GET /fhir/DocumentReference?type=...&language=...&status=current&_id=...: a searchset Bundle."""
    if problem := _format_problem(request):
        return problem
    try:
        search = read_search(request.GET)
    except BadParameter as error:
        return outcome("invalid", f"{error.name}: {error.problem}", status=400)
    versions = []
    # Nothing to look up when only withdrawn versions, or only ids that cannot be ours, were asked for.
    if not search.get("nothing") and search.get("ids") != []:
        versions = interop_selectors.documents(
            codes=search.get("codes"),
            languages=search.get("languages"),
            statuses=search.get("statuses"),
            ids=search.get("ids"),
        )
    clinic = selectors.clinic_for_page(slug=search["clinic"] or None) if versions else None
    base = _base()
    entries = [
        {
            "fullUrl": f"{base}/DocumentReference/{version.pk}",
            "resource": document_reference(version, clinic=clinic, clinic_param=search["clinic"]),
            "search": {"mode": "match"},
        }
        for version in versions
    ]
    return _json(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(entries),
            "link": [{"relation": "self", "url": settings.SITE_URL.rstrip("/") + request.get_full_path()}],
            "entry": entries,
        }
    )


@require_safe
@throttle.limited(_too_many)
def document_read(request, resource_id: str):
    """GET /fhir/DocumentReference/<id>: one public version; 410 once withdrawn, 404 for anything else."""
    if problem := _format_problem(request):
        return problem
    try:
        slug = clinic_slug(request.GET)
    except BadParameter as error:
        return outcome("invalid", f"{error.name}: {error.problem}", status=400)
    number = selectors.parse_id(resource_id) if FHIR_ID.fullmatch(resource_id) else None
    found = interop_selectors.documents(ids=[number]) if number is not None else []
    if not found:
        if number is not None and interop_selectors.was_withdrawn(version_id=number):
            return outcome("deleted", f"DocumentReference/{number} was withdrawn from patients.", status=410)
        return outcome("not-found", "No such DocumentReference.", status=404)
    clinic = selectors.clinic_for_page(slug=slug or None)
    return _json(document_reference(found[0], clinic=clinic, clinic_param=slug))
