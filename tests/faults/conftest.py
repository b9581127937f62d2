"""Fixtures for the fault tests: a throwaway PostgreSQL server of their own (as .ci/run starts one), which a
test may stop and start again. Never CI's own server: DATABASE_URL is not read here."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

BASE_DIR = Path(django_settings.BASE_DIR)
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_environment(**changes) -> dict:
    """This environment without the settings a developer or CI may have set (DJANGO_*, DATABASE_URL...), plus
    `changes`; a value of None removes the variable."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "STAFF_", "AXES_", "GUNICORN_", "DATABASE_"))
        and key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_URL", "BEHIND_TLS_PROXY"}
    }
    environment["DJANGO_SETTINGS_MODULE"] = "clinic.settings"
    environment.update(changes)
    return {key: value for key, value in environment.items() if value is not None}


class ThrowawayPostgres:
    """initdb, pg_ctl start/stop and createdb on a free 127.0.0.1 port, its socket in its own folder. As root
    (CI) the server runs as the postgres user through runuser, as .ci/run does; otherwise as this user."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="leaflets-fault-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self.prefix = []
        os.chmod(self.folder, 0o700)

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(  # noqa: S603 - the PostgreSQL programs, fixed arguments
            [*self.prefix, str(self.bin_dir / program), *args], capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} {' '.join(args)} failed: {result.stdout}{result.stderr}{log}")

    def initdb(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--encoding=UTF8", "--locale=C.UTF-8"
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.log), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def createdb(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        subprocess.run(  # noqa: S603
            [*self.prefix, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def postgres_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[-2].split(".")])
    return Path(found[-1]) if found else None


def postgres_unavailable() -> str | None:
    """Why a throwaway PostgreSQL cannot be started here, or None."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        return "PostgreSQL's server programs are not installed (/usr/lib/postgresql/*/bin; apt-get install postgresql)"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root without runuser: PostgreSQL refuses to run as root"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run PostgreSQL as"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    return None


@pytest.fixture(scope="module")
def throwaway_postgres():
    """A PostgreSQL server of this module's own, stopped and removed after the module's tests."""
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    server = ThrowawayPostgres(postgres_bin_dir())
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        server.destroy()
