"""The database goes down under a running gunicorn, then comes back.

A throwaway PostgreSQL server of the module's own (never CI's), the demo data, and gunicorn in production
mode with the public page cache on. Then the server is stopped: a page a patient had opened before is still
served (stale, marked), a page nobody had opened answers 503 with Retry-After and the clinic's phone,
/healthz stays 200 (no restart) and /readyz says 503, naming the database. When the server is back the same
gunicorn serves every page again, without a restart. docs/operations.md, "Faults tried", says what each
person sees."""

import json
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.faults.conftest import BASE_DIR, PYTHON, child_environment, free_port

pytestmark = pytest.mark.faults

GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
CACHED = "/leaflets/milia-overview/"
UNCACHED = "/leaflets/post-extraction-hygiene/"
DEMO_PHONE = "01632 960 000"  # the demo clinic's (education/management/commands/demo.py)


def fetch(url: str) -> tuple[int, dict, str]:
    """(status, headers, text) for a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read().decode()


def manage(*args: str, env: dict) -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"manage.py {args[0]}: {result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def served(throwaway_postgres, tmp_path_factory):
    """gunicorn (1 worker, so one page cache) in production mode on a free port, serving the demo data from
    the throwaway PostgreSQL; stopped after the module."""
    if not Path(GUNICORN).exists():
        pytest.skip(f"gunicorn is not installed ({GUNICORN}; pip install -r requirements.txt)")
    tmp = tmp_path_factory.mktemp("outage")
    port = free_port()
    common = {
        "DATABASE_URL": throwaway_postgres.createdb("outage"),
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "CLINIC_CONTACT_FILE": str(tmp / "var" / "clinic-contact.json"),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    manage("migrate", "--no-input", env=child_environment(**common, DEBUG="true"))
    manage("demo", f"--password={secrets.token_urlsafe(12)}", env=child_environment(**common, DEBUG="true"))
    production = child_environment(
        **common,
        DJANGO_SETTINGS_MODULE="tests.faults.served_settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # no TLS proxy in front of this gunicorn
        EMAIL_URL="smtp://127.0.0.1:1",  # never used: nothing here sends mail
        PUBLIC_PAGE_CACHE_SECONDS="60",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    manage("collectstatic", "--no-input", "--verbosity", "0", env=production)
    log_path = tmp / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [GUNICORN, "-c", "python:clinic.gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "clinic.wsgi"],
            cwd=BASE_DIR,
            env=production,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, f"gunicorn stopped: {log_path.read_text()}"
            try:
                if fetch(f"{origin}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not answer: {log_path.read_text()}"
            time.sleep(0.1)
        yield origin
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_while_the_database_is_down_patients_get_the_stored_page_or_the_clinics_phone(served, throwaway_postgres):
    status, headers, before = fetch(served + CACHED)
    assert status == 200 and "X-Served-Stale" not in headers
    title = before.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "Milia" in title

    throwaway_postgres.stop("fast")
    try:
        # The page opened before: the stored copy, marked stale.
        status, headers, text = fetch(served + CACHED)
        assert status == 200
        assert headers["X-Served-Stale"] == "1"
        assert title in text
        # A page nobody had opened: 503, when to try again, and who to call.
        status, headers, text = fetch(served + UNCACHED)
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert headers["Cache-Control"] == "no-store"
        assert DEMO_PHONE in text
        # Alive (no restart), but not ready, because of the database.
        assert fetch(served + "/healthz")[0] == 200
        status, _headers, text = fetch(served + "/readyz")
        assert status == 503
        assert "database" in text
        assert json.loads(text)  # a monitor reads it
    finally:
        throwaway_postgres.start()

    # Back without restarting gunicorn (its kept connection is dead: a new one is opened).
    deadline = time.monotonic() + 10
    while (answer := fetch(served + UNCACHED))[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    status, headers, text = answer
    assert status == 200, text[:500]
    assert "X-Served-Stale" not in headers
    assert fetch(served + "/readyz")[0] == 200
    status, headers, _text = fetch(served + CACHED)
    assert status == 200 and "X-Served-Stale" not in headers
