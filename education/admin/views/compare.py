"""What changed: a version against another version, or against what its reviewer sent back."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from education import selectors
from education.admin.common import page_context, viewable_version
from education.content import ContentSnapshot, compare_versions


def compare_view(request, pk, *, model_admin):
    """A version against `?against=` (any version of the same leaflet), else against its default comparison;
    the older one on the left. Only the changes, unless `?whole=1`."""
    version = viewable_version(request, pk, version_admin=model_admin)
    others = version.leaflet.versions.order_by("language", "-number")
    against_id = request.GET.get("against", "")
    if against_id:
        if selectors.parse_id(against_id) is None:
            raise Http404
        against = get_object_or_404(others, pk=selectors.parse_id(against_id))
    else:
        against = selectors.default_comparison(version)
    old, new = (
        (against, version)
        if against and (against.number, against.pk) < (version.number, version.pk)
        else (version, against)
    )
    all_lines = compare_versions(old, new) if against else []
    whole_text = request.GET.get("whole") == "1"
    lines = all_lines if whole_text else [line for line in all_lines if line.change != "same"]
    context = page_context(
        model_admin,
        request,
        version=version,
        against=against,
        old=old,
        new=new,
        others=others,
        lines=lines,
        whole_text=whole_text,
        unchanged=sum(1 for line in all_lines if line.change == "same"),
        old_heading=f"v{old.number} ({old.get_status_display()})" if against else "",
        new_heading=f"v{new.number} ({new.get_status_display()})" if against else "",
        title=_("Compare versions of %(name)s") % {"name": version.leaflet},
    )
    return TemplateResponse(request, "admin/education/leafletversion/compare.html", context)


def compare_sent_back_view(request, pk, *, model_admin):
    """A resubmitted (or reworked) version against the content its reviewer sent back."""
    version = viewable_version(request, pk, version_admin=model_admin)
    event = selectors.last_sent_back(version)
    if event is None or not isinstance(event.content, dict):
        raise Http404(_("This version has not been sent back since such records began."))
    all_lines = compare_versions(ContentSnapshot.from_data(event.content), version)
    whole_text = request.GET.get("whole") == "1"
    context = page_context(
        model_admin,
        request,
        version=version,
        event=event,
        lines=all_lines if whole_text else [line for line in all_lines if line.change != "same"],
        whole_text=whole_text,
        unchanged=sum(1 for line in all_lines if line.change == "same"),
        old_heading=_("As sent back"),
        new_heading=_("Now (%(status)s)") % {"status": version.get_status_display()},
        title=_("Changes since it was sent back: %(version)s") % {"version": version},
    )
    return TemplateResponse(request, "admin/education/leafletversion/compare_sent_back.html", context)
