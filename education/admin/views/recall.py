"""The recall report of a version: everything handed out from it, with the two recall actions and a CSV."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from education import selectors, services
from education.admin.common import not_permitted_as_403, page_context, viewable_version

CSV_COLUMNS = ("when", "clinic", "channel", "member of staff", "share link", "opened", "opened after withdrawal",
               "handed out after withdrawal")  # fmt: skip


def recall_view(request, pk, *, model_admin):
    """GET: the report (as a page, or as CSV with ?format=csv). POST: one of its two actions."""
    version = viewable_version(request, pk, version_admin=model_admin)
    if request.method == "POST":
        return _act(request, version)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    lines = selectors.recall_report(version=version)
    if request.GET.get("format") == "csv":
        return _csv(version, lines)
    context = page_context(
        model_admin,
        request,
        original=version,
        version=version,
        lines=lines,
        live_links=sum(1 for line in lines if line.link_live),
        can_recall=services.can_retire(request.user),
        title=_("Recall report: %(version)s") % {"version": version},
    )
    return TemplateResponse(request, "admin/education/leafletversion/recall.html", context)


def _act(request, version):
    back = reverse("admin:education_leafletversion_recall", args=[version.pk])
    action = request.POST.get("action")
    try:
        with not_permitted_as_403():
            _run(request, version, action)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(back)


def _run(request, version, action) -> None:
    if action == "revoke":
        count = services.recall_revoke_links(version=version, user=request.user)
        messages.success(
            request,
            ngettext("%(n)d live share link revoked.", "%(n)d live share links revoked.", count) % {"n": count},
        )
    elif action == "notify":
        result = services.recall_notify_staff(version=version, user=request.user)
        names = ", ".join(member.get_username() for member in result.sent) or _("nobody")
        messages.success(request, _("Recall notice emailed to: %(names)s.") % {"names": names})
        for member, why in result.not_sent:
            messages.warning(
                request, _("Not emailed to %(name)s: %(why)s.") % {"name": member.get_username(), "why": why}
            )
    else:
        messages.error(request, _("Choose one of the recall actions."))


def _csv(version, lines) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"recall-{version.leaflet.slug}-v{version.number}-{version.language}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        writer.writerow(
            [
                timezone.localtime(line.at).isoformat(timespec="minutes"),
                _safe(line.clinic.name if line.clinic else ""),
                _safe(line.channel),
                _safe(line.staff.get_username() if line.staff else ""),
                f"#{line.link.pk}" if line.link else "",
                "" if line.link_views is None else line.link_views,
                "" if line.link_views_after_withdrawal is None else line.link_views_after_withdrawal,
                "yes" if line.after_withdrawal else "no",
            ]
        )
    return response


def _safe(text: str) -> str:
    """A spreadsheet would run a cell that starts with = + - @ as a formula: prefix those with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
