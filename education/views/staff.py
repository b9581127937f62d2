"""Staff pages outside the admin: print a handout, share a leaflet with a patient (link, QR code or email).

Each is form -> service -> response: the rules (who may, the hourly email limit, sending once per form) live
in `education.services.sharing`.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from education import pdf, selectors, services
from education.forms import HandoutForm, ShareForm
from education.handouts import handout_pdf_response
from education.models import Handout, Leaflet, LeafletVersion


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=6, border=2, title=_("QR code: opens the leaflet on a phone"), svgclass="qr-code"
    )


def _already_shared(request, version, message: str):
    """A share form submitted again (a refreshed result page, a second click): nothing is sent or made."""
    context = {"already_shared": message, "version": version}
    return render(request, "education/staff/share_form.html", context, status=409)


def _not_published_message() -> str:
    """Said when ?version= names anything but a published version (a typo, an old link, a draft): nothing is
    chosen in advance for it, rather than leaving staff with some other leaflet."""
    return _(
        "A leaflet version in the link you followed is not published (it may be a draft, or a newer version may "
        "have replaced it), so it has not been chosen. Choose a published leaflet below."
    )


def _why_not_shared(version: LeafletVersion) -> str:
    """Why the share form does not offer this version (opened from its page), in words, never silently."""
    Status = LeafletVersion.Status
    names = {"title": version.title, "number": version.number}
    if version.is_withdrawn:
        return (
            _(
                "“%(title)s” (version %(number)d) is not published any more: it was withdrawn from patients, so it "
                "cannot be shared. Its links show patients a notice instead."
            )
            % names
        )
    if version.status == Status.RETIRED:
        newer = version.leaflet.versions.filter(language=version.language, status=Status.PUBLISHED).first()
        if newer is not None:
            return _(
                "Version %(number)d of “%(title)s” is not published any more: version %(newer)d replaced it, so it "
                "is not offered. Choose version %(newer)d below to give the patient the current advice."
            ) % {**names, "newer": newer.number}
        return (
            _(
                "Version %(number)d of “%(title)s” is not published any more and the leaflet has no published version "
                "now, so it cannot be shared."
            )
            % names
        )
    if version.status in (Status.DRAFT, Status.IN_REVIEW):
        return _(
            "“%(title)s” (version %(number)d) is not published yet (%(status)s), so it cannot be shared with patients."
        ) % {**names, "status": version.get_status_display()}
    return _not_published_message()


def _share_initial(request) -> tuple[dict, str]:
    """The version chosen in advance by the admin's "Share with a patient" links (?version=<id> from a version,
    ?leaflet=<id> from a leaflet), and what to tell staff when it cannot be offered."""
    Status = LeafletVersion.Status
    published = LeafletVersion.objects.filter(status=Status.PUBLISHED, withdrawn_at__isnull=True)
    asked = request.GET.get("version", "").strip()
    if asked:
        version_id = selectors.parse_id(asked)
        version = LeafletVersion.objects.select_related("leaflet").filter(pk=version_id).first() if version_id else None
        if version is None or version.status == Status.DISCARDED:
            return {}, _not_published_message()
        if published.filter(pk=version.pk).exists():
            return {"version": version.pk}, ""
        return {}, _why_not_shared(version)  # never silently another version: staff choose it themselves
    leaflet_asked = request.GET.get("leaflet", "").strip()
    if leaflet_asked:
        leaflet = Leaflet.objects.filter(pk=selectors.parse_id(leaflet_asked) or 0).first()
        if leaflet is None:
            return {}, _("The leaflet in the link you followed was not found. Choose a leaflet below.")
        of_leaflet = published.filter(leaflet=leaflet).order_by("language")
        version = of_leaflet.filter(language=settings.LANGUAGE_CODE).first() or of_leaflet.first()
        if version is not None:
            return {"version": version.pk}, ""
        gone = (
            leaflet.versions.filter(withdrawn_at__isnull=False).order_by("-number").first()
            or leaflet.versions.filter(status__in=LeafletVersion.PUBLIC_STATUSES).order_by("-number").first()
        )
        if gone is not None:
            return {}, _why_not_shared(gone)
        return {}, _("“%(name)s” has no approved version yet, so it cannot be shared with patients.") % {
            "name": leaflet.name
        }
    return {}, ""


@staff_member_required
@sensitive_post_parameters("email", "message")
@never_cache
@require_http_methods(["GET", "POST"])
def share_create(request):
    """Create a share link for one published version; show it as a link and QR code, or email it."""
    if not services.can_share(request.user):
        raise PermissionDenied(_("Your account cannot share leaflets."))
    initial = {}
    if request.method == "GET":
        initial, problem = _share_initial(request)
        if problem:
            messages.warning(request, problem)
    search = _picker_search(request)
    form = ShareForm(request.POST or None, initial=initial, search=search)
    if request.method != "POST" or not form.is_valid():
        return render(request, "education/staff/share_form.html", _picker_context(form, search, initial, "version"))
    data = form.cleaned_data
    try:
        shared = services.share_with_patient(
            version=data["version"], clinic=data["clinic"], user=request.user, channel=data["channel"],
            email=data["email"], message=data["message"], expires_at=data["expires_at"],
            form_key=data["form_key"] or None,
        )  # fmt: skip
    except services.AlreadyShared as error:
        return _already_shared(request, data["version"], str(error))
    except services.TooManyEmails as error:
        form.add_error(None, str(error))
        return render(request, "education/staff/share_form.html", {"form": form}, status=429)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return render(request, "education/staff/share_form.html", {"form": ShareForm(data=None)}, status=400)
    context = {
        "link": shared.link, "url": shared.url, "qr_svg": _qr_svg(shared.url), "channel": data["channel"],
        "version": data["version"],
    }  # fmt: skip
    return render(request, "education/staff/share_done.html", context)


def _picker_search(request) -> str:
    """The leaflet picker's filter (?q=), cut to the length the patients' search allows."""
    return request.GET.get("q", "").strip()[:100]


def _picker_context(form, search: str, initial: dict, name: str = "versions") -> dict:
    """The form with its picker filter: what the filter is, and the leaflets chosen in advance, which the
    filter keeps in its address so that filtering does not lose them."""
    chosen = initial.get(name) or []
    chosen = chosen if isinstance(chosen, list | tuple) else [chosen]
    return {"form": form, "picker_query": search, "picker_kept": [("version", pk) for pk in chosen]}


def _handout_initial(request) -> tuple[dict, list[str]]:
    """Leaflets chosen in advance by the admin's "Print handout" links (?version=<id> or ?leaflet=<id>), and
    what to tell staff about any that cannot be chosen (never silently another leaflet)."""
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
    if not services.can_print(request.user):
        raise PermissionDenied(_("Your account cannot print handouts."))
    if request.method != "POST":
        initial, problems = _handout_initial(request)
        for problem in problems:
            messages.warning(request, problem)
        form = HandoutForm(initial=initial, search=_picker_search(request))
        return render(request, "education/handout_form.html", _picker_context(form, _picker_search(request), initial))
    form = HandoutForm(request.POST, search=_picker_search(request))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        options = pdf.HandoutOptions(paper=data["paper"], large_print=data["large_print"], note=data["note"])
        try:
            response = handout_pdf_response(
                versions=data["versions"], clinic=data["clinic"], options=options, download=True
            )
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
            return response
    return render(
        request, "education/handout_form.html", _picker_context(form, _picker_search(request), {}), status=status
    )
