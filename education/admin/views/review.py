"""The review page (what an approver reads and signs) and "Reviewed, no change" (renewing a published
version's review date). Both call services; the view only reads the form and reports the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from education import selectors, services
from education.admin.common import not_permitted_as_403, page_context, version_url, viewable_version
from education.content import compare_versions
from education.forms import CommentForm
from education.models import LeafletVersion


def review_url(version: LeafletVersion) -> str:
    return reverse("admin:education_leafletversion_review", args=[version.pk])


def review_view(request, pk, *, model_admin):
    """A version in review with everything the approver needs on one page: the text, the submit note and
    every earlier comment, the comparison with the published version, and Approve / Send back together."""
    version = viewable_version(request, pk, version_admin=model_admin)
    context = selectors.review_context(version)
    published = context["published"]
    lines = [line for line in compare_versions(published, version) if line.change != "same"] if published else []
    actions = services.available_actions(version=version, user=request.user)
    page = page_context(
        model_admin,
        request,
        version=version,
        lines=lines,
        old_heading=f"v{published.number} ({published.get_status_display()})" if published else "",
        new_heading=f"v{version.number} ({version.get_status_display()})",
        can_approve="approve" in actions,
        can_send_back="send_back" in actions,
        is_contributor=services.is_contributor(version=version, user=request.user),
        approval_statement=services.approval_statement(),
        comment_form=CommentForm(),
        figures=selectors.figures_for_review(version, published),
        title=_("Review: %(version)s") % {"version": version},
        **context,
    )
    return TemplateResponse(request, "admin/education/leafletversion/review.html", page)


def renew_view(request, pk, *, model_admin):
    """'Reviewed, no change' for a published version: the form (GET), then the renewal (POST)."""
    version = viewable_version(request, pk, version_admin=model_admin)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        comment = form.cleaned_data["comment"] if form.is_valid() else None
        if comment is None:
            messages.error(request, _("The comment is too long (2000 characters at most)."))
        else:
            try:
                with not_permitted_as_403():
                    renewal = services.version_review_renew(
                        version=version,
                        user=request.user,
                        attested=request.POST.get("attest") == "yes",
                        comment=comment,
                    )
            except services.WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Review recorded. The next review is due %(date)s.") % {"date": renewal.review_due.isoformat()},
                )
                return HttpResponseRedirect(version_url(version))
    context = page_context(
        model_admin,
        request,
        version=version,
        form=form,
        review_due=version.next_review_due,
        renewals=version.renewals.select_related("reviewed_by"),
        can_renew=services.can_approve(request.user)
        and version.status == LeafletVersion.Status.PUBLISHED
        and version.withdrawn_at is None
        and not services.is_contributor(version=version, user=request.user),
        statement=services.review_statement(),
        title=_("Reviewed, no change: %(version)s") % {"version": version},
    )
    return TemplateResponse(request, "admin/education/leafletversion/renew.html", context)
