"""`make bench-load`: a load run on loopback against gunicorn, as the app is served in production.

Sets up a throwaway SQLite database with the demo data in a temporary folder, collects the static files
(hashed, compressed, served by whitenoise), starts gunicorn with 2 workers on a free 127.0.0.1 port in
production mode (DEBUG off; requests carry the `X-Forwarded-Proto: https` header that nginx would add), and
runs wrk (Debian's `wrk`) against, one after the other:

- a static file served the same way (the hashed screen stylesheet, through whitenoise in gunicorn),
- the public leaflet page `/leaflets/milia-overview/`,
- its cached handout PDF `/leaflets/milia-overview/handout.pdf` (rendered once before the run, then served
  from storage and kept in the public page cache; public downloads write nothing to the database).

It prints requests per second, p50/p95/p99 latency and errors for each, and the ratios to the static file.
Targets (issue 6): 0 errors, leaflet page and cached PDF each at least 50% of the static file's throughput.
Bounded: LOAD_SECONDS (default 10) per target, 2 wrk threads and LOAD_CONNECTIONS (default 8) connections,
loopback only; gunicorn is stopped at the end, whatever happens. Exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "8"))
THREADS = 2
WORKERS = 2
SLUG = "milia-overview"
TARGET_RATIO = 0.5

# wrk's report as one JSON line (wrk's own --latency table has no p95).
REPORT_LUA = r"""
wrk.headers["X-Forwarded-Proto"] = "https"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def fetch(url: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, response.headers.get("Content-Type", ""), response.read()


def wait_until_serving(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}); see its log above")
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def run_wrk(wrk: str, url: str, script: Path) -> dict:
    command = [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s", "-s", str(script), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 60, check=True)  # noqa: S603
    line = [line for line in result.stdout.splitlines() if line.startswith("{")][-1]
    report = json.loads(line)
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    report["errors"] = sum(report[key] for key in ("connect", "read", "write", "status", "timeout"))
    return report


def main() -> int:
    wrk = shutil.which("wrk")
    if not wrk:
        print("error: wrk is not installed (sudo bash scripts/install-system-packages --dev)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="leaflets-load-") as folder:
        tmp = Path(folder)
        port = free_port()
        base_env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SECURE_", "STAFF_", "GUNICORN_", "DATABASE_", "DEBUG"))
        }
        base_env.update(
            {
                "DJANGO_SETTINGS_MODULE": "clinic.settings",
                "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
                "MEDIA_ROOT": str(tmp / "media"),
                "STATIC_ROOT": str(tmp / "static"),
                "SITE_URL": f"http://127.0.0.1:{port}",
                "LOG_LEVEL": "WARNING",
            }
        )
        demo_env = {**base_env, "DEBUG": "true"}  # the demo data loads only with DEBUG on
        production = {
            **base_env,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "true",
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        print("Setting up: migrate, demo data, collectstatic ...", flush=True)
        manage("migrate", "--no-input", env=demo_env)
        manage("demo", f"--password={secrets.token_urlsafe(12)}", env=demo_env)
        manage("collectstatic", "--no-input", env=production)
        log = (tmp / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [GUNICORN, "-c", "python:clinic.gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
            + ["clinic.wsgi"],
            cwd=BASE_DIR,
            env=production,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            origin = f"http://127.0.0.1:{port}"
            page = f"{origin}/leaflets/{SLUG}/"
            wait_until_serving(page, server)
            html = fetch(page)[2].decode()
            stylesheet = re.search(r'href="(/static/css/screen\.[0-9a-f]{12}\.css)"', html)
            if not stylesheet:
                raise SystemExit("the leaflet page does not link a hashed stylesheet: is whitenoise set up?")
            handout = f"{origin}/leaflets/{SLUG}/handout.pdf"
            status, content_type, data = fetch(handout)  # renders once and stores it
            if status != 200 or content_type != "application/pdf" or not data.startswith(b"%PDF-"):
                raise SystemExit(f"the handout did not render: {status} {content_type}")
            targets = [
                ("static file (whitenoise)", origin + stylesheet.group(1)),
                ("leaflet page", page),
                ("cached handout PDF", handout),
            ]
            script = tmp / "report.lua"
            script.write_text(REPORT_LUA)
            print(
                f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}; "
                f"wrk: {THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per target",
                flush=True,
            )
            reports = {}
            for name, url in targets:
                reports[name] = run_wrk(wrk, url, script)
                print(f"  done: {name}", flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            log.close()
        gunicorn_log = (tmp / "gunicorn.log").read_text()
    return report(reports, gunicorn_log)


def report(reports: dict, gunicorn_log: str) -> int:
    static = reports["static file (whitenoise)"]["rps"]
    print()
    print(f"{'':28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}{'vs static':>11}")
    for name, result in reports.items():
        print(
            f"  {name:26}{result['rps']:9.0f}{result['p50_us'] / 1000:9.1f}{result['p95_us'] / 1000:9.1f}"
            f"{result['p99_us'] / 1000:9.1f}{result['requests']:10d}{result['errors']:8d}{result['rps'] / static:10.0%}"
        )
    failures = []
    for name, result in reports.items():
        if result["errors"]:
            failures.append(f"{name}: {result['errors']} errors ({json.dumps(result)})")
        if name != "static file (whitenoise)" and result["rps"] < TARGET_RATIO * static:
            failures.append(f"{name}: {result['rps'] / static:.0%} of the static file's throughput (target 50%)")
    worker_errors = [line for line in gunicorn_log.splitlines() if "Traceback" in line or "[ERROR]" in line]
    if worker_errors:
        failures.append(f"gunicorn logged errors: {worker_errors[:3]}")
    print()
    if failures:
        print("Targets NOT met:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("Targets met: 0 errors; leaflet page and cached PDF each at least 50% of the static file's throughput.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
