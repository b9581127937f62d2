"""Public patient pages and share links, and the staff page for sharing a leaflet with a patient.

Only published content (and retired versions by their exact number or a share link pinned to them) is ever
public. Views fetch through selectors and write through services.
"""

import logging
import re
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from education import languages, selectors, services
from education.forms import ShareForm
from education.models import Handout

logger = logging.getLogger(__name__)
SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
MAX_SEARCH_LENGTH = 100
SHARE_EMAIL_TIMEOUT_SECONDS = 10  # unless EMAIL_TIMEOUT says otherwise


def _clinic_from_request(request):
    """The clinic named by ?clinic=<slug>, else the default. A malformed value is a bad request."""
    slug = request.GET.get("clinic", "")
    if slug and not SLUG_PATTERN.match(slug):
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


@require_safe
def leaflet_index(request):
    clinic, error = _clinic_from_request(request)
    if error:
        return error
    query = request.GET.get("q", "").strip()
    topic = request.GET.get("topic", "").strip()
    if len(query) > MAX_SEARCH_LENGTH or len(topic) > MAX_SEARCH_LENGTH:
        return HttpResponseBadRequest(_("That search is too long."))
    language, how = languages.negotiate(request, clinic=clinic)
    everything = selectors.published_versions_any_language(search=query, topic=topic)
    order = languages.fallback_order(wanted=language, clinic=clinic)
    chosen: dict[int, object] = {}
    for version in sorted(everything, key=lambda v: order.index(v.language) if v.language in order else 99):
        chosen.setdefault(version.leaflet_id, version)  # the best language available for each leaflet
    rank = {version.pk: position for position, version in enumerate(everything)}  # by title; a search's order
    versions = sorted(chosen.values(), key=lambda v: (rank[v.pk], v.title.lower()) if query else v.title.lower())
    context = {
        "clinic": clinic,
        "versions": versions,
        "topics": sorted({v.leaflet.topic for v in everything if v.leaflet.topic}),
        "query": query,
        "topic": topic,
        **_page_params(request, clinic, language=language, how=how),
        "language_links": _language_links(request, sorted({v.language for v in everything}), language),
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
    return _render_in(request, language, "education/leaflet_detail.html", context)


@require_safe
def leaflet_current(request, slug: str):
    clinic, error = _clinic_from_request(request)
    if error:
        return error
    language, how = languages.negotiate(request, clinic=clinic)
    published = {version.language: version for version in selectors.published_of_leaflet(slug=slug)}
    if not published:
        if selectors.leaflet_was_withdrawn(slug=slug):
            return _render_in(request, language, "education/leaflet_withdrawn.html", {"clinic": clinic}, status=410)
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
    numbers = selectors.published_numbers(slug=slug)
    newer = None
    if version.status == version.Status.RETIRED and version.language in numbers:
        newer = {
            "number": numbers[version.language],
            "url": f"{reverse('education:leaflet_version', kwargs={'slug': slug, 'number': numbers[version.language]})}?lang={version.language}",
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
    if request.method == "GET":
        services.share_link_count_view(link=link)
    version = link.version
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


# --- staff: share a leaflet with a patient ---------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(
        scale=6, border=2, title=_("QR code: opens the leaflet on a phone"), svgclass="qr-code"
    )


def _emails_sent_last_hour(user) -> int:
    since = timezone.now() - timezone.timedelta(hours=1)
    return Handout.objects.filter(created_by=user, channel=Handout.Channel.EMAIL, created_at__gte=since).count()


def _form_key_used(form_key: str) -> bool:
    from education.models import ShareLink

    return bool(form_key) and ShareLink.objects.filter(form_key_hash=services.share_token_hash(form_key)).exists()


def _already_shared(request, version):
    """A share form submitted again (a refreshed result page, a second click): nothing is sent or made."""
    context = {"already_shared": _("This was already sent. To share again, start a new share."), "version": version}
    return render(request, "education/staff/share_form.html", context, status=409)


def _not_published_message() -> str:
    """Said when ?version= names anything but a published version (a typo, an old link, a draft): nothing is
    chosen in advance for it, rather than leaving staff with some other leaflet."""
    return _(
        "A leaflet version in the link you followed is not published (it may be a draft, or a newer version may "
        "have replaced it), so it has not been chosen. Choose a published leaflet below."
    )


@staff_member_required
@sensitive_post_parameters("email", "message")
@never_cache
@require_http_methods(["GET", "POST"])
def share_create(request):
    """Create a share link for one published version; show it as a link and QR code, or email it."""
    from education.models import LeafletVersion

    if not request.user.has_perm("education.add_sharelink"):
        raise PermissionDenied(_("Your account cannot share leaflets."))
    initial = {}
    asked = request.GET.get("version", "").strip()
    if request.method == "GET" and asked:
        version_id = selectors.parse_id(asked)
        published = LeafletVersion.objects.filter(pk=version_id, status=LeafletVersion.Status.PUBLISHED)
        if version_id is not None and published.exists():
            initial["version"] = version_id
        else:
            messages.warning(request, _not_published_message())
    form = ShareForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        limit = settings.SHARE_EMAILS_PER_HOUR
        if _form_key_used(data["form_key"]):
            return _already_shared(request, data["version"])
        if data["channel"] == Handout.Channel.EMAIL and _emails_sent_last_hour(request.user) >= limit:
            form.add_error(
                None,
                _("You have sent %(limit)d emails in the last hour, the most allowed. Please try again later.")
                % {"limit": limit},
            )
            status = 429
        else:
            return _share_done(request, data)
    return render(request, "education/staff/share_form.html", {"form": form}, status=status)


class _EmailNotSent(Exception):
    pass


def _share_done(request, data):
    """Make the link, record the handout and send the email as one: the link is claimed by the form's key
    first, so a second submission of the same form waits for this one and then sends nothing; if the email
    cannot be sent, nothing is kept and the same form can simply be sent again."""
    version, clinic, channel = data["version"], data["clinic"], data["channel"]
    try:
        with transaction.atomic():
            link, token = services.share_link_create(
                version=version, clinic=clinic, user=request.user, expires_at=data["expires_at"],
                form_key=data["form_key"] or None,
            )  # fmt: skip
            services.handout_record(
                versions=[version], channel=channel, clinic=clinic, user=request.user, share_link=link
            )
            url = _absolute(reverse("education:share", kwargs={"token": token}))
            if channel == Handout.Channel.EMAIL:
                _send_share_email(data, url=url)
    except services.AlreadyShared:
        return _already_shared(request, version)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return render(request, "education/staff/share_form.html", {"form": ShareForm(data=None)}, status=400)
    except _EmailNotSent:
        form = ShareForm(data=request.POST)
        form.is_valid()
        form.add_error(None, _("The email could not be sent just now, and nothing was saved. Please try again."))
        return render(request, "education/staff/share_form.html", {"form": form}, status=503)
    logger.info("Share link %s created (channel %s) for version %s", link.pk, channel, version.pk)
    context = {"link": link, "url": url, "qr_svg": _qr_svg(url), "channel": channel, "version": version}
    return render(request, "education/staff/share_done.html", context)


def _send_share_email(data, *, url: str) -> None:
    version, clinic = data["version"], data["clinic"]
    # In the leaflet's language, which is the patient's, whatever the language of the staff screens.
    with translation.override(version.language):
        body = render_to_string(
            "education/email/share_link.txt",
            {
                "clinic": clinic,
                "url": url,
                "message": data["message"],
                "expires_at": data["expires_at"],
                "advice": clinic.urgent_care_advice_in(version.language),
            },
        )
        subject = _("Information from %(clinic)s") % {"clinic": clinic.name}
    # Sent inside the share's transaction (see _share_done), so a mail server that hangs must not hold it long.
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or SHARE_EMAIL_TIMEOUT_SECONDS)
    try:
        EmailMessage(subject=subject, body=body, to=[data["email"]], connection=connection).send()
    except (OSError, smtplib.SMTPException) as error:  # the mail server refused or could not be reached
        logger.warning("Share email not sent: %s", type(error).__name__)  # never the address or the message
        raise _EmailNotSent from None


