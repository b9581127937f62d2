"""Public patient pages, share-link pages and their handout PDFs.

Only published content (and retired versions by their exact number or a share link pinned to them) is ever
public. Views fetch through selectors and write through services.
"""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from education import languages, pdf, selectors, services
from education.handouts import BadHandoutQuery, handout_pdf_response, read_handout_query
from education.interop.params import SLUG
from education.middleware import VERSION_HEADER

MAX_SEARCH_LENGTH = 100


def _clinic_from_request(request):
    """The clinic named by ?clinic=<slug>, else the default. A malformed value is a bad request."""
    slug = request.GET.get("clinic", "")
    if slug and not SLUG.match(slug):
        return None, HttpResponseBadRequest(_("That clinic name is not valid."))
    return selectors.clinic_for_page(slug=slug or None), None


def _private_response(response):
    """Share pages: never cached, never indexed, and the token never leaks in a Referer header."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _language_links(request, available: list[str], current: str) -> list[dict]:
    """The language switch: only languages with a published version, each keeping the other parameters."""
    links = []
    for code in languages.supported_codes():
        if code not in available:
            continue
        params = request.GET.copy()
        params["lang"] = code
        links.append(
            {"code": code, "name": languages.name(code), "query": params.urlencode(), "current": code == current}
        )
    return links if len(links) > 1 else []


def _render_in(request, language: str, template: str, context: dict, *, status: int = 200):
    """Render the page chrome in the patient's language and say so in the headers."""
    with translation.override(language):
        response = render(request, template, {**context, "page_language": language}, status=status)
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _page_params(request, clinic, *, language: str, how: str) -> dict:
    """What links between patient pages carry along: the clinic the link named, and the language the patient
    chose with ?lang= (one chosen by the browser or the clinic's default needs no carrying)."""
    clinic_param = f"clinic={clinic.slug}" if clinic and request.GET.get("clinic") else ""
    kept = {"clinic": clinic.slug} if clinic_param else {}
    if how == "link":
        kept["lang"] = language
    return {
        "clinic_param": clinic_param,
        "kept_params": kept,
        "kept_query": urlencode(kept),
    }


MAX_PAGE = 100_000


@require_safe
def leaflet_index(request):
    clinic, error = _clinic_from_request(request)
    if error:
        return error
    query = request.GET.get("q", "").strip()
    topic = request.GET.get("topic", "").strip()
    if len(query) > MAX_SEARCH_LENGTH or len(topic) > MAX_SEARCH_LENGTH:
        return HttpResponseBadRequest(_("That search is too long."))
    page_text = request.GET.get("page", "1").strip() or "1"
    page_number = selectors.parse_id(page_text)
    if page_number is None or not 1 <= page_number <= MAX_PAGE:
        return HttpResponseBadRequest(_("That page number is not valid."))
    language, how = languages.negotiate(request, clinic=clinic)
    page = selectors.published_index_page(
        search_text=query,
        topic=topic,
        language_order=languages.fallback_order(wanted=language, clinic=clinic),
        page=page_number,
    )
    topics, published_languages = page.topics, page.languages
    params = _page_params(request, clinic, language=language, how=how)
    here = {**params["kept_params"], **({"q": query} if query else {}), **({"topic": topic} if topic else {})}
    context = {
        "clinic": clinic,
        "versions": page.versions,
        "page": page,
        "previous_query": urlencode({**here, "page": page.number - 1}) if page.number > 1 else None,
        "next_query": urlencode({**here, "page": page.number + 1}) if page.number < page.pages else None,
        "topics": topics,
        "query": query,
        "topic": topic,
        **params,
        "language_links": _language_links(request, published_languages, language),
    }
    return _render_in(request, language, "education/leaflet_index.html", context)


def _leaflet_page(request, version, *, clinic, language, how="link", newer, available, share_link=None, missing=None):
    context = {
        "version": version,
        "clinic": clinic,
        "newer": newer,
        "share_link": share_link,
        "missing_language": missing or "",
        **_page_params(request, clinic, language=language, how=how),
        "lang_query": f"lang={version.language}",
        "language_links": [] if share_link else _language_links(request, available, version.language),
    }
    response = _render_in(request, language, "education/leaflet_detail.html", context)
    response[VERSION_HEADER] = str(version.pk)  # counted, then removed, by PageViewCountMiddleware
    return response


def _current_version_url(version) -> str | None:
    """The address of the version patients should read instead (the published one in the same language)."""
    number = selectors.published_numbers(slug=version.leaflet.slug).get(version.language)
    if number is None:
        return None
    path = reverse("education:leaflet_version", kwargs={"slug": version.leaflet.slug, "number": number})
    return f"{path}?lang={version.language}"


def _withdrawn(request, *, clinic, language: str, withdrawn_on=None, current_url=None):
    """410 Gone with a notice: what was withdrawn, by whom and when, not to follow it, and who to call."""
    context = {"clinic": clinic, "withdrawn_on": withdrawn_on, "current_url": current_url}
    return _render_in(request, language, "education/leaflet_withdrawn.html", context, status=410)


def _version_withdrawn(request, version, *, clinic, language: str):
    return _withdrawn(
        request, clinic=clinic, language=language, withdrawn_on=version.withdrawn_at,
        current_url=_current_version_url(version),
    )  # fmt: skip


