"""Any version as patients would get it, for staff: the page (preview) and the printed handout (PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from education import pdf, selectors
from education.admin.common import version_url, viewable_version
from education.handouts import BadHandoutQuery, handout_pdf_response, read_handout_query
from education.models import LeafletVersion

Status = LeafletVersion.Status


def preview_view(request, pk, *, model_admin):
    """The patient page of any version; drafts carry the "DRAFT - not for patients" mark."""
    version = viewable_version(request, pk, version_admin=model_admin)
    response = TemplateResponse(
        request,
        "education/leaflet_preview.html",
        {"version": version, "clinic": selectors.default_clinic(), "newer": None},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


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
