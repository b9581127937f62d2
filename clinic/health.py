"""Health checks for load balancers and monitoring: `/healthz` (liveness) and `/readyz` (readiness).

- `/healthz`: the process is alive and answering. It touches nothing else (no database, cache or storage),
  so a database outage does not make a load balancer restart healthy app servers.
- `/readyz`: this server can serve patients: the database answers `SELECT 1`, the default cache keeps a
  value, the default storage writes, reads back and deletes a tiny file under `health/`, and the job queue
  answers (with how many jobs wait, how long the oldest has, and how many failed in the last day). 200 when all pass, 503 naming
  what failed, with a generic reason (the exception's class name: never a password, host name or path).

HealthCheckMiddleware comes first in MIDDLEWARE and answers these two paths itself: a load balancer calls
them by IP address over plain HTTP, so the host check (ALLOWED_HOSTS) and the redirect to HTTPS must not
apply, and sessions, CSRF, the Content-Security-Policy, logins and the public page cache have no business
here. It uses only Django's generic database, cache and storage APIs.
"""

import datetime
import logging
import threading
import time
import uuid
from collections.abc import Callable

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponseNotAllowed, JsonResponse

logger = logging.getLogger(__name__)

HEALTHZ = "/healthz"
READYZ = "/readyz"
# Seconds each readiness check may take (they run side by side, so the whole answer takes about as long).
CHECK_TIMEOUT = 2.0
STORAGE_PREFIX = "health/"


class HealthCheckError(Exception):
    """A check ran but got the wrong answer; its message is fixed text, safe to show."""


def check_database() -> None:
    """`SELECT 1` on the default database. On PostgreSQL the server itself stops it after CHECK_TIMEOUT
    (`SET LOCAL`: for this transaction only). On SQLite no transaction is opened: with IMMEDIATE transactions
    that would wait for the write lock."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic(using=DEFAULT_DB_ALIAS), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(CHECK_TIMEOUT * 1000)}")
                cursor.execute("SELECT 1")
                answer = cursor.fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                answer = cursor.fetchone()
        if answer != (1,):
            raise HealthCheckError("unexpected answer")
    finally:
        connection.close()  # this thread's own connection; the request's connection is untouched


def check_cache() -> None:
    """Set, read back and delete a short-lived key in the default cache."""
    cache = caches["default"]
    key = f"health:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise HealthCheckError("value not kept")
    finally:
        cache.delete(key)


def check_storage() -> None:
    """Write, read back and delete a tiny file under health/ in the default storage."""
    content = uuid.uuid4().hex.encode()
    name = default_storage.save(f"{STORAGE_PREFIX}{uuid.uuid4().hex}.txt", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != content:
                raise HealthCheckError("file read back differs")
    finally:
        default_storage.delete(name)


# A job waiting longer than this (seconds) means no worker is taking jobs: reported as "late".
JOBS_LATE_SECONDS = 600


def check_jobs() -> dict:
    """The background-job queue (django-tasks, education/jobs.py). With the database queue: how many jobs wait
    to run, how long the oldest has waited ("late" past JOBS_LATE_SECONDS: no worker is running) and how many
    failed in the last day (shown in the admin under "Background jobs"). A late worker does not fail the check:
    the web servers still serve patients, and a load balancer must not take them all out for it."""
    from django.conf import settings
    from django.utils import timezone

    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        return {"detail": "in-process (immediate)"}
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    try:
        ready = DBTaskResult.objects.ready()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        waited = round((now - oldest).total_seconds()) if oldest else 0
        failed = DBTaskResult.objects.failed().filter(finished_at__gte=now - datetime.timedelta(days=1)).count()
        return {
            "detail": "database queue",
            "waiting": ready.count(),
            "oldest_waiting_seconds": waited,
            "late": waited > JOBS_LATE_SECONDS,
            "failed_last_day": failed,
        }
    finally:
        connections[DEFAULT_DB_ALIAS].close()  # this thread's own connection


CHECKS: dict[str, Callable[[], dict | None]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "jobs": check_jobs,
}

# Checks still running in this process (names): a check that hangs past its deadline is not started again
# until it ends, so repeated probes cannot pile up stuck threads.
_running: set[str] = set()
_running_lock = threading.Lock()


class _CheckThread(threading.Thread):
    def __init__(self, name: str, check: Callable[[], None]):
        super().__init__(name=f"readyz-{name}", daemon=True)
        self.check_name = name
        self.check = check
        self.error: BaseException | None = None
        self.ms = 0
        self.detail: dict = {}

    def run(self):
        started = time.monotonic()
        try:
            detail = self.check()
            self.detail = detail if isinstance(detail, dict) else {}
        except BaseException as error:  # noqa: BLE001 - every failure is reported, none escapes
            self.error = error
            # The full story (host names included) goes to the server's own log only, never to the answer.
            logger.warning("Readiness check %s failed", self.check_name, exc_info=True)
        finally:
            self.ms = round((time.monotonic() - started) * 1000)
            with _running_lock:
                _running.discard(self.check_name)


def _reason(error: BaseException) -> str:
    """A short reason safe to show to anyone: our own fixed text, or only the exception's class name."""
    if isinstance(error, HealthCheckError):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__


def run_checks(timeout: float = CHECK_TIMEOUT) -> dict[str, dict]:
    """Run the readiness checks side by side, each in its own thread, waiting at most `timeout` seconds."""
    results: dict[str, dict] = {}
    threads: list[_CheckThread] = []
    for name, check in CHECKS.items():
        with _running_lock:
            still_running = name in _running
            if not still_running:
                _running.add(name)
        if still_running:
            results[name] = {"ok": False, "error": "previous check still running"}
            continue
        thread = _CheckThread(name, check)
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            logger.warning("Readiness check %s took longer than %s s", thread.check_name, timeout)
            results[thread.check_name] = {"ok": False, "ms": round(timeout * 1000), "error": "TimeoutError"}
        elif thread.error is not None:
            results[thread.check_name] = {"ok": False, "ms": thread.ms, "error": _reason(thread.error)}
        else:
            results[thread.check_name] = {"ok": True, "ms": thread.ms, **thread.detail}
    return {name: results[name] for name in CHECKS}


def _answer(request, payload: dict, status: int = 200):
    response = JsonResponse(payload, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if request.method == "HEAD":
        response.content = b""
    return response


def healthz(request):
    """Liveness: the process answers. Nothing else is touched."""
    return _answer(request, {"status": "ok"})


def readyz(request):
    """Readiness: database, cache, storage and jobs; 503 naming what failed."""
    checks = run_checks()
    failed = [name for name, result in checks.items() if not result["ok"]]
    payload = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
    return _answer(request, payload, status=503 if failed else 200)


VIEWS = {HEALTHZ: healthz, READYZ: readyz}


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers /healthz and /readyz before any other middleware runs (no host check, no
    HTTPS redirect, no session, CSRF, CSP, login or page cache). GET and HEAD only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = VIEWS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
            response["Cache-Control"] = "no-store"
            return response
        return view(request)
