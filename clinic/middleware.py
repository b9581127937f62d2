"""Project middleware: the Content-Security-Policy with the admin's allowances, two-factor login for the
staff pages, and a short-lived cache of patient pages for patients.

The policy itself is in settings (CONTENT_SECURITY_POLICY, django-csp 4): no inline script or style, except
the clinic-colours <style> of templates/base.html, which carries the request's nonce. The admin needs two
things more, and only the admin gets them:

- the rich-text editor (django-prose-editor, through django-js-asset) writes its JavaScript import map as an
  inline `<script type="importmap">`. Rather than 'unsafe-inline', the policy lists the SHA-256 hash of each
  import map found in that very response, so only those exact bytes run;
- Django's admin templates (and ours under templates/admin/) use a few `style="..."` attributes:
  `style-src-attr 'unsafe-inline'` allows those attributes;
- the editor (Tiptap inside django-prose-editor) adds one <style> element of its own, always the same text:
  its hash is listed (ADMIN_STYLE_HASHES), and no other <style> element is allowed. Upgrading
  django-prose-editor may change that text: tests/browser/test_admin_csp.py then fails, and Chromium's
  message in the failure names the new hash.
"""

import base64
import functools
import hashlib
import re

from csp.constants import HEADER, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.db import connections
from django.urls import get_urlconf, reverse

from clinic.otp import is_verified, two_factor_required

IMPORT_MAP = re.compile(rb"<script\b[^>]*\btype\s*=\s*[\"']?importmap[\"']?[^>]*>(.*?)</script\s*>", re.I | re.S)
STAFF_PATH_PREFIXES = ("/staff/",)
# The <style> that Tiptap (django-prose-editor 0.28.0) injects for its editor.
ADMIN_STYLE_HASHES = ["'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"]


@functools.lru_cache(maxsize=8)
def _admin_prefix_for(urlconf) -> str:
    return reverse("admin:index", urlconf=urlconf)


def _admin_prefix() -> str:
    return _admin_prefix_for(get_urlconf())


def import_map_hashes(content: bytes) -> list[str]:
    """CSP source expressions ('sha256-...') for every inline import map in an HTML document."""
    hashes = []
    for match in IMPORT_MAP.finditer(content):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    return list(dict.fromkeys(hashes))


# Per-response policy changes (django-csp's decorators) and exemptions: such responses take django-csp's own path.
_RESPONSE_POLICY_ATTRIBUTES = tuple(
    f"_csp_{kind}{suffix}" for kind in ("exempt", "config", "update", "replace") for suffix in ("", "_ro")
)
_NONCE_MARK = "clinic-nonce-mark"


class ClinicCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the admin's import-map hashes and style attributes; no policy header on
    PDFs (a policy on a PDF protects nothing and can upset a browser's built-in PDF viewer).

    Every other page gets the policy from settings, which is built once and only has its nonce filled in
    per response (django-csp builds it anew for each response; the result is the same)."""

    _standard: tuple | None = None

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/pdf"):
            response._csp_exempt = True
            response._csp_exempt_ro = True
        elif self._takes_the_standard_policy(request, response):
            nonce = getattr(request, "_csp_nonce", None)
            if HEADER not in response:
                response[HEADER] = self.standard_policy(nonce)
            if nonce is None:  # as django-csp does: a nonce asked for from now on would not be in the header
                request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
            return response
        return super().process_response(request, response)

    @staticmethod
    def _takes_the_standard_policy(request, response) -> bool:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        return bool(
            policy
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not policy.get("EXCLUDE_URL_PREFIXES")
            and not any(hasattr(response, name) for name in _RESPONSE_POLICY_ATTRIBUTES)
            and not (settings.DEBUG and response.status_code in (404, 500))
            and not request.path_info.startswith(_admin_prefix())
        )

    def standard_policy(self, nonce: str | None) -> str:
        """The policy from settings with this nonce (or none), as django-csp's build_policy makes it."""
        policy = settings.CONTENT_SECURITY_POLICY
        if self._standard is None or self._standard[0] is not policy:
            self._standard = (policy, build_policy(nonce=_NONCE_MARK), build_policy(nonce=None))
        _policy, with_nonce, without_nonce = self._standard
        return with_nonce.replace(_NONCE_MARK, nonce) if nonce else without_nonce

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not request.path_info.startswith(_admin_prefix()):
            return parts
        update = dict(parts.update or {})
        if not getattr(response, "streaming", False) and "html" in response.get("Content-Type", ""):
            hashes = import_map_hashes(response.content)
            if hashes:
                update["script-src"] = [*update.get("script-src", []), *hashes]
        update["style-src"] = [*update.get("style-src", []), *ADMIN_STYLE_HASHES]
        update["style-src-attr"] = [UNSAFE_INLINE]
        parts.update = update
        return parts


class StaffTwoFactorMiddleware:
    """The staff pages (/staff/...) follow the admin's rule: with STAFF_2FA_REQUIRED on, a member of staff
    who has not given their authenticator app's code in this session is sent to the admin login first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info.startswith(STAFF_PATH_PREFIXES)
            and two_factor_required()
            and request.user.is_authenticated
            and not is_verified(request.user)
        ):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)


class PublicPageCacheMiddleware:
    """Patient pages for patients, from the cache: anonymous GETs of /leaflets/... (pages and their public
    handout PDFs; not share links, which count views and are never stored) are kept for
    PUBLIC_PAGE_CACHE_SECONDS (0 turns this off).

    The key holds the address with its query, the host, the browser's Accept-Language and the language cookie,
    and the id of the latest audit event: every workflow change (publishing, retiring, a new translation...)
    records one, so patients see it at once. Changes without an audit event (a clinic's colours or logo) show
    within PUBLIC_PAGE_CACHE_SECONDS. Staff (anyone with a session cookie) always get a fresh page.

    The CSP nonce of the stored page is replaced by a fresh one on every response: a nonce is never reused.
    """

    NONCE_PLACEHOLDER = b"__csp_nonce_placeholder__"
    PATH_PREFIX = "/leaflets/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        cache = caches["default"]
        key = self._key(request)
        entry = cache.get(key)
        if entry is not None:
            return self._from_entry(entry, request)
        response = self.get_response(request)
        if self._cacheable_response(response):
            cache.set(key, self._entry(response, request), seconds)
        return response

    def _cacheable_request(self, request) -> bool:
        path = request.path_info
        return (
            request.method == "GET"
            and path.startswith(self.PATH_PREFIX)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def _generation() -> int:
        """The latest audit event's id: one index look-up (plain SQL, as this runs on every cached page)."""
        from education.models import AuditEvent

        quote = connections["default"].ops.quote_name
        table, column = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
        with connections["default"].cursor() as cursor:
            cursor.execute(f"SELECT MAX({column}) FROM {table}")  # noqa: S608 - our own names, quoted
            return cursor.fetchone()[0] or 0

    def _key(self, request) -> str:
        parts = [
            request.get_full_path(),
            request.get_host(),
            request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:200],
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")[:20],
            str(self._generation()),
        ]
        return "public-page:" + hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    @staticmethod
    def _cacheable_response(response) -> bool:
        vary = response.get("Vary", "").lower()
        cache_control = response.get("Cache-Control", "").lower()
        return (
            response.status_code == 200
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith(("text/html", "application/pdf"))
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
        from django.http import HttpResponse

        status, headers, content = entry
        if self.NONCE_PLACEHOLDER in content:
            # A fresh nonce; django-csp's middleware puts the same one in this response's policy.
            content = content.replace(self.NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
