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
from django.urls import get_urlconf, reverse

# Exactly the element django-js-asset emits, `<script type="importmap">`: no other attribute and no other
# spelling, so `<script data-type=importmap>` or `<script src=... type=importmap>` is never hashed.
IMPORT_MAP = re.compile(rb'<script type="importmap">(.*?)</script>', re.S)
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
