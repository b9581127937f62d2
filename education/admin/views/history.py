"""The history page of a leaflet or a version: its audit trail."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from education.admin.common import page_context


def history_page(model_admin, request, object_id, *, events, detail_changes=None, hand_outs=None) -> TemplateResponse:
    """The audit trail of one leaflet or version (`events(obj)`), oldest first, for staff who may see it.

    Django's own history page lists the admin log; this one lists the audit events every service records."""
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404
    context = page_context(
        model_admin,
        request,
        object=obj,
        events=events(obj),
        detail_changes=detail_changes(obj) if detail_changes else None,
        hand_outs=hand_outs(obj) if hand_outs else None,
        title=_("History: %(name)s") % {"name": obj},
    )
    return TemplateResponse(request, model_admin.object_history_template, context)