@require_safe
def leaflet_current(request, slug: str):
    clinic, error = _clinic_from_request(request)
    if error:
        return error
    language, how = languages.negotiate(request, clinic=clinic)
    published = {version.language: version for version in selectors.published_of_leaflet(slug=slug)}
    if not published:
        was_withdrawn, withdrawn_on = selectors.leaflet_withdrawal(slug=slug)
        if was_withdrawn:
            return _withdrawn(request, clinic=clinic, language=language, withdrawn_on=withdrawn_on)
        raise Http404("No published leaflet at this address.")
    for code in [*languages.fallback_order(wanted=language, clinic=clinic), *published]:
        if code in published:
            version = published[code]
            break
    missing = language if version.language != language else None
    # The page around the leaflet is in the patient's language, even when the leaflet itself is not.
    return _leaflet_page(
        request, version, clinic=clinic, language=language, how=how, newer=None, available=list(published),
        missing=missing,
    )  # fmt: skip


@require_safe
def leaflet_version(request, slug: str, number: int):
    clinic, error = _clinic_from_request(request)
    if error:
        return error
    language, how = languages.negotiate(request, clinic=clinic)
    version = None
    for code in languages.fallback_order(wanted=language, clinic=clinic):
        version = selectors.public_version(slug=slug, number=number, language=code)
        if version is not None:
            break
    if version is None:
        raise Http404("No published version with this number.")
    if version.is_withdrawn:
        return _version_withdrawn(request, version, clinic=clinic, language=language)
    current = version.published_number  # the number published now in this language (selectors.public_version)
    newer = None
    if version.status == version.Status.RETIRED and current is not None:
        newer = {
            "number": current,
            "url": f"{reverse('education:leaflet_version', kwargs={'slug': slug, 'number': current})}?lang={version.language}",
        }
    missing = language if version.language != language else None
    return _leaflet_page(
        request, version, clinic=clinic, language=language, how=how, newer=newer, available=[], missing=missing
    )


@never_cache
@require_safe
def share_page(request, token: str):
    """A patient's link. Unknown, expired, revoked and malformed tokens all get the same 404."""
    link = selectors.valid_share_link(token=token)
    if link is None:
        return _private_response(render(request, "404.html", {"clinic": selectors.default_clinic()}, status=404))
    version = link.version
    if version.is_withdrawn:
        if request.method == "GET":
            services.share_link_count_view(link=link, after_withdrawal=True)
        response = _version_withdrawn(request, version, clinic=link.clinic, language=version.language)
        return _private_response(response)
    if request.method == "GET":
        services.share_link_count_view(link=link)
    newer = None
    if version.status == version.Status.RETIRED:
        numbers = selectors.published_numbers(slug=version.leaflet.slug)
        if version.language in numbers:
            number = numbers[version.language]
            path = reverse("education:leaflet_version", kwargs={"slug": version.leaflet.slug, "number": number})
            newer = {"number": number, "url": f"{path}?lang={version.language}"}
    # A share link is pinned to one version, so its page is in that version's language.
    response = _leaflet_page(
        request, version, clinic=link.clinic, language=version.language, newer=newer, available=[], share_link=link
    )
    return _private_response(response)


# --- handouts (PDF) ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def leaflet_handout(request, slug: str):
    """The printable handout of a leaflet's published version, with options as query parameters
    (?clinic=<slug>&paper=a4|letter&large=1&lang=fr).

    Public downloads are not recorded as handouts: like reading the page, nobody is handing anything to a
    patient, and an anonymous address that wrote a row per request would let anyone fill the database.
    Staff prints, emails, links and QR codes are recorded where staff make them."""
    try:
        query = read_handout_query(request.GET)
    except BadHandoutQuery as bad:
        context = {"clinic": selectors.default_clinic(), "errors": bad.errors}
        return render(request, "education/pdf/bad_request.html", context, status=400)
    clinic = query.clinic or selectors.default_clinic()
    language = query.language or languages.negotiate(request, clinic=clinic)[0]
    version = None
    for code in languages.fallback_order(wanted=language, clinic=clinic):
        version = selectors.current_version_for_handout(slug=slug, language=code)
        if version is not None:
            break
    if version is None:
        was_withdrawn, withdrawn_on = selectors.leaflet_withdrawal(slug=slug)
        if was_withdrawn:
            return _withdrawn(request, clinic=clinic, language=language, withdrawn_on=withdrawn_on)
        raise Http404("No published leaflet at this address.")
    try:
        response = handout_pdf_response(versions=[version], clinic=clinic, options=query.options)
    except pdf.HandoutError:
        return render(request, "education/pdf/error.html", {"clinic": clinic}, status=503)
    # Like the page: a new version shows within a minute in browsers, at once from our own cache.
    response["Cache-Control"] = "public, max-age=60"
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def share_handout(request, token: str):
    """The handout of a share link's pinned version, branded for the link's clinic (?paper=, ?large=).
    Unknown, expired, revoked and malformed tokens get the same 404 as the share page."""
    link = selectors.valid_share_link(token=token)
    if link is None:
        return _private_response(render(request, "404.html", {"clinic": selectors.default_clinic()}, status=404))
    try:
        query = read_handout_query(request.GET)
    except BadHandoutQuery as bad:
        context = {"clinic": link.clinic, "errors": bad.errors}
        return _private_response(render(request, "education/pdf/bad_request.html", context, status=400))
    if link.version.is_withdrawn:
        response = _version_withdrawn(request, link.version, clinic=link.clinic, language=link.version.language)
        return _private_response(response)
    try:
        response = handout_pdf_response(versions=[link.version], clinic=link.clinic, options=query.options)
    except pdf.HandoutError:
        return _private_response(render(request, "education/pdf/error.html", {"clinic": link.clinic}, status=503))
    return _private_response(response)
