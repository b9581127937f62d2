"""Any version as patients would get it, for staff: the page (preview) and the printed handout (PDF)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from education import pdf, selectors, services
from education.admin.common import version_url, viewable_version
from education.admin.views.writing import MAX_FIELD_CHARS, posted_signs
from education.content import sanitise_body
from education.handouts import BadHandoutQuery, handout_pdf_response, read_handout_query
from education.models import HelpSign, LeafletVersion

Status = LeafletVersion.Status


def preview_view(request, pk, *, model_admin):
    """The patient page of any version; drafts carry the "DRAFT - not for patients" mark.

    POST (the draft editor's "Preview as patient" button sends the form as it is on screen): the text typed
    so far, saved or not, sanitised as saving would; nothing is stored."""
    version = viewable_version(request, pk, version_admin=model_admin)
    if request.method == "POST":
        if version.status != Status.DRAFT or not services.can_edit(request.user):
            raise PermissionDenied
        version = _as_on_screen(version, request.POST)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    response = TemplateResponse(
        request,
        "education/leaflet_preview.html",
        {"version": version, "clinic": selectors.default_clinic(), "newer": None},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _as_on_screen(version: LeafletVersion, data) -> LeafletVersion:
    """An unsaved copy of `version` holding the posted title, summary, body, references and signs."""
    shown = copy.copy(version)
    shown.title = data.get("title", "")[:MAX_FIELD_CHARS]
    shown.summary = data.get("summary", "")[:MAX_FIELD_CHARS]
    shown.body = sanitise_body(data.get("body", "")[:MAX_FIELD_CHARS])
    shown.references = data.get("references", "")[:MAX_FIELD_CHARS]
    urgencies = set(HelpSign.Urgency.values)
    signs = [
        HelpSign(version=version, position=index, urgency=urgency, text=text)
        for index, (urgency, text) in enumerate(posted_signs(data, limit=services.MAX_HELP_SIGNS * 2))
        if urgency in urgencies
    ]
    # The page reads the signs through `version.help_signs.all()`: answer it from these, not the database.
    on_screen = HelpSign.objects.none()
    on_screen._result_cache = signs
    on_screen._prefetch_done = True
    shown._prefetched_objects_cache = {"help_signs": on_screen}
    return shown


def version_pdf_view(request, pk, *, model_admin):
    """Any version as a handout, for staff who may see it (?clinic=, paper=, large= as on the public URL).

    Drafts and versions in review are watermarked and never cached. Nothing is recorded here: a plain GET
    (a reload, a prefetch, another site's link) must not write a handout record; staff who give a patient
    the published version print it from the staff handout page, which records it. A withdrawn version is
    never printed (410). Served under the handout records' URLs (`model_admin` is theirs); who may see the
    version is the versions admin's decision."""
    version_admin = model_admin.admin_site.get_model_admin(LeafletVersion)
    version = viewable_version(
        request,
        pk,
        version_admin=version_admin,
        queryset=LeafletVersion.objects.select_related("leaflet").prefetch_related("help_signs"),
    )
    if version.status == Status.DISCARDED:
        raise Http404("Discarded versions are not printed.")
    if version.is_withdrawn:
        messages.error(request, _("This version was withdrawn from patients, so it is not printed."))
        response = HttpResponseRedirect(version_url(version))
        response.status_code = 410
        return response
    try:
        query = read_handout_query(request.GET)
    except BadHandoutQuery as bad:
        messages.error(request, " ".join(bad.messages()))
        return HttpResponseRedirect(version_url(version))
    clinic = query.clinic or selectors.default_clinic()
    try:
        response = handout_pdf_response(versions=[version], clinic=clinic, options=query.options)
    except pdf.HandoutError:
        messages.error(request, _("The handout could not be made just now. Please try again."))
        return HttpResponseRedirect(version_url(version))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
