"""/healthz (liveness) and /readyz (readiness): clinic/health.py."""

import ast
import datetime
import errno
import json
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils import timezone

from clinic import health

CHECKS = ["database", "cache", "storage", "jobs"]
# What a real failure message could hold: a host name, an address, a user and password (never to be shown).
DSN_MESSAGE = 'connection to server at "db.internal.clinic.example" (10.1.2.3) failed: user=leaflets password=hunter2'


def _json(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.fixture
def unreachable_database():
    """Every new database connection fails, as when PostgreSQL is down."""

    def refuse(self):
        raise OperationalError(DSN_MESSAGE)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(connections[DEFAULT_DB_ALIAS]), "ensure_connection", refuse)
        yield


def test_healthz_answers_ok_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert _json(response) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_ok_when_database_cache_and_storage_work(client, db, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = _json(response)
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert list(body["checks"]) == CHECKS
    for name in CHECKS:
        assert body["checks"][name]["ok"] is True
        assert isinstance(body["checks"][name]["ms"], int)
    assert body["checks"]["jobs"]["detail"] == "in-process (immediate)"
    assert response["Cache-Control"] == "no-store"
    # The storage check cleans up after itself.
    health_folder = Path(settings.MEDIA_ROOT) / "health"
    assert not health_folder.exists() or not any(health_folder.iterdir())


def test_with_the_database_unreachable_healthz_is_ok_and_readyz_names_the_database(client, unreachable_database):
    assert client.get("/healthz").status_code == 200

    response = client.get("/readyz")
    assert response.status_code == 503
    body = _json(response)
    assert body["status"] == "fail"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == {
        "ok": False,
        "ms": body["checks"]["database"]["ms"],
        "error": "OperationalError",
    }
    assert body["checks"]["cache"]["ok"] and body["checks"]["storage"]["ok"]
    for secret in ["db.internal.clinic.example", "10.1.2.3", "hunter2", "leaflets"]:
        assert secret not in response.content.decode()


def test_a_full_disk_fails_readyz_naming_storage_without_a_path(client, db, settings, monkeypatch):
    where = str(Path(settings.MEDIA_ROOT) / "health" / "x.txt")

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", where)

    monkeypatch.setattr(default_storage, "save", disk_full)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = _json(response)
    assert body["failed"] == ["storage"]
    assert body["checks"]["storage"]["error"] == "OSError"
    text = response.content.decode()
    assert str(settings.MEDIA_ROOT) not in text
    assert "No space" not in text


def test_a_failing_cache_fails_readyz_naming_the_cache(client, db, monkeypatch):
    def cache_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis.internal:6379. Connection refused.")

    # The checks run in their own threads, each with its own cache connection: break the backend itself.
    monkeypatch.setattr(type(caches["default"]), "set", cache_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = _json(response)
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert "redis.internal" not in response.content.decode()


def test_a_cache_that_keeps_nothing_fails_readyz(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _json(response)["checks"]["cache"] == {
        "ok": False,
        "ms": _json(response)["checks"]["cache"]["ms"],
        "error": "HealthCheckError: value not kept",
    }


def test_a_hung_check_cannot_hang_readyz(monkeypatch):
    release = threading.Event()
    monkeypatch.setitem(health.CHECKS, "storage", lambda: release.wait(10))
    monkeypatch.setitem(health.CHECKS, "database", lambda: None)
    try:
        checks = health.run_checks(timeout=0.2)
        assert checks["storage"] == {"ok": False, "ms": 200, "error": "TimeoutError"}
        assert checks["database"]["ok"] is True
        # Still stuck: not started a second time, so probes cannot pile up stuck threads.
        assert health.run_checks(timeout=0.2)["storage"] == {"ok": False, "error": "previous check still running"}
    finally:
        release.set()
    for thread in threading.enumerate():
        if thread.name == "readyz-storage":
            thread.join(5)
    assert health.run_checks(timeout=2)["storage"]["ok"] is True


def test_an_unknown_host_over_plain_http_gets_an_answer_not_a_redirect(client, db, settings):
    """A load balancer calls by IP address over HTTP: no host check, no redirect to HTTPS."""
    settings.ALLOWED_HOSTS = ["leaflets.clinic.example"]
    settings.SECURE_SSL_REDIRECT = True
    for path in ["/healthz", "/readyz"]:
        response = client.get(path, HTTP_HOST="10.0.0.7")
        assert response.status_code == 200, path
        assert _json(response)["status"] == "ok"
        assert client.get(path, HTTP_HOST="leaflets.clinic.example").status_code == 200
    # Every other page still gets both protections.
    assert client.get("/leaflets/", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/leaflets/", HTTP_HOST="leaflets.clinic.example").status_code == 301


def test_redirect_exemptions_cover_the_health_checks_only():
    import re

    exempt = django_settings.SECURE_REDIRECT_EXEMPT
    for path in ["healthz", "readyz"]:  # SecurityMiddleware matches the path without its leading slash
        assert any(re.search(pattern, path) for pattern in exempt)
    for path in ["healthz/x", "leaflets/", "admin/readyz", ""]:
        assert not any(re.search(pattern, path) for pattern in exempt)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_only_get_and_head_are_answered(client, method):
    for path in ["/healthz", "/readyz"]:
        response = getattr(client, method)(path)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert response["Cache-Control"] == "no-store"


def test_head_answers_without_a_body(client, db):
    for path in ["/healthz", "/readyz"]:
        response = client.head(path)
        assert response.status_code == 200
        assert response.content == b""


@pytest.mark.parametrize("database_down", [False, True])
def test_the_answers_hold_no_secret(client, db, database_down):
    secrets = [django_settings.SECRET_KEY]
    database = django_settings.DATABASES["default"]
    secrets += [str(database[key]) for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT") if database.get(key)]
    secrets += [str(django_settings.MEDIA_ROOT), str(django_settings.BASE_DIR)]
    with pytest.MonkeyPatch.context() as patch:
        if database_down:
            patch.setattr(type(connections[DEFAULT_DB_ALIAS]), "ensure_connection", _refuse_with_settings)
        for path in ["/healthz", "/readyz"]:
            response = client.get(path)
            assert response.status_code == (503 if database_down and path == "/readyz" else 200)
            text = response.content.decode()
            for secret in secrets:
                assert secret not in text, path


def _refuse_with_settings(self):
    """A connection failure whose message quotes the connection settings, as drivers' messages do."""
    raise OperationalError(f"could not connect: {self.settings_dict} key={django_settings.SECRET_KEY}")


def test_health_checks_come_first_and_are_never_cached(client, db, page_cache, monkeypatch):
    assert django_settings.MIDDLEWARE[0] == "clinic.health.HealthCheckMiddleware"
    assert client.get("/readyz").status_code == 200

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(default_storage, "save", disk_full)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "Set-Cookie" not in response and "Content-Security-Policy" not in response


def test_health_checks_do_not_import_the_leaflet_app():
    tree = ast.parse(Path(health.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name == "education" or name.startswith("education.") for name in imported)


def test_readyz_reports_the_job_queue_waiting_late_and_failed_jobs(client, transactional_db, settings):
    """With the database queue, /readyz says how many jobs wait, whether the oldest is late (no worker) and how
    many failed in the last day; a late worker is reported but does not take the web server out."""
    from django_tasks_db.models import DBTaskResult

    from education import jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        jobs.enqueue("education.jobs.delete_stored_handouts", version_id=1)
        DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
        body = _json(client.get("/readyz"))
        assert body["status"] == "ok"
        assert body["checks"]["jobs"] | {"ms": 0} == {
            "ok": True, "ms": 0, "detail": "database queue", "waiting": 1, "late": True,
            "oldest_waiting_seconds": body["checks"]["jobs"]["oldest_waiting_seconds"], "failed_last_day": 0,
        }  # fmt: skip
        assert body["checks"]["jobs"]["oldest_waiting_seconds"] >= 3600
    finally:
        DBTaskResult.objects.all().delete()
