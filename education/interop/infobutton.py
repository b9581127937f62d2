"""HL7 Infobutton (URL-based implementation guide), answered the way MedlinePlus Connect answers, so a record
system wired for MedlinePlus Connect works by changing its base address.

`GET /infobutton/service`: an Atom feed (`text/xml`, the default), JSON (`application/json`) or JSONP
(`application/javascript` with `callback`), in MedlinePlus Connect's shape: `feed.entry[].title._value`,
`feed.entry[].link[].href`, `feed.entry[].summary._value`, and `feed.category` echoing the request.
`GET /infobutton/application`: the same question as a small page for a person, or a redirect when exactly
one leaflet matches.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from education import codes, languages, selectors
from education.interop import selectors as interop_selectors
from education.interop import throttle
from education.interop.params import LANGUAGE_TAG, BadParameter, clinic_slug, instant, single

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CALLBACK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # a bare JavaScript name: nothing else runs
RESPONSE_TYPES = {"text/xml": "atom", "application/json": "json", "application/javascript": "jsonp"}
RECIPIENTS = {"PAT", "PROV", "PAYOR"}
# MedlinePlus Connect takes "sp" for Spanish; the ISO code is "es".
LANGUAGE_ALIASES = {"sp": "es"}


@dataclass(frozen=True)
class InfobuttonQuery:
    system: str
    code: str
    display: str
    language: str | None  # a language we offer, or None (the clinic's default is used)
    response: str  # atom, json or jsonp
    callback: str
    recipient: str
    clinic: str


def read_query(query) -> InfobuttonQuery:
    """The Infobutton parameters of a query string; BadParameter names the first bad one. Parameters we do
    not use (patient age and sex, encounter, performer...) are ignored, as MedlinePlus Connect does."""
    system = single(query, "mainSearchCriteria.v.cs", required=True)
    if system not in codes.SYSTEMS:
        raise BadParameter("mainSearchCriteria.v.cs", "not a code system we know (ICD-10-CM, ICD-10, SNOMED CT)")
    code = codes.normalise(system, single(query, "mainSearchCriteria.v.c", required=True))
    if codes.format_problem(system, code):
        raise BadParameter("mainSearchCriteria.v.c", codes.format_problem(system, code))
    display = single(query, "mainSearchCriteria.v.dn")
    asked = single(query, "informationRecipient.languageCode.c")
    if asked and not LANGUAGE_TAG.fullmatch(asked):
        raise BadParameter("informationRecipient.languageCode.c", "not a language code (en, fr, ...)")
    asked = LANGUAGE_ALIASES.get(asked.lower(), asked)
    kind = single(query, "knowledgeResponseType") or "text/xml"
    if kind not in RESPONSE_TYPES:
        raise BadParameter("knowledgeResponseType", "one of text/xml, application/json, application/javascript")
    callback = single(query, "callback", strip=False)
    if callback and not CALLBACK.fullmatch(callback):
        raise BadParameter("callback", "a JavaScript name: letters, digits and _, not starting with a digit")
    if RESPONSE_TYPES[kind] == "jsonp" and not callback:
        raise BadParameter("callback", "required with application/javascript")
    recipient = single(query, "informationRecipient") or "PAT"
    if recipient not in RECIPIENTS:
        raise BadParameter("informationRecipient", "PAT, PROV or PAYOR")
    return InfobuttonQuery(
        system=system,
        code=code,
        display=display,
        language=languages.supported(asked) if asked else None,
        response=RESPONSE_TYPES[kind],
        callback=callback,
        recipient=recipient,
        clinic=clinic_slug(query),
    )


def _bad_request(error: BadParameter) -> HttpResponse:
    response = HttpResponse(
        f"Bad request: {error.name} is not valid ({error.problem}).\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response


def _too_many(request, wait: int) -> HttpResponse:
    return HttpResponse(
        "Too many requests: try again in a minute.\n", status=429, content_type="text/plain; charset=utf-8"
    )


def _best_versions(query: InfobuttonQuery, clinic):
    """Per leaflet, the published version in the language asked for, else the next in the clinic's order."""
    wanted = query.language or languages.supported(getattr(clinic, "language", None)) or settings.LANGUAGE_CODE
    order = languages.fallback_order(wanted=wanted, clinic=clinic)
    chosen: dict[int, object] = {}
    found = interop_selectors.published_by_code(system=query.system, code=query.code)
    rank = {code: position for position, code in enumerate(order)}
    for version in sorted(found, key=lambda v: rank.get(v.language, len(rank))):
        chosen.setdefault(version.leaflet_id, version)
    versions = sorted(chosen.values(), key=lambda v: v.title.lower())
    return wanted, versions


def _page_url(version, query: InfobuttonQuery, *, absolute: bool) -> str:
    path = reverse("education:leaflet_version", kwargs={"slug": version.leaflet.slug, "number": version.number})
    params = {"lang": version.language}
    if query.clinic:
        params["clinic"] = query.clinic
    url = f"{path}?{urlencode(params)}"
    return settings.SITE_URL.rstrip("/") + url if absolute else url


