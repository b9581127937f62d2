"""One log line per request, and a request id that ties that line, every other log line of the request, the
response's X-Request-ID header and the "Reference" on the 500 and 503 pages together.

The id comes from the proxy's X-Request-ID header when it looks like one (nginx:
`proxy_set_header X-Request-ID $request_id;`, docs/deploy.md), otherwise it is made here. `RequestIdFilter`
(settings.LOGGING puts it on the console handler) gives every log record a `request_id` attribute: the id of
the request being handled, or "-" outside a request.

The line is `GET /s/<token>/ 200 12ms` with the path as asked for and no query string. Share tokens in it are
masked by the handler's `mask_share_tokens` filter like every other log line, so the fields are passed as
the message's arguments (which that filter masks), not as extra attributes (which it does not see).
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

logger = logging.getLogger("clinic.requests")

HEADER = "X-Request-ID"
# Letters, digits, dot, underscore and hyphen, 8 to 64 of them: nginx's $request_id (32 hex digits) and
# most tracing ids fit; anything else (spaces, CR/LF, quotes, a whole sentence) is replaced, never logged.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
NO_REQUEST = "-"
# The request line's fields, in this order; the JSON formatter (clinic/log_format.py) prints them as fields.
REQUEST_LINE = "%(method)s %(path)s %(status)s %(duration_ms)sms"

_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request being handled in this thread, or "-"."""
    return _request_id.get()


def request_id_from(headers) -> str:
    """The incoming X-Request-ID if it is a well-formed id, else a new one (32 hex digits, like nginx's)."""
    asked = headers.get(HEADER, "")
    if VALID_REQUEST_ID.fullmatch(asked):
        return asked
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so formatters can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestLogMiddleware:
    """Gives each request its id and logs one line when it has been answered: method, path, status,
    milliseconds (at INFO; at WARNING for a 5xx answer, whose cause is logged separately as an error).

    Place it right after clinic.health's middleware: health checks are not logged, everything else is,
    including the 503 and 500 pages (which show the id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers)
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000)
            response[HEADER] = request_id
            level = logging.WARNING if response.status_code >= 500 else logging.INFO
            fields = {
                "method": request.method,
                "path": request.path,  # never the query string
                "status": response.status_code,
                "duration_ms": duration_ms,
            }
            logger.log(level, REQUEST_LINE, fields)
            return response
        finally:
            _request_id.reset(token)
