"""Pages for when something fails, none of which needs the database: the 500 page (handler500) and the 503
page for while the database is unavailable, both naming the clinic and its phone number (clinic/contact.py).

DatabaseUnavailableMiddleware answers 503 with Retry-After when the database cannot be reached while a view
runs; Django turns an error raised in a later middleware into a call of handler500, which answers the same
503 when the error is the database's. Each such request is logged once, as an error, with its traceback.
"""

import logging
import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from clinic.contact import clinic_contact
from clinic.request_log import current_request_id

logger = logging.getLogger("clinic.errors")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_ERRORS)


def _staff_prefixes() -> tuple[str, ...]:
    prefixes = [reverse("admin:index")]
    try:  # the staff pages' folder, wherever the project's URLs put it
        prefixes.append(reverse("education:share_create").rstrip("/").rsplit("/", 1)[0] + "/")
    except NoReverseMatch:
        pass
    return tuple(prefixes)


def _is_staff_page(request) -> bool:
    try:
        return request.path_info.startswith(_staff_prefixes())
    except Exception:  # noqa: BLE001 - an error page must not fail for want of a URL
        return False


def _language(request) -> str:
    """The language LocaleMiddleware chose, or (when the failure came before it ran) the one the patient asked
    for with ?lang= or their browser."""
    codes = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("lang", "")
    if asked in codes:
        return asked
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def _render(request, template_name: str, status: int) -> HttpResponse:
    contact = clinic_contact()
    staff_page = _is_staff_page(request)
    context = {
        # Staff screens get a plain page in the admin's style; patients the patient layout with who to call.
        "base_template": "staff_error_base.html" if staff_page else "base.html",
        "contact": contact,
        "clinic": contact if contact and contact.name else None,
        "staff_page": staff_page,
        # The id in the log lines and the X-Request-ID header: a patient or nurse can quote it.
        "request_id": current_request_id(),
    }
    try:
        with translation.override(_language(request)):
            response = render(request, template_name, context, status=status)
    except Exception:  # the error page itself failed (a template or static file): plain words, still no detail
        logger.exception("Could not render %s", template_name)
        text = "The service is unavailable. Please try again in a few minutes."
        if contact and contact.phone:
            text += f" Phone {contact.name or 'the clinic'}: {contact.phone}."
        text += f" Reference: {current_request_id()}"
        response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(request) -> HttpResponse:
    """503: the database cannot be reached. Retry-After tells browsers and monitors when to try again."""
    response = _render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, *args, **kwargs) -> HttpResponse:
    """handler500. Django calls it while handling the exception (sys.exception() is that exception): one from
    the database, raised in a middleware, gets the 503 page; anything else the 500 page."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return _render(request, "500.html", status=500)


class DatabaseUnavailableMiddleware:
    """OperationalError or InterfaceError (the database is down, refuses connections, or dropped one) while
    handling a request: the 503 page instead of a 500. Nothing was half-saved: a failed transaction rolls back.

    Place it after SecurityMiddleware, WhiteNoise and the CSP middleware (the 503 page gets the policy), before
    everything that may use the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as exception:  # Django normally turns these into responses first; just in case
            return self._answer(request, exception)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return self._answer(request, exception)
        return None

    def _answer(self, request, exception) -> HttpResponse:
        logger.error(
            "Database unavailable: %s %s answered 503",
            request.method,
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        response = database_unavailable(request)
        response._has_been_logged = True  # Django's request log would add a second line for the 503
        return response