# --- handouts (PDF) ---------------------------------------------------------------------------------------


def handout_response(data: bytes, *, filename: str, download: bool = False):
    """A PDF response. The body is complete rendered bytes, never a half-written file."""
    from django.http import HttpResponse

    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return response


def _handout_filename(versions) -> str:
    if len(versions) == 1:
        return f"{versions[0].leaflet.slug}-v{versions[0].number}.pdf"
    return "handout.pdf"


@require_http_methods(["GET", "HEAD"])
def leaflet_handout(request, slug: str):
    """The printable handout of a leaflet's published version, with options as query parameters
    (?clinic=<slug>&paper=a4|letter&large=1&lang=fr).

    Public downloads are not recorded as handouts: like reading the page, nobody is handing anything to a
    patient, and an anonymous address that wrote a row per request would let anyone fill the database.
    Staff prints, emails, links and QR codes are recorded where staff make them."""
    from education import pdf
    from education.forms import HandoutQueryForm

    form = HandoutQueryForm(request.GET)
    if not form.is_valid():
        context = {"clinic": selectors.default_clinic(), "errors": form.errors}
        return render(request, "education/pdf/bad_request.html", context, status=400)
    options = form.cleaned_data
    clinic = options["clinic"] or selectors.default_clinic()
    language = options["lang"] or languages.negotiate(request, clinic=clinic)[0]
    version = None
    for code in languages.fallback_order(wanted=language, clinic=clinic):
        version = selectors.current_version_for_handout(slug=slug, language=code)
        if version is not None:
            break
    if version is None:
        if selectors.leaflet_was_withdrawn(slug=slug):
            context = {"clinic": selectors.default_clinic()}
            return render(request, "education/leaflet_withdrawn.html", context, status=410)
        raise Http404("No published leaflet at this address.")
    handout_options = pdf.HandoutOptions(paper=options["paper"] or "a4", large_print=options["large"] == "1")
    try:
        data = pdf.handout_pdf(versions=[version], clinic=clinic, options=handout_options)
    except pdf.HandoutError:
        return render(request, "education/pdf/error.html", {"clinic": clinic}, status=503)
    response = handout_response(data, filename=_handout_filename([version]))
    # Like the page: a new version shows within a minute in browsers, at once from our own cache.
    response["Cache-Control"] = "public, max-age=60"
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def share_handout(request, token: str):
    """The handout of a share link's pinned version, branded for the link's clinic (?paper=, ?large=).
    Unknown, expired, revoked and malformed tokens get the same 404 as the share page."""
    from education import pdf
    from education.forms import HandoutQueryForm

    link = selectors.valid_share_link(token=token)
    if link is None:
        return _private_response(render(request, "404.html", {"clinic": selectors.default_clinic()}, status=404))
    form = HandoutQueryForm(request.GET)
    if not form.is_valid():
        context = {"clinic": link.clinic, "errors": form.errors}
        return _private_response(render(request, "education/pdf/bad_request.html", context, status=400))
    options = pdf.HandoutOptions(
        paper=form.cleaned_data["paper"] or "a4", large_print=form.cleaned_data["large"] == "1"
    )
    try:
        data = pdf.handout_pdf(versions=[link.version], clinic=link.clinic, options=options)
    except pdf.HandoutError:
        return _private_response(render(request, "education/pdf/error.html", {"clinic": link.clinic}, status=503))
    return _private_response(handout_response(data, filename=_handout_filename([link.version])))


