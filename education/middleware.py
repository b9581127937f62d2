"""The leaflet app's middleware: two-factor login for its staff pages, and a short-lived cache of patient
pages for patients."""

import functools
import hashlib
import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.urls import NoReverseMatch, get_urlconf, reverse

from clinic.cache import CacheUnavailable
from clinic.otp import is_verified, two_factor_required
from education import selectors, services

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _prefixes_for(urlconf) -> tuple[str, str]:
    """(patient pages, staff pages): the folders of the index and of the staff share page, wherever the
    project's URLs put them."""
    public = reverse("education:index", urlconf=urlconf)
    staff = reverse("education:share_create", urlconf=urlconf).rstrip("/").rsplit("/", 1)[0] + "/"
    return public, staff


def _public_prefix() -> str:
    return _prefixes_for(get_urlconf())[0]


@functools.lru_cache(maxsize=8)
def _record_system_prefixes(urlconf) -> tuple[str, ...]:
    """The folders of the record systems' endpoints (/infobutton/, /fhir/): public and cached the same way."""
    names = ("interop:infobutton_service", "interop:fhir_metadata")
    try:
        return tuple(reverse(name, urlconf=urlconf).rsplit("/", 1)[0] + "/" for name in names)
    except NoReverseMatch:  # a project that does not include them
        return ()


def _staff_prefix() -> str:
    return _prefixes_for(get_urlconf())[1]


class StaffTwoFactorMiddleware:
    """The staff pages (/staff/...) follow the admin's rule: with STAFF_2FA_REQUIRED on, a member of staff
    who has not given their authenticator app's code in this session is sent to the admin login first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info.startswith(_staff_prefix())
            and two_factor_required()
            and request.user.is_authenticated
            and not is_verified(request.user)
        ):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)


VERSION_HEADER = "X-Leaflet-Version-Id"


class PageViewCountMiddleware:
    """One more view in the day's counter of the version a patient page showed (services.page_view_count):
    the leaflet page names its version in VERSION_HEADER, which the page cache keeps with the page, so a page
    served from the cache counts too. The header is removed here, before the response leaves. Nothing about
    the visitor is read or kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        version_id = response.get(VERSION_HEADER)
        if version_id is not None:
            del response[VERSION_HEADER]
        if version_id is not None and request.method == "GET" and response.status_code == 200:
            services.page_view_count(version_id=int(version_id))
        return response


STALE_EPOCH_KEY = "public-page-stale-epoch"


def forget_stale_pages(**kwargs) -> None:
    """Receiver of version_withdrawn: no copy kept for a database outage is served any more (a new epoch in
    the stale keys), so a withdrawn version's page cannot come back while the database is down."""
    cache = caches["default"]
    try:
        if not cache.add(STALE_EPOCH_KEY, 1, timeout=None):
            try:
                cache.incr(STALE_EPOCH_KEY)
            except ValueError:  # expired or evicted between add and incr
                cache.set(STALE_EPOCH_KEY, 1, timeout=None)
    except CacheUnavailable:
        # The withdrawal stands (it is in the database, and fresh pages are built from it); only the copies
        # kept for a database outage could not be retired. Say what to do, loudly.
        logger.error(
            "A version was withdrawn while the cache was unreachable: clear the cache once it is back "
            "(manage.py shell -c 'from django.core.cache import cache; cache.clear()'), so no copy of the "
            "withdrawn page is served during a later database outage"
        )


