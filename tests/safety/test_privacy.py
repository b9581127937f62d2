"""No patient identifiers and no share tokens in logs."""

import datetime
import logging

import pytest
from django.conf import settings

from education.log_privacy import MaskedAccessLogger, MaskShareTokens, mask_share_tokens

TOKEN = "Zq3xV9_kLm2-Np8RsT4uWy6A"


def test_share_tokens_are_masked_in_log_messages_and_arguments():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/s/{TOKEN}/",), None)
    assert MaskShareTokens().filter(record)
    assert record.getMessage() == "Not Found: /s/[token]/"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, f'"GET /s/{TOKEN}/handout.pdf HTTP/1.1" 200', (), None)
    MaskShareTokens().filter(record)
    assert TOKEN not in record.getMessage() and "/s/[token]/handout.pdf" in record.getMessage()
    assert mask_share_tokens("/leaflets/milia-overview/") == "/leaflets/milia-overview/"


def test_every_configured_log_handler_masks_share_tokens():
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("mask_share_tokens" in handler.get("filters", []) for handler in handlers.values())
    assert settings.LOGGING["filters"]["mask_share_tokens"]["()"] == "education.log_privacy.MaskShareTokens"


def test_gunicorns_access_log_masks_share_tokens():
    from gunicorn.config import Config

    from clinic import gunicorn as gunicorn_settings

    assert gunicorn_settings.logger_class == "education.log_privacy.MaskedAccessLogger"

    class Request:
        method, path, query, version, headers = "GET", f"/s/{TOKEN}/", "large=1", (1, 1), []
        uri = f"/s/{TOKEN}/?large=1"

    class Response:
        status, response_length, sent, headers = "200 OK", 10, 10, []

    environ = {
        "RAW_URI": Request.uri, "REMOTE_ADDR": "127.0.0.1", "HTTP_REFERER": f"https://x.example/s/{TOKEN}/",
        "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": Request.path, "QUERY_STRING": "large=1",
    }  # fmt: skip
    atoms = MaskedAccessLogger(Config()).atoms(Response(), Request(), environ, datetime.timedelta(seconds=0.01))
    assert all(TOKEN not in str(value) for value in atoms.values())
    assert "/s/[token]/" in atoms["r"]


@pytest.mark.django_db
def test_a_share_link_that_is_not_found_logs_no_token(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, MaskShareTokens) for f in handler.filters)
    client.get(f"/s/{TOKEN}/")
    assert caplog.records, "Django logs the 404"
    for record in caplog.records:
        for known in handler.filters:
            known.filter(record)
        assert TOKEN not in record.getMessage()
