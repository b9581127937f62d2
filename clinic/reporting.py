"""Optional error reporting to Sentry (or a Sentry-compatible service): on only when SENTRY_DSN is set, and
sentry_sdk is imported only then (settings.py calls `start_error_reporting`).

Nothing about a patient leaves the server: no request bodies, cookies, query strings, local variables or
user details, only a few harmless headers; share tokens (`/s/<token>`) and anything that looks like an
email address are masked in every string of the event (URLs, messages, exception values, breadcrumbs).
"""

import re

from clinic.request_log import current_request_id

# The same pattern as education/log_privacy.py (the project package does not import the app's insides);
# tests/test_request_log.py checks that the two agree.
SHARE_ADDRESS = re.compile(r"(/s/)[A-Za-z0-9_-]{6,}")
EMAIL_ADDRESS = re.compile(r"[^\s@<>\"'(),;:/]+@[^\s@<>\"'(),;:/]+\.[A-Za-z]{2,}")
# Request headers an event may keep; every other one (Cookie, Authorization, Referer, X-Real-IP...) is dropped.
SAFE_HEADERS = frozenset({"accept", "accept-language", "content-length", "content-type", "host", "user-agent"})
# Parts of an event's "request" kept at all (no data, cookies, query_string or env).
SAFE_REQUEST_KEYS = ("method", "url", "headers")


def scrub_text(text: str) -> str:
    return EMAIL_ADDRESS.sub("[email]", SHARE_ADDRESS.sub(r"\1[token]", text))


def _scrub(value):
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's `before_send` (and `before_send_transaction`): the event with nothing about a patient in it."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in SAFE_REQUEST_KEYS if key in request}
        if isinstance(kept.get("url"), str):
            kept["url"] = kept["url"].split("?", 1)[0].split("#", 1)[0]
        if isinstance(kept.get("headers"), dict):
            kept["headers"] = {name: value for name, value in kept["headers"].items() if name.lower() in SAFE_HEADERS}
        event["request"] = kept
    user = event.get("user")
    if isinstance(user, dict):  # the id of a member of staff at most: no name, email or address
        event["user"] = {"id": user["id"]} if "id" in user else {}
    request_id = current_request_id()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return _scrub(event)


def start_error_reporting(*, dsn: str, environment: str = "", release: str = "") -> None:
    """Send unhandled errors and ERROR log lines to the service at `dsn`, scrubbed by `scrub_event`."""
    import sentry_sdk  # only here: without SENTRY_DSN the package is never loaded

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=0,
    )
