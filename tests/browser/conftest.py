"""Browser tests: Debian's Chromium driven by Playwright (no browser download), against live_server.

They are skipped, with the reason, only where Chromium cannot be found; `.ci/run` installs it.
"""

import io
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium); browser tests skipped")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are still
    # synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


TRIGGER_MIGRATIONS = [
    "education.migrations.0002_protect_history",
    "education.migrations.0005_protect_handouts",
    "education.migrations.0011_withdrawal_attestation_copied_text_detail_changes",
    "education.migrations.0014_version_figures",  # a published version's figures cannot be deleted either
    "education.migrations.0015_staff_workspace",
]


def _set_history_triggers(*, installed: bool) -> None:
    import importlib

    from django.db import connection
    from django.db.migrations import RunPython

    # Install in migration order, remove in reverse (later triggers use functions made by earlier ones).
    for name in TRIGGER_MIGRATIONS if installed else reversed(TRIGGER_MIGRATIONS):
        module = importlib.import_module(name)
        operation = next(op for op in module.Migration.operations if isinstance(op, RunPython))
        install, remove = operation.code, operation.reverse_code
        # One statement at a time (no transaction around them): on PostgreSQL a request the live server is
        # still answering holds a lock on one table while we would hold another, and they would deadlock.
        with connection.schema_editor(atomic=False) as schema_editor:
            (install if installed else remove)(None, schema_editor)


def _ensure_staff_groups() -> None:
    """Recreate the staff groups that migrations made: a transactional test's flush deletes them (Django
    recreates content types and permissions after a flush, but not data made by data migrations)."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    groups = importlib.import_module("education.migrations.0003_staff_groups")
    sharing = importlib.import_module("education.migrations.0006_staff_share_permissions")
    reminders = importlib.import_module("education.migrations.0008_staff_see_review_reminders")
    for name, wanted in ((groups.EDITORS, groups.EDITOR_PERMISSIONS), (groups.APPROVERS, groups.APPROVER_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        extra = [*sharing.PERMISSIONS, *reminders.PERMISSIONS]
        wanted = [*wanted, *(("education", codename) for codename in extra)]
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.fixture
def demo(transactional_db, settings):
    """The demo clinic, users and published starter leaflets, as `make run` shows them."""
    from django.core.management import call_command

    from education import signals

    _ensure_staff_groups()
    settings.DEBUG = True
    # Here the commits are real, so each publish would store its handout at once (six renders, most of this
    # fixture's time); no browser test reads a stored handout, and a handout asked for is rendered then.
    signals.version_published.disconnect(dispatch_uid="prerender-handout")
    try:
        call_command("demo", password="demo-pass-123", stdout=io.StringIO())
    finally:
        from education import jobs

        signals.version_published.connect(jobs.prerender_published_handout, dispatch_uid="prerender-handout")
    settings.DEBUG = False
    yield
    # Browser tests need a real (transactional) database, which Django empties after each test by
    # DELETE (SQLite) or TRUNCATE (PostgreSQL). The history triggers rightly refuse row deletions, so lift
    # them, empty the tables, and put them back for every later test.
    # On SQLite the live server's thread shares this test's in-memory connection: a request it is still
    # finishing can roll the trigger removal back with its own transaction. Then lift them again and retry.
    import time

    from django.core.management import CommandError
    from django.core.management import call_command as command
    from django.db import DatabaseError

    def retried(step):
        for attempt in range(40):
            try:
                return step()
            except (DatabaseError, CommandError):  # a rolled-back removal, or the server's lock on the schema
                if attempt == 39:
                    raise
                time.sleep(0.25)

    def lift_and_flush():
        _set_history_triggers(installed=False)  # DROP TRIGGER IF EXISTS: safe to repeat
        command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)

    def reinstall():
        _set_history_triggers(installed=False)  # whatever a rolled-back removal left: start clean
        _set_history_triggers(installed=True)

    try:
        retried(lift_and_flush)
    finally:
        retried(reinstall)


def login(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
