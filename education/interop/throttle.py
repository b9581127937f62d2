"""A per-address request limit for the record-system endpoints, counted in the default cache.

Fixed one-minute windows: INTEROP_REQUESTS_PER_MINUTE requests per client address (0: no limit). Answers
already in the page cache are served before this is counted (they cost one query); the limit protects the
database from a record system, or anyone, asking for many different codes at once.
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import caches

from clinic.cache import CacheUnavailable
from clinic.security import client_ip_address


def over_limit(request) -> int | None:
    """Seconds to wait when this request is over the limit, else None (and the request is counted)."""
    limit = getattr(settings, "INTEROP_REQUESTS_PER_MINUTE", 0)
    if not limit:
        return None
    now = int(time.time())
    window = now // 60
    key = f"interop-rate:{client_ip_address(request) or 'unknown'}:{window}"
    cache = caches["default"]
    if cache.add(key, 1, timeout=61):
        return None
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=61)
        return None
    except CacheUnavailable:  # nothing to count with: answer (read-only public data) rather than refuse all
        return None
    if count > limit:
        return 60 - now % 60 or 1
    return None


def limited(answer):
    """Decorate a view: over the limit, `answer(request, retry_after)` is returned instead (status 429)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            wait = over_limit(request)
            if wait is not None:
                response = answer(request, wait)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