_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Text that XML 1.0 can hold (stored text never has control characters; this makes sure)."""
    return _NOT_XML.sub("", text or "")


def feed_data(request, query: InfobuttonQuery) -> dict:
    """The answer as data in MedlinePlus Connect's JSON shape (the Atom feed is written from the same)."""
    clinic = selectors.clinic_for_page(slug=query.clinic or None)
    language, versions = _best_versions(query, clinic)
    site = settings.SITE_URL.rstrip("/") + "/"
    system_name = codes.system_name(query.system)
    with translation.override(language):
        title = _("Patient leaflets")
        subtitle = _("Leaflets for %(system)s %(code)s") % {"system": system_name, "code": query.code}
        link_title = _("Patient leaflet")
    entries = []
    for version in versions:
        url = _page_url(version, query, absolute=True)
        entries.append(
            {
                "lang": version.language,
                "title": {"_value": _clean(version.title), "type": "text"},
                "link": [{"title": _clean(version.title), "rel": "alternate", "type": "html", "href": url}],
                "id": {"_value": url},
                "updated": {"_value": instant(version.published_at)},
                "summary": {"_value": _clean(version.summary), "type": "text"},
            }
        )
    updated = max((version.published_at for version in versions), default=None)
    return {
        "feed": {
            "xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "base": site,
            "lang": language,
            "title": {"_value": title, "type": "text"},
            "subtitle": {"_value": subtitle, "type": "text"},
            "author": {
                "name": {"_value": _clean(clinic.name) if clinic else link_title},
                "uri": {"_value": site},
            },
            "updated": {"_value": instant(updated)},
            "category": [
                {"scheme": "mainSearchCriteria.v.c", "term": query.code},
                {"scheme": "mainSearchCriteria.v.cs", "term": query.system},
                {"scheme": "mainSearchCriteria.v.dn", "term": query.display},
                {"scheme": "InformationRecipient", "term": query.recipient},
            ],
            "id": {
                "_value": f"{site}infobutton/service?{urlencode({'mainSearchCriteria.v.cs': query.system, 'mainSearchCriteria.v.c': query.code, 'lang': language})}"
            },
            "entry": entries,
        }
    }


def atom_bytes(data: dict) -> bytes:
    """The same answer as an Atom feed (RFC 4287), as MedlinePlus Connect's text/xml answer."""
    feed_data = data["feed"]
    ET.register_namespace("", ATOM)

    def element(parent, name, text=None, **attributes):
        node = ET.SubElement(parent, f"{{{ATOM}}}{name}", {k: v for k, v in attributes.items() if v is not None})
        if text is not None:
            node.text = text
        return node

    feed = ET.Element(
        f"{{{ATOM}}}feed",
        {XML_LANG: feed_data["lang"], "{http://www.w3.org/XML/1998/namespace}base": feed_data["base"]},
    )
    element(feed, "title", feed_data["title"]["_value"], type="text")
    element(feed, "subtitle", feed_data["subtitle"]["_value"], type="text")
    author = element(feed, "author")
    element(author, "name", feed_data["author"]["name"]["_value"])
    element(author, "uri", feed_data["author"]["uri"]["_value"])
    element(feed, "updated", feed_data["updated"]["_value"])
    for category in feed_data["category"]:
        element(feed, "category", scheme=category["scheme"], term=category["term"])
    element(feed, "id", feed_data["id"]["_value"])
    for item in feed_data["entry"]:
        entry = element(feed, "entry", **{XML_LANG: item["lang"]})
        element(entry, "title", item["title"]["_value"], type="text")
        for link in item["link"]:
            element(
                entry,
                "link",
                href=link["href"],
                rel=link["rel"],
                type="text/html",
                title=link["title"],
                hreflang=item["lang"],
            )
        element(entry, "id", item["id"]["_value"])
        element(entry, "updated", item["updated"]["_value"])
        element(entry, "summary", item["summary"]["_value"], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@require_safe
@throttle.limited(_too_many)
def service(request):
    """GET /infobutton/service: leaflets for a diagnosis code, as MedlinePlus Connect answers."""
    try:
        query = read_query(request.GET)
    except BadParameter as error:
        return _bad_request(error)
    data = feed_data(request, query)
    if query.response == "atom":
        response = HttpResponse(atom_bytes(data), content_type="text/xml; charset=utf-8")
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if query.response == "jsonp":
            body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            response = HttpResponse(
                f"/**/{query.callback}({body});", content_type="application/javascript; charset=utf-8"
            )
        else:
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Language"] = data["feed"]["lang"]
    response["Access-Control-Allow-Origin"] = "*"  # public content, read by record systems' web pages
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@throttle.limited(_too_many)
def application(request):
    """GET /infobutton/application: the same question for a person: the leaflet's page when exactly one
    leaflet matches, else a short list (or a note that there is none)."""
    try:
        query = read_query(request.GET)
    except BadParameter as error:
        return _bad_request(error)
    clinic = selectors.clinic_for_page(slug=query.clinic or None)
    language, versions = _best_versions(query, clinic)
    if len(versions) == 1:
        return HttpResponseRedirect(_page_url(versions[0], query, absolute=False))
    context = {
        "clinic": clinic,
        "versions": [(version, _page_url(version, query, absolute=False)) for version in versions],
        "code": query.code,
        "system_name": codes.system_name(query.system),
        "page_language": language,
    }
    with translation.override(language):
        response = render(request, "education/interop/application.html", context)
    response["Content-Language"] = language
    return response
