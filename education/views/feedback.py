""" "Was this leaflet helpful?": the patient page's feedback form posts here.

It works without JavaScript and sets no cookie, so Django's CSRF cookie is not used. The POST is protected
otherwise: it must come from a page of this site (Origin, or Referer where a browser sends no Origin), a
hidden field that people leave empty catches simple bots, and each address may answer a few times per window.
The address is held only in this process's memory, as a salted hash, for the length of the window; nothing
about the visitor is stored.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clinic.security import client_ip_address
from education import languages, selectors, services
from education.models import MAX_FEEDBACK_COMMENT_CHARS
from education.views.public import _private_response, _render_in, _version_withdrawn

HONEYPOT_FIELD = "website"
MAX_TRACKED_ADDRESSES = 10_000


class _RateLimit:
    """At most FEEDBACK_RATE_LIMIT answers per address per FEEDBACK_RATE_WINDOW_SECONDS, in memory only,
    keyed by a hash with a salt that never leaves this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.salt = secrets.token_bytes(16)
        self.seen: dict[str, deque] = {}

    def allow(self, address: str | None) -> bool:
        limit = settings.FEEDBACK_RATE_LIMIT
        window = settings.FEEDBACK_RATE_WINDOW_SECONDS
        key = hashlib.sha256(self.salt + (address or "").encode()).hexdigest()
        now = time.monotonic()
        with self.lock:
            if len(self.seen) > MAX_TRACKED_ADDRESSES:
                self._forget_older_than(now - window)
            times = self.seen.setdefault(key, deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                return False
            times.append(now)
            return True

    def _forget_older_than(self, moment: float) -> None:
        for key in [key for key, times in self.seen.items() if not times or times[-1] <= moment]:
            del self.seen[key]
        if len(self.seen) > MAX_TRACKED_ADDRESSES:  # a flood of addresses: start again rather than grow
            self.seen.clear()

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()


rate_limit = _RateLimit()


def _from_this_site(request) -> bool:
    """The form was posted from a page of this site: Origin (sent by current browsers with every POST) or,
    without one, Referer names this host. Neither: refused."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin or origin == "null":
        return False
    try:
        return urlsplit(origin).netloc.lower() == request.get_host().lower()
    except ValueError:
        return False


def _answer(request, *, version, language: str, status: int, message: str = "", clinic=None, back_url: str = ""):
    context = {
        "version": version,
        "clinic": clinic or selectors.default_clinic(),
        "message": message,
        "back_url": back_url or version.get_absolute_url(),
    }
    response = _render_in(request, language, "education/feedback_thanks.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@csrf_exempt  # no cookie on patient pages, so no CSRF cookie: see the module's docstring for the protection
@require_POST
def leaflet_feedback(request, slug: str, number: int):
    language = request.POST.get("lang", "")
    if language not in languages.supported_codes():
        raise Http404("No such language.")
    version = selectors.public_version(slug=slug, number=number, language=language)
    if version is None:
        raise Http404("No published version with this number.")
    if version.is_withdrawn:
        return _version_withdrawn(request, version, clinic=selectors.default_clinic(), language=language)
    if not _from_this_site(request):
        message = _("Your answer could not be sent from this page. Please open the leaflet again and try once more.")
        return _answer(request, version=version, language=language, status=403, message=message)
    return _record(request, version=version, language=language, answer=functools.partial(_answer, request))


@never_cache
@csrf_exempt  # as leaflet_feedback
@require_POST
def share_feedback(request, token: str):
    """The same question on a patient's share link. Share pages send no Referer and so a form on them posts
    with `Origin: null`; the valid token in the address is what shows the answer comes from that page. An
    Origin naming another site is still refused. Only the version, language, day, answer and comment are
    stored, as from any page: nothing ties the answer to the link, and so to the patient who was sent it."""
    link = selectors.valid_share_link(token=token)
    if link is None:
        return _private_response(render(request, "404.html", {"clinic": selectors.default_clinic()}, status=404))
    version, language = link.version, link.version.language
    if version.is_withdrawn:
        return _private_response(_version_withdrawn(request, version, clinic=link.clinic, language=language))
    back = reverse("education:share", kwargs={"token": token})

    def answer(**kwargs):
        return _private_response(_answer(request, clinic=link.clinic, back_url=back, **kwargs))

    origin = request.headers.get("Origin")
    if origin not in (None, "null") and not _from_this_site(request):
        message = _("Your answer could not be sent from this page. Please open the leaflet again and try once more.")
        return answer(version=version, language=language, status=403, message=message)
    return _record(request, version=version, language=language, answer=answer)


def _record(request, *, version, language: str, answer):
    """The checks every answer goes through (the trap field, the rate limit, the form), then the answer stored."""
    if request.POST.get(HONEYPOT_FIELD):
        return answer(version=version, language=language, status=200)  # a bot: thanked, not stored
    if not rate_limit.allow(client_ip_address(request)):
        message = _("Thank you: we already have your answers. Please try again later.")
        return answer(version=version, language=language, status=429, message=message)
    helpful = {"yes": True, "no": False}.get(request.POST.get("helpful", ""))
    comment = request.POST.get("comment", "")
    if helpful is None:
        message = _("Please choose Yes or No.")
        return answer(version=version, language=language, status=400, message=message)
    if len(comment) > MAX_FEEDBACK_COMMENT_CHARS:
        message = _("A comment can be at most %(count)d characters long.") % {"count": MAX_FEEDBACK_COMMENT_CHARS}
        return answer(version=version, language=language, status=400, message=message)
    try:
        services.feedback_record(version=version, helpful=helpful, comment=comment)
    except services.WorkflowError as error:
        return answer(version=version, language=language, status=400, message=str(error))
    return answer(version=version, language=language, status=200)