class PublicPageCacheMiddleware:
    """Patient pages for patients, from the cache: anonymous GETs of /leaflets/... (pages and their public
    handout PDFs; not share links, which count views and are never stored) and of the record systems'
    /infobutton/... and /fhir/... are kept for
    PUBLIC_PAGE_CACHE_SECONDS (0 turns this off).

    The key holds the address with its query, the host, the browser's Accept-Language and the language cookie,
    and the id of the latest audit event: every workflow change (publishing, retiring, a new translation...)
    records one, so patients see it at once. Changes without an audit event (a clinic's colours or logo) show
    within PUBLIC_PAGE_CACHE_SECONDS. Staff (anyone with a session cookie) always get a fresh page.

    The CSP nonce of the stored page is replaced by a fresh one on every response: a nonce is never reused.

    Stale if error: each stored page is also kept for STALE_IF_ERROR_SECONDS under a key without the content
    generation. While the database is down (computing the generation fails), that copy is served, marked
    `Warning: 110` and `X-Served-Stale: 1`; with no copy, clinic/errors.py answers 503. A page that answers
    404 or 410 drops its copy, and every withdrawal drops them all (forget_stale_pages), so a withdrawn
    version is not shown during an outage; docs/deploy.md describes what is left of that risk.
    """

    NONCE_PLACEHOLDER = b"__csp_nonce_placeholder__"
    # Pages, handouts, and the record systems' answers (Atom, JSON, JSONP, FHIR JSON).
    CACHED_TYPES = (
        "text/html",
        "application/pdf",
        "text/xml",
        "application/json",
        "application/javascript",
        "application/fhir+json",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        cache = caches["default"]
        address = self._address(request)
        try:
            key = self._key(address, selectors.public_content_generation())
        except (OperationalError, InterfaceError):
            # The database is down: the last copy of this page, if there is one; else the page is asked for
            # as usual, and the view's database error reaches clinic/errors.py, which answers 503.
            stale = self._stale_key(address, cache)
            entry = cache.get(stale) if stale else None
            if entry is None:
                return self.get_response(request)
            response = self._from_entry(entry, request)
            response["Warning"] = '110 - "Response is stale"'
            response["X-Served-Stale"] = "1"
            return response
        entry = cache.get(key)
        if entry is not None:
            return self._from_entry(entry, request)
        response = self.get_response(request)
        stale = self._stale_key(address, cache)
        if self._cacheable_response(response):
            entry = self._entry(response, request)
            cache.set(key, entry, seconds)
            if stale:
                cache.set(stale, entry, max(seconds, settings.STALE_IF_ERROR_SECONDS))
        elif stale and response.status_code in (404, 410):
            cache.delete(stale)  # gone for good (withdrawn, removed): never served stale again
        return response

    def _cacheable_request(self, request) -> bool:
        path = request.path_info
        return (
            request.method == "GET"
            and path.startswith((_public_prefix(), *_record_system_prefixes(get_urlconf())))
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def _address(request) -> str:
        """What the page depends on apart from the content generation: address, host, languages asked for."""
        parts = [
            request.get_full_path(),
            request.get_host(),
            request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:200],
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")[:20],
        ]
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    @staticmethod
    def _key(address: str, generation: str) -> str:
        return f"public-page:{address}:{generation}"

    @staticmethod
    def _stale_key(address: str, cache) -> str | None:
        """The key of the copy kept for a database outage (STALE_IF_ERROR_SECONDS, 0 for none): without the
        content generation, which needs the database, but with the stale epoch, which a withdrawal changes."""
        if not getattr(settings, "STALE_IF_ERROR_SECONDS", 0):
            return None
        return f"public-page-stale:{address}:{cache.get(STALE_EPOCH_KEY, 0)}"

    @staticmethod
    def _cacheable_response(response) -> bool:
        vary = response.get("Vary", "").lower()
        cache_control = response.get("Cache-Control", "").lower()
        return (
            response.status_code == 200
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith(PublicPageCacheMiddleware.CACHED_TYPES)
            and not response.cookies
            and "cookie" not in vary
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )

    def _entry(self, response, request) -> tuple:
        content = response.content
        nonce = getattr(request, "_csp_nonce", None)
        if isinstance(nonce, str):
            content = content.replace(f'nonce="{nonce}"'.encode(), b'nonce="' + self.NONCE_PLACEHOLDER + b'"')
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("content-security-policy", "content-security-policy-report-only", "content-length")
        ]
        return response.status_code, headers, content

    def _from_entry(self, entry, request):
        status, headers, content = entry
        if self.NONCE_PLACEHOLDER in content:
            # A fresh nonce; django-csp's middleware puts the same one in this response's policy.
            content = content.replace(self.NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
