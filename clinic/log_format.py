"""The console log's two formats (settings.LOG_FORMAT): `text`, one readable line per record, and `json`, one
JSON object per line for a log collector.

Both print the request id (clinic/request_log.py's filter sets it). Formatting happens after the handler's
filters, so share tokens are already masked in the message and in the request line's fields.
"""

import json
import logging
from datetime import UTC, datetime

from clinic.request_log import NO_REQUEST

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


class TextFormatter(logging.Formatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", TEXT_FORMAT)
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):  # a handler without the request id filter
            record.request_id = NO_REQUEST
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """`{"time": ..., "level": ..., "logger": ..., "message": ..., "request_id": ...}` on one line; a request
    line adds method, path, status and duration_ms; an exception adds its traceback as `exc`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        if isinstance(record.args, dict) and all(field in record.args for field in REQUEST_FIELDS):
            entry.update({field: record.args[field] for field in REQUEST_FIELDS})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
