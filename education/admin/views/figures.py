"""A version's figures: the pictures, their alt text, captions and places. Drafts can be changed here by
editors (through education.services.figures); any other version shows them read-only."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from clinic.storage import STORAGE_ERRORS, storage_failure_message
from education import selectors, services
from education.admin.common import not_permitted_as_403, page_context, viewable_version
from education.content import body_headings, heading_found
from education.forms import FigureAddForm, FigureForm
from education.models import LeafletVersion

logger = logging.getLogger(__name__)


def figures_view(request, pk, *, model_admin):
    version = viewable_version(request, pk, version_admin=model_admin)
    editable = version.status == LeafletVersion.Status.DRAFT and services.can_edit(request.user)
    here = reverse("admin:education_leafletversion_figures", args=[version.pk])
    add_form = FigureAddForm(initial={"seen_revision": version.revision})
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Figures can only be changed while the version is a draft."))
            return HttpResponseRedirect(here)
        action = request.POST.get("action", "")
        try:
            with not_permitted_as_403():
                if action == "add":
                    add_form = FigureAddForm(request.POST, request.FILES)
                    if add_form.is_valid():
                        data = add_form.cleaned_data
                        try:
                            services.figure_add(
                                version=version,
                                user=request.user,
                                picture=data["picture"],
                                alt_text=data["alt_text"],
                                caption=data["caption"],
                                after_heading=data["after_heading"],
                                expected_revision=data["seen_revision"],
                            )
                        except STORAGE_ERRORS as error:  # the form comes back with what was typed
                            logger.error("Could not store a figure of version %s: %s", version.pk, error)
                            add_form.add_error("picture", storage_failure_message(error))
                        else:
                            messages.success(request, _("Figure added."))
                            return HttpResponseRedirect(here)
                elif action in ("change", "remove"):
                    figure = version.figures.filter(pk=selectors.parse_id(request.POST.get("figure"))).first()
                    if figure is None:
                        messages.error(request, _("That figure is not part of this version."))
                        return HttpResponseRedirect(here)
                    form = FigureForm(request.POST)
                    if action == "remove":
                        seen = selectors.parse_id(request.POST.get("seen_revision"))
                        if seen is None:  # a page that cannot say which save it showed removes nothing
                            raise services.StaleEdit(_("Nothing was removed: reload the page and try again."))
                        services.figure_remove(figure=figure, user=request.user, expected_revision=seen)
                        messages.success(request, _("Figure removed."))
                        return HttpResponseRedirect(here)
                    if form.is_valid():
                        data = form.cleaned_data
                        services.figure_update(
                            figure=figure,
                            user=request.user,
                            alt_text=data["alt_text"],
                            caption=data["caption"],
                            after_heading=data["after_heading"],
                            position=data["position"],
                            expected_revision=data["seen_revision"],
                        )
                        messages.success(request, _("Figure saved."))
                        return HttpResponseRedirect(here)
                    messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
                    return HttpResponseRedirect(here)
                else:
                    messages.error(request, _("Unknown action."))
                    return HttpResponseRedirect(here)
        except services.WorkflowError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(here)
    rows = [
        {
            "figure": figure,
            "thumbnail": figure.renditions()[0][1].removeprefix("figures/"),
            "heading_missing": bool(figure.after_heading) and not heading_found(version.body, figure.after_heading),
            "form": FigureForm(
                initial={
                    "alt_text": figure.alt_text,
                    "caption": figure.caption,
                    "after_heading": figure.after_heading,
                    "position": figure.position,
                    "seen_revision": version.revision,
                },
                auto_id=f"id_figure{figure.pk}_%s",
            ),
        }
        for figure in version.figures.all()
    ]
    context = page_context(
        model_admin,
        request,
        title=_("Figures of %(version)s") % {"version": version},
        version=version,
        rows=rows,
        editable=editable,
        add_form=add_form,
        headings=body_headings(version.body),
    )
    return TemplateResponse(request, "admin/education/leafletversion/figures.html", context)
