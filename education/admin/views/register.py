"""The governance register: every leaflet with its owner, current version per language, approver, approval
date, review date in force, translation state and handouts in the last 90 days; as a page and as CSV."""

from __future__ import annotations

import csv
import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from education import selectors
from education.admin.common import page_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading apostrophe
    (OWASP's advice on CSV injection), so a leaflet named '=HYPERLINK(...)' cannot run anything."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


FEEDBACK_DAYS = 90


def register_rows(today=None) -> list[dict]:
    today = today or timezone.localdate()
    register = selectors.governance_register(today=today)
    # What patients told us about each published version in the last 90 days (three queries in all).
    feedback = selectors.feedback_summary(
        version_ids=[row.version.pk for row in register if row.version is not None],
        since=today - datetime.timedelta(days=FEEDBACK_DAYS),
    )
    rows = []
    for row in register:
        version = row.version
        due = version.effective_review_due if version is not None else None
        rows.append(
            {
                "row": row,
                "leaflet": row.leaflet,
                "owner": _person(row.leaflet.owner),
                "language": row.language,
                "version": version,
                "open_version": row.open_version,
                "approver": _person(version.approved_by) if version is not None else "",
                "approved_on": timezone.localtime(version.approved_at).date()
                if version and version.approved_at
                else None,
                "review_due": due,
                "overdue": due is not None and due < today,
                "translation_state": row.translation_state,
                "handouts": row.handouts_90_days,
                "feedback": feedback.get(version.pk) if version is not None else None,
            }
        )
    return rows


def _allowed(request, model_admin) -> None:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def register_view(request, *, model_admin):
    _allowed(request, model_admin)
    context = page_context(
        model_admin, request, rows=register_rows(), title=_("Governance register"), today=timezone.localdate()
    )
    return TemplateResponse(request, "admin/education/leaflet/register.html", context)


def register_csv_view(request, *, model_admin):
    _allowed(request, model_admin)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leaflet-register-{timezone.localdate().isoformat()}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the accents as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Leaflet"), _("Address"), _("Owner"), _("Language"), _("Published version"), _("Title"),
            _("Approved by"), _("Approved on"), _("Review due"), _("Translation"), _("Open draft"),
            _("Handouts in the last 90 days"), _("Helpful (90 days)"), _("Not helpful (90 days)"),
            _("Page views (90 days)"),
        ]
    )  # fmt: skip
    for item in register_rows():
        version, open_version = item["version"], item["open_version"]
        writer.writerow(
            csv_cell(value)
            for value in [
                item["leaflet"].name,
                item["leaflet"].slug,
                item["owner"],
                item["language"],
                version.number if version else "",
                version.title if version else "",
                item["approver"],
                item["approved_on"].isoformat() if item["approved_on"] else "",
                item["review_due"].isoformat() if item["review_due"] else "",
                item["translation_state"],
                f"v{open_version.number} ({open_version.get_status_display()})" if open_version else "",
                item["handouts"],
                *(
                    (item["feedback"].helpful, item["feedback"].not_helpful, item["feedback"].views)
                    if item["feedback"]
                    else ("", "", "")
                ),
            ]
        )
    return response
