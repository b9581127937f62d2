"""A publish killed with SIGKILL inside its transaction (the previous version already retired, the new one
saved as published, its audit event written, nothing committed) leaves the database as it was: the new
version still in review, the previous one still published, no audit event of the publish, one published
version per leaflet and language. Publishing again then succeeds.

The publish runs in a child process (tests/faults/publish_child.py) on a throwaway SQLite file and on a
throwaway PostgreSQL server of the module's own."""

import json
import signal
import subprocess
import time

import pytest

from tests.faults.conftest import BASE_DIR, PYTHON, child_environment

pytestmark = pytest.mark.faults


def child(*args: str, env: dict, **popen) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own child script, fixed arguments
        [PYTHON, "-m", "tests.faults.publish_child", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def step(*args: str, env: dict) -> dict:
    process = child(*args, env=env)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, f"{args[0]}: {stdout}{stderr}"
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'publish.sqlite3'}"
    server = request.getfixturevalue("throwaway_postgres")
    return server.createdb(f"publish_{tmp_path.name[-20:].lower().replace('-', '_')}")


def test_a_publish_killed_inside_its_transaction_changes_nothing(database_url, tmp_path):
    env = child_environment(
        DEBUG="true",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        CLINIC_CONTACT_FILE=str(tmp_path / "clinic-contact.json"),
        LOG_LEVEL="WARNING",
    )
    ids = step("prepare", env=env)
    version, previous = str(ids["version"]), str(ids["previous"])

    marker = tmp_path / "inside-the-transaction"
    hanging = child("hang", version, str(marker), env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert hanging.poll() is None, f"the publish ended before its commit: {hanging.communicate()}"
            assert time.monotonic() < deadline, "the publish never reached its audit event"
            time.sleep(0.05)
        hanging.send_signal(signal.SIGKILL)
    finally:
        if hanging.poll() is None:
            hanging.kill()
        hanging.communicate(timeout=30)
    assert hanging.returncode == -signal.SIGKILL

    state = step("report", version, previous, env=env)
    assert state["version"] == {"status": "in_review", "approved_by": None, "published_at": False}
    assert state["previous"] == {"status": "published", "retired_at": False}
    assert "published" not in state["version_events"]
    assert "retired" not in state["previous_events"]
    assert set(state["published_per_leaflet_and_language"]) == {1}

    assert step("publish", version, env=env) == {"status": "published"}
    state = step("report", version, previous, env=env)
    assert state["version"]["status"] == "published" and state["version"]["approved_by"] is not None
    assert state["previous"] == {"status": "retired", "retired_at": True}
    assert state["version_events"][-1] == "published"
    assert state["previous_events"][-1] == "retired"
    assert set(state["published_per_leaflet_and_language"]) == {1}
