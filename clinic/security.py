"""Small security helpers used from settings (django-axes)."""

from django.conf import settings


def client_ip_address(request) -> str | None:
    """The visitor's address for counting failed logins.

    Behind our reverse proxy (BEHIND_TLS_PROXY) every request reaches gunicorn from 127.0.0.1, so the proxy
    passes the real address in X-Real-IP (docs/deploy.md sets it, overwriting whatever the client sent).
    Without a proxy the header is ignored: anyone could send it.
    """
    remote = request.META.get("REMOTE_ADDR")
    # The header counts only on a request that came from the proxy itself (gunicorn binds 127.0.0.1 by
    # default): a client that reaches gunicorn directly cannot choose the address its failures count against.
    if getattr(settings, "BEHIND_TLS_PROXY", False) and remote in getattr(settings, "TRUSTED_PROXY_ADDRESSES", ()):
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded[:45]  # at most an IPv6 address
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): a page in the admin's style that
    says how long to wait, with status 429 (Too Many Requests)."""
    from axes.helpers import get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0,
    }
    return render(request, "registration/locked_out.html", context, status=429)