def _handout_initial(request) -> tuple[dict, list[str]]:
    """Leaflets chosen in advance by the admin's "Print handout" links (?version=<id> or ?leaflet=<id>), and
    what to tell staff about any that cannot be chosen (never silently another leaflet)."""
    from education.models import LeafletVersion

    asked = [value.strip() for value in request.GET.getlist("version")[:20] if value.strip()]
    ids = [selectors.parse_id(value) for value in asked]
    published = LeafletVersion.objects.filter(status=LeafletVersion.Status.PUBLISHED)
    chosen = set(published.filter(pk__in=[value for value in ids if value is not None]).values_list("pk", flat=True))
    problems = [_not_published_message()] if any(value not in chosen for value in ids) else []
    if request.GET.get("leaflet", "").strip():
        leaflet_id = selectors.parse_id(request.GET["leaflet"].strip())
        # One version of the leaflet: in the site's language if there is one.
        of_leaflet = published.filter(leaflet_id=leaflet_id).order_by("language") if leaflet_id else published.none()
        version = of_leaflet.filter(language=settings.LANGUAGE_CODE).first() or of_leaflet.first()
        if version is not None:
            chosen.add(version.pk)
        else:
            problems.append(
                _("The leaflet in the link you followed has no published version, so nothing from it has been chosen.")
            )
    return {"versions": sorted(chosen), "clinic": selectors.default_clinic()}, problems


@staff_member_required
@sensitive_post_parameters("note")
@never_cache
@require_http_methods(["GET", "POST"])
def handout_create(request):
    """Staff: choose leaflets, clinic, paper, large print and a note, then download the handout.

    The handout is recorded as printed by this user (with its options, never the note)."""
    from education import pdf
    from education.forms import HandoutForm

    if not request.user.has_perm("education.add_handout"):
        raise PermissionDenied(_("Your account cannot print handouts."))
    if request.method != "POST":
        initial, problems = _handout_initial(request)
        for problem in problems:
            messages.warning(request, problem)
        return render(request, "education/handout_form.html", {"form": HandoutForm(initial=initial)})
    form = HandoutForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        options = pdf.HandoutOptions(paper=data["paper"], large_print=data["large_print"], note=data["note"])
        try:
            body = pdf.handout_pdf(versions=data["versions"], clinic=data["clinic"], options=options)
        except pdf.HandoutError:
            form.add_error(
                None,
                _("The handout could not be made just now. Please try again; if it keeps failing, tell your IT team."),
            )
            status = 503
        else:
            services.handout_record(
                versions=data["versions"],
                channel=Handout.Channel.PRINT,
                clinic=data["clinic"],
                user=request.user,
                options=options.record_options(),
            )
            return handout_response(body, filename=_handout_filename(data["versions"]), download=True)
    return render(request, "education/handout_form.html", {"form": form}, status=status)
