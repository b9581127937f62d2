"""The staff home (`/staff/`): what is waiting for this member of staff, and what they were told.

Reads through `selectors.staff_home`; marking notifications read goes through a service."""

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from education import selectors, services
from education.notifications import staff_language


def _admin_allowed(request) -> bool:
    """The admin site's own test (staff, active, and verified by two-factor login where that is required)."""
    return admin.site.has_permission(request)


FEEDBACK_DAYS = 90


def _patient_feedback(user) -> dict | None:
    """What patients told us in the last 90 days, for clinical approvers (who feed it into the next review):
    the yes/no totals and the latest comments, already scrubbed of addresses and phone numbers."""
    if not services.can_approve(user):
        return None
    since = timezone.localdate() - datetime.timedelta(days=FEEDBACK_DAYS)
    return {
        "days": FEEDBACK_DAYS,
        "totals": selectors.feedback_totals(since=since),
        "comments": list(selectors.recent_feedback_comments(since=since, limit=10)),
    }


@staff_member_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def staff_home(request):
    """Every signed-in member of staff: waiting for review, my drafts, sent back, due for review,
    translations out of date, and the latest notifications."""
    if not _admin_allowed(request):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    home = selectors.staff_home(user=request.user)
    context = {
        "home": home,
        "languages": settings.LANGUAGES,
        "email_language": staff_language(request.user),
        "can_approve": services.can_approve(request.user),
        "patient_feedback": _patient_feedback(request.user),
    }
    return render(request, "education/staff/home.html", context)


@staff_member_required
@require_POST
def notifications_read(request):
    """Mark every notification of this user as read, then back to the staff home."""
    if not _admin_allowed(request):
        return redirect_to_login(reverse("education:staff_home"), reverse("admin:login"))
    services.notifications_mark_read(user=request.user)
    return HttpResponseRedirect(reverse("education:staff_home") + "#notifications")


@staff_member_required
@require_POST
def email_language(request):
    """Choose the language of this user's notification emails, then back to the staff home."""
    if not _admin_allowed(request):
        return redirect_to_login(reverse("education:staff_home"), reverse("admin:login"))
    try:
        services.staff_language_set(user=request.user, language=request.POST.get("language", "")[:10])
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your emails will be written in the language you chose."))
    return HttpResponseRedirect(reverse("education:staff_home") + "#email-language")
