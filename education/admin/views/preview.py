"""Any version as patients would get it, for staff: the page (preview) and the printed handout (PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from education import selectors, services
from education.admin.common import version_url, viewable_version
from education.forms import HandoutQueryForm
from education.models import Handout, LeafletVersion

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

    Drafts and versions in review are watermarked and never cached; a published version printed here is
    recorded as printed by this user. Served under the handout records' URLs (`model_admin` is theirs); who
    may see the version is the versions admin's decision."""
    from education import pdf  # WeasyPrint is loaded only when a handout is made

    version_admin = model_admin.admin_site.get_model_admin(LeafletVersion)
    version = viewable_version(
        request,
        pk,
        version_admin=version_admin,
        queryset=LeafletVersion.objects.select_related("leaflet").prefetch_related("help_signs"),
    )
    if version.status == Status.DISCARDED:
        raise Http404("Discarded versions are not printed.")
    form = HandoutQueryForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return HttpResponseRedirect(version_url(version))
    options = form.cleaned_data
    clinic = options["clinic"] or selectors.default_clinic()
    handout_options = pdf.HandoutOptions(paper=options["paper"] or "a4", large_print=options["large"] == "1")
    try:
        data = pdf.handout_pdf(versions=[version], clinic=clinic, options=handout_options)
    except pdf.HandoutError:
        messages.error(request, _("The handout could not be made just now. Please try again."))
        return HttpResponseRedirect(version_url(version))
    if version.status == Status.PUBLISHED:
        services.handout_record(
            versions=[version],
            channel=Handout.Channel.PRINT,
            clinic=clinic,
            user=request.user,
            options=handout_options.record_options(),
        )
    response = HttpResponse(data, content_type="application/pdf")
    suffix = "" if version.is_public else "-draft"
    response["Content-Disposition"] = f'inline; filename="{version.leaflet.slug}-v{version.number}{suffix}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
