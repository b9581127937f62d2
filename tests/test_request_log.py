"""Logs an operator can use: one line per request with its id, the id on the response and on the error pages,
JSON lines on request, share tokens masked, and error reporting that sends nothing about a patient
(clinic/request_log.py, clinic/log_format.py, clinic/reporting.py).

The log output is captured from the console handler that settings.LOGGING configures (with its filters and
formatter), writing to a StringIO instead of stderr."""

import copy
import io
import json
import logging
import logging.config
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from clinic import reporting, request_log
from education import log_privacy
from tests.test_errors import database_down

TOKEN = "Zq3kS9pLx0vBn7TtYwq2mR5c"  # a share token: must never appear in a log line
ID_PATTERN = re.compile(r"[0-9a-f]{32}")


def _console(log_format: str):
    config = copy.deepcopy(django_settings.LOGGING)
    stream = io.StringIO()
    config["handlers"]["console"]["stream"] = stream
    config["handlers"]["console"]["formatter"] = log_format
    return config, stream


@pytest.fixture
def console_log():
    """Returns start(format) -> the StringIO the configured console handler writes to; restores logging after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level

    def start(log_format: str = "text") -> io.StringIO:
        config, stream = _console(log_format)
        logging.config.dictConfig(config)
        root.setLevel(logging.INFO)
        return stream

    yield start
    for handler in root.handlers:
        if handler not in saved_handlers:
            handler.close()
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def _request_lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if " clinic.requests " in line]


def _json_lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


# --- one line per request ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_logs_one_line_with_method_path_status_milliseconds_and_its_id(client, console_log):
    stream = console_log("text")
    response = client.get("/leaflets/?q=eczema")
    request_id = response["X-Request-ID"]
    assert ID_PATTERN.fullmatch(request_id)
    lines = _request_lines(stream)
    assert len(lines) == 1
    assert re.search(rf"INFO clinic\.requests \[{request_id}\] GET /leaflets/ 200 \d+ms$", lines[0])
    assert "eczema" not in stream.getvalue()  # never the query string


def test_health_checks_are_not_logged(client, console_log):
    stream = console_log("text")
    assert client.get("/healthz").status_code == 200
    assert _request_lines(stream) == []


@pytest.mark.django_db
def test_a_share_address_is_logged_with_its_token_masked(client, console_log):
    stream = console_log("text")
    response = client.get(f"/s/{TOKEN}/?email=patient@example.org", HTTP_REFERER=f"https://x.example/s/{TOKEN}/")
    assert response.status_code == 404
    lines = _request_lines(stream)
    assert len(lines) == 1 and "GET /s/[token]/ 404 " in lines[0]
    output = stream.getvalue()
    assert TOKEN not in output and "patient@example.org" not in output


@pytest.mark.django_db
def test_a_share_token_is_masked_in_json_lines_too(client, console_log):
    stream = console_log("json")
    client.get(f"/s/{TOKEN}/")
    assert TOKEN not in stream.getvalue()
    (line,) = [entry for entry in _json_lines(stream) if entry["logger"] == "clinic.requests"]
    assert line["path"] == "/s/[token]/" and line["message"].startswith("GET /s/[token]/ 404 ")


@pytest.mark.django_db
def test_json_format_writes_one_json_object_a_line_with_the_request_fields(client, console_log):
    stream = console_log("json")
    response = client.get("/leaflets/")
    entries = _json_lines(stream)  # every line is valid JSON
    (line,) = [entry for entry in entries if entry["logger"] == "clinic.requests"]
    assert line["level"] == "INFO"
    assert line["method"] == "GET" and line["path"] == "/leaflets/" and line["status"] == 200
    assert isinstance(line["duration_ms"], int) and line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_json_format_writes_an_exception_as_a_string_and_the_id_outside_a_request_as_a_dash(console_log):
    stream = console_log("json")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("clinic.test").exception("It failed at %s", f"/s/{TOKEN}/")
    (entry,) = _json_lines(stream)
    assert entry["message"] == "It failed at /s/[token]/"
    assert entry["request_id"] == "-"
    assert "ValueError: boom" in entry["exc"] and "Traceback" in entry["exc"]
    assert "method" not in entry


# --- the request id -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_well_formed_incoming_request_id_is_kept(client, console_log):
    stream = console_log("text")
    response = client.get("/leaflets/", HTTP_X_REQUEST_ID="3f2a9c1e7b4d4e0f8a6b5c4d3e2f1a0b")
    assert response["X-Request-ID"] == "3f2a9c1e7b4d4e0f8a6b5c4d3e2f1a0b"
    assert "[3f2a9c1e7b4d4e0f8a6b5c4d3e2f1a0b] GET /leaflets/ 200" in stream.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    ["a" * 65, "short", "has spaces in it", "abcdefgh\r\nSet-Cookie: x=1", "abcdefgh\nforged line", "<script>x"],
    ids=["too-long", "too-short", "spaces", "crlf", "newline", "markup"],
)
def test_a_malformed_incoming_request_id_is_replaced(client, console_log, incoming):
    stream = console_log("text")
    response = client.get("/leaflets/", HTTP_X_REQUEST_ID=incoming)
    assert ID_PATTERN.fullmatch(response["X-Request-ID"])
    assert incoming not in stream.getvalue()
    assert "forged" not in stream.getvalue() and "Set-Cookie" not in stream.getvalue()


@pytest.mark.django_db
def test_each_request_gets_its_own_id_and_none_is_left_behind(client):
    first, second = client.get("/leaflets/"), client.get("/leaflets/")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert request_log.current_request_id() == "-"


# --- the error pages show the same id -------------------------------------------------------------------------


@pytest.fixture
def broken_urls(settings):
    settings.ROOT_URLCONF = "tests.broken_urls"


def _reference(response) -> str:
    return re.search(r"<small>Reference: ([^<]+)</small>", response.content.decode()).group(1)


@pytest.mark.django_db
def test_the_500_page_shows_the_same_reference_as_the_header_and_the_log(broken_urls, client, console_log):
    stream = console_log("text")
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert _reference(response) == request_id
    assert f"[{request_id}] GET /broken/ 500 " in stream.getvalue()
    # The traceback is logged with the same id (Django's "Internal Server Error" line).
    assert re.search(rf"ERROR django\.request \[{request_id}\] Internal Server Error: /broken/", stream.getvalue())
    assert "secret internal detail" not in response.content.decode()


def test_the_503_page_shows_the_same_reference_as_the_header_and_the_log(client, published, console_log):
    stream = console_log("text")
    with database_down():
        response = client.get("/leaflets/milia-test/", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert response.status_code == 503
    assert response["X-Request-ID"] == _reference(response) == "nginx-0123456789abcdef"
    assert "[nginx-0123456789abcdef] GET /leaflets/milia-test/ 503 " in stream.getvalue()
    assert "ERROR clinic.errors [nginx-0123456789abcdef] Database unavailable" in stream.getvalue()


# --- settings ---------------------------------------------------------------------------------------------------


def _settings_subprocess(code: str, **environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("LOG_FORMAT", "SENTRY_DSN")}
    env.update({"DJANGO_SETTINGS_MODULE": "tests.settings", **environment})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_log_format_stops_the_app_from_starting():
    result = _settings_subprocess("import django; django.setup()", LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT must be text or json" in result.stderr


def test_without_sentry_dsn_the_sentry_client_is_never_loaded():
    code = "import sys, django; django.setup(); import clinic.wsgi; print('sentry', 'sentry_sdk' in sys.modules)"
    result = _settings_subprocess(code)
    assert result.returncode == 0, result.stderr
    assert "sentry False" in result.stdout


# --- what error reports may contain ---------------------------------------------------------------------------

SAMPLE_EVENT = {
    "message": f"Could not send /s/{TOKEN}/ to patient@example.org",
    "exception": {"values": [{"type": "ValueError", "value": "bad address: Jo.Smith+x@mail.example.co.uk"}]},
    "request": {
        "method": "POST",
        "url": f"https://leaflets.clinic.example/s/{TOKEN}/?lang=fr&email=patient@example.org",
        "query_string": "email=patient@example.org",
        "data": {"email": "patient@example.org", "message": "my rash"},
        "cookies": {"sessionid": "abc"},
        "env": {"REMOTE_ADDR": "203.0.113.9"},
        "headers": {
            "User-Agent": "Mozilla/5.0",
            "Accept-Language": "fr",
            "Cookie": "sessionid=abc",
            "Referer": f"https://leaflets.clinic.example/s/{TOKEN}/",
            "X-Real-Ip": "203.0.113.9",
            "Authorization": "Basic c2VjcmV0",
        },
    },
    "user": {"id": "7", "email": "nurse@clinic.example", "username": "nurse", "ip_address": "203.0.113.9"},
    "breadcrumbs": {"values": [{"message": f"GET /s/{TOKEN}/", "data": {"to": "patient@example.org"}}]},
}


def test_an_error_report_keeps_nothing_about_a_patient():
    event = reporting.scrub_event(copy.deepcopy(SAMPLE_EVENT), {})
    text = json.dumps(event)
    assert TOKEN not in text
    assert "@" not in text  # no email address anywhere
    assert "my rash" not in text and "sessionid" not in text and "203.0.113.9" not in text
    assert "c2VjcmV0" not in text and "Referer" not in text
    assert event["request"] == {
        "method": "POST",
        "url": "https://leaflets.clinic.example/s/[token]/",
        "headers": {"User-Agent": "Mozilla/5.0", "Accept-Language": "fr"},
    }
    assert event["user"] == {"id": "7"}
    assert event["message"] == "Could not send /s/[token]/ to [email]"
    assert event["exception"]["values"][0]["value"] == "bad address: [email]"
    assert event["breadcrumbs"]["values"][0] == {"message": "GET /s/[token]/", "data": {"to": "[email]"}}


def test_an_error_report_carries_the_request_id():
    token = request_log._request_id.set("nginx-0123456789abcdef")
    try:
        event = reporting.scrub_event({"message": "x"}, {})
    finally:
        request_log._request_id.reset(token)
    assert event["tags"]["request_id"] == "nginx-0123456789abcdef"


@pytest.mark.parametrize("text", [f"/s/{TOKEN}/", "/s/abc_-123/x", "/s/short/", "/leaflets/s/abcdefgh", "/s/ab/"])
def test_error_reports_mask_share_addresses_as_the_log_filter_does(text):
    assert reporting.scrub_text(text) == log_privacy.mask_share_tokens(text)
