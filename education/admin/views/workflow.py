"""Changes of state asked for from the admin: a new draft, a version's sign-off steps, withdrawing a leaflet.

Each one calls a service; the view only reads the form, reports the outcome and sends the user back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from education import selectors, services
from education.admin.common import not_permitted_as_403, page_context, version_url, viewable_version
from education.admin.views.review import review_url
from education.forms import CommentForm, NewDraftForm
from education.models import Leaflet, LeafletVersion

# Version actions (the last part of the workflow URL): the service and what the user is told when it is done.
ACTIONS = {
    "submit": (services.version_submit, gettext_lazy("Submitted for clinical review.")),
    "approve": (services.version_approve_and_publish, gettext_lazy("Approved and published. Patients now see this version.")),
    "send_back": (services.version_send_back, gettext_lazy("Sent back to the authors as a draft.")),
    "discard": (services.version_discard, gettext_lazy("Draft discarded.")),
    "catch_up": (services.version_translation_catch_up, gettext_lazy("The translation is now marked as up to date with its source.")),
}  # fmt: skip


def new_draft_view(request, pk, *, model_admin):
    """Start a draft of a leaflet in the language asked for (POST), copying what selectors.draft_sources says."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    leaflet = get_object_or_404(Leaflet, pk=pk)
    if not services.can_edit(request.user):
        raise PermissionDenied
    form = NewDraftForm(request.POST)
    back = reverse("admin:education_leaflet_change", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Choose a language for the new draft."))
        return HttpResponseRedirect(back)
    language = form.cleaned_data["language"]
    try:
        based_on, translation_of = selectors.draft_sources(
            leaflet=leaflet, language=language, based_on_id=form.cleaned_data.get("based_on")
        )
    except LeafletVersion.DoesNotExist:
        messages.error(request, _("That version does not belong to this leaflet."))
        return HttpResponseRedirect(back)
    try:
        with not_permitted_as_403():
            version = services.version_create_draft(
                leaflet=leaflet,
                user=request.user,
                language=language,
                based_on=based_on,
                translation_of=translation_of,
            )
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(back)
    messages.success(request, _("Draft version %(number)d created. Edit it below.") % {"number": version.number})
    return HttpResponseRedirect(version_url(version))


def retire_view(request, pk, *, model_admin):
    """Withdraw a whole leaflet from patients, with a reason: a form (GET), then the change (POST)."""
    leaflet = get_object_or_404(Leaflet, pk=pk)
    if not services.can_retire(request.user):
        raise PermissionDenied
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leaflet_withdraw(leaflet=leaflet, user=request.user, reason=form.cleaned_data["comment"])
        except services.WorkflowError as error:
            form.add_error("comment", str(error))
        else:
            messages.success(
                request, _("%(name)s is withdrawn: no link, page or handout shows it to patients.") % {"name": leaflet}
            )
            return HttpResponseRedirect(reverse("admin:education_leaflet_change", args=[pk]))
    context = page_context(
        model_admin,
        request,
        leaflet=leaflet,
        form=form,
        title=_("Withdraw %(name)s") % {"name": leaflet},
    )
    return TemplateResponse(request, "admin/education/leaflet/retire.html", context)


def workflow_view(request, pk, action, *, model_admin):
    """One sign-off step on a version (POST): submit, approve, send back, discard, catch up or withdraw.

    Approval carries the fingerprint of the text shown on the page and the approver's tick on the statement:
    the service refuses it if the text changed since the page was drawn."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in ACTIONS and action != "withdraw":
        raise Http404
    version = viewable_version(request, pk, version_admin=model_admin)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else None
    if comment is None:
        messages.error(request, _("The comment is too long (2000 characters at most)."))
        return HttpResponseRedirect(version_url(version))
    seen = request.POST.get("seen_revision")
    # Every button acting on a draft says which save of it the page showed (change_form.html). A post without
    # one (a page from before that, a hand-made request) cannot show what the user saw: refused the same way.
    if version.status == LeafletVersion.Status.DRAFT and (seen is None or seen != str(version.revision)):
        # The page this button was on showed an older draft: acting on it would act on text the user has not
        # seen (or drop what they typed). Never silently: say so and send them back to the saved draft.
        messages.error(
            request,
            _(
                "Nothing was done: this draft was saved again after your page was opened (in another tab or by "
                "someone else). Check the draft below, then try again."
            ),
        )
        return HttpResponseRedirect(version_url(version))
    if action == "discard" and request.POST.get("confirm") != "yes":
        messages.error(request, _("Not discarded: tick the box to confirm that this version should be discarded."))
        return HttpResponseRedirect(version_url(version))
    if action == "withdraw":
        service, done = services.version_withdraw, _("Withdrawn: no link, page or handout shows this version any more.")
        kwargs = {"version": version, "reason": comment}
    elif action in ACTIONS:
        service, done = ACTIONS[action]
        kwargs = {"version": version, "comment": comment}
        if action == "approve":
            kwargs["content_hash"] = request.POST.get("content_hash", "")[:64]
            kwargs["attested"] = request.POST.get("attest") == "yes"
        if action in ("submit", "discard") and version.status == LeafletVersion.Status.DRAFT:
            # Checked again under the service's lock: a save that lands after the check above is refused too.
            kwargs["expected_revision"] = selectors.parse_id(seen)
        if action == "submit" and request.POST.get("reviewer", "").strip():
            reviewer = get_user_model().objects.filter(pk=selectors.parse_id(request.POST["reviewer"].strip())).first()
            if reviewer is None:
                messages.error(request, _("Not submitted: choose a reviewer from the list."))
                return HttpResponseRedirect(version_url(version))
            kwargs["reviewer"] = reviewer
    else:
        raise Http404
    # From the review page, an approver who is told to correct something stays on the review page.
    back = review_url(version) if request.POST.get("from_review") == "1" else version_url(version)
    try:
        with not_permitted_as_403():
            service(user=request.user, **kwargs)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(back)
    messages.success(request, str(done))
    return HttpResponseRedirect(version_url(version))
