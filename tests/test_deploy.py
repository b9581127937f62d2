"""Production mode: `check --deploy` with only the documented environment, the defaults that DEBUG switches,
and static files through whitenoise with hashed, compressed names after a real collectstatic."""

import ast
import os
import re
import secrets
import subprocess
import sys
from importlib.metadata import packages_distributions, requires, version
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from clinic.models import Clinic
from education import pdf
from tests.pdf_checks import fonts

BASE_DIR = Path(django_settings.BASE_DIR)

# What docs/deploy.md puts in the production .env (plus a database; SQLite is enough for the checks).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "leaflets.clinic.example",
    "CSRF_TRUSTED_ORIGINS": "https://leaflets.clinic.example",
    "SITE_URL": "https://leaflets.clinic.example",
    "BEHIND_TLS_PROXY": "true",
    "EMAIL_URL": "smtp+tls://smtp.clinic.example:587",
}


def _environment(tmp_path, **changes) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "STAFF_", "AXES_")) and key not in PRODUCTION_ENV
    }
    environment.update(PRODUCTION_ENV)
    environment.update(
        {"DJANGO_SETTINGS_MODULE": "clinic.settings", "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"}
    )
    environment.update(changes)
    return {key: value for key, value in environment.items() if value is not None}


def _manage(tmp_path, *args, **changes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=_environment(tmp_path, **changes),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings_in_production(tmp_path, names, **changes) -> dict:
    code = "import django, json; django.setup(); from django.conf import settings as s; " + (
        f"print(json.dumps({{n: repr(getattr(s, n, None)) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=_environment(tmp_path, **changes),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_only_the_documented_environment(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SECURE_COOKIES": "false"}, "security.W012"),
        ({"SECRET_KEY": "short"}, "security.W009"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}, "security.W005"),
    ],
)
def test_check_deploy_fails_when_a_protection_is_turned_off(tmp_path, change, expected):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **change)
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage(tmp_path, "check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_off_means_production_defaults(tmp_path):
    values = _settings_in_production(
        tmp_path,
        [
            "STAFF_2FA_REQUIRED",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_PROXY_SSL_HEADER",
            "STORAGES",
            "X_FRAME_OPTIONS",
            "SECURE_REFERRER_POLICY",
        ],
    )
    assert values["STAFF_2FA_REQUIRED"] == "True"
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert int(values["SECURE_HSTS_SECONDS"]) >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] == "True"
    assert values["SECURE_HSTS_PRELOAD"] == "False"  # a documented decision (clinic/settings.py, docs/deploy.md)
    assert values["SESSION_COOKIE_SECURE"] == values["CSRF_COOKIE_SECURE"] == "True"
    assert values["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert "CompressedManifestStaticFilesStorage" in values["STORAGES"]
    assert values["X_FRAME_OPTIONS"] == "'DENY'"
    assert values["SECURE_REFERRER_POLICY"] == "'same-origin'"


def test_without_a_proxy_forwarded_headers_are_not_trusted(tmp_path):
    values = _settings_in_production(tmp_path, ["SECURE_PROXY_SSL_HEADER"], BEHIND_TLS_PROXY="false")
    assert values["SECURE_PROXY_SSL_HEADER"] == "None"


def test_the_local_demo_has_no_two_factor_and_no_https(tmp_path):
    values = _settings_in_production(
        tmp_path,
        ["STAFF_2FA_REQUIRED", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "STORAGES"],
        DEBUG="true",
        SECRET_KEY=None,
        BEHIND_TLS_PROXY=None,
    )
    assert values["STAFF_2FA_REQUIRED"] == "False"
    assert values["SECURE_SSL_REDIRECT"] == "False"
    assert values["SECURE_HSTS_SECONDS"] == "0"
    assert values["SESSION_COOKIE_SECURE"] == "False"
    assert "Manifest" not in values["STORAGES"]


def test_two_factor_can_be_turned_off_in_production_on_purpose(tmp_path):
    values = _settings_in_production(tmp_path, ["STAFF_2FA_REQUIRED"], STAFF_2FA_REQUIRED="false")
    assert values["STAFF_2FA_REQUIRED"] == "False"


def test_loading_the_app_loads_the_renderer_and_opens_no_database_connection(tmp_path):
    """gunicorn preloads the app in its master process and forks the workers from it (clinic/gunicorn.py):
    WeasyPrint must be loaded by then (not in a patient's first PDF request), and no database connection may be
    open, or every worker would share it."""
    code = (
        "import sys; import clinic.wsgi; from django.db import connections; "
        "print('renderer', 'weasyprint' in sys.modules); "
        "print('connections', sum(c.connection is not None for c in connections.all(initialized_only=True)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "renderer True" in result.stdout
    assert "connections 0" in result.stdout


def test_the_gunicorn_settings_preload_the_app(tmp_path):
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run(
        [gunicorn, "-c", "python:clinic.gunicorn", "--print-config", "clinic.wsgi"],
        cwd=BASE_DIR,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.M))
    assert config["preload_app"] == "True"
    assert config["bind"] == "['127.0.0.1:8000']"


# --- static files after collectstatic ---------------------------------------------------------------------


@pytest.fixture(scope="session")  # not "module": pytest-django regroups db and non-db tests
def collected(tmp_path_factory, django_db_blocker):
    """One real collectstatic with the production storage (hashed names, gzip and brotli copies)."""
    from django.test.utils import override_settings

    root = tmp_path_factory.mktemp("staticfiles")
    storages = {**django_settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, storages


@pytest.fixture
def production_static(collected, settings):
    root, storages = collected
    settings.STATIC_ROOT = root
    settings.STORAGES = storages
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    return root


@pytest.mark.django_db
def test_pages_link_hashed_static_files_that_whitenoise_serves_for_a_year(production_static, published):
    Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)
    client = Client()  # a new handler, so whitenoise starts with these settings
    html = client.get("/leaflets/milia-test/").content.decode()
    stylesheet = re.search(r'href="(/static/css/screen\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page links the hashed stylesheet"
    script = re.search(r'src="(/static/js/enhance\.[0-9a-f]{12}\.js)"', html)
    assert script
    response = client.get(stylesheet.group(1), HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "br"
    assert response["Content-Type"].startswith("text/css")
    response.close()  # a file response: close the file
    # A name without its hash is still served, but only briefly cached.
    plain = client.get("/static/css/screen.css")
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]
    plain.close()


@pytest.mark.django_db
def test_the_admin_works_with_hashed_static_files(production_static, editor, draft):
    client = Client()
    client.force_login(editor)
    response = client.get(f"/admin/education/leafletversion/{draft.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"/static/admin/css/base\.[0-9a-f]{12}\.css", html)
    # The rich-text editor's import map names hashed files too, and its hash is in the policy.
    importmap = re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1)
    assert re.search(r"editor\.[0-9a-f]{12}\.js", importmap)
    assert "'sha256-" in response["Content-Security-Policy"]


def test_the_handout_renderer_finds_its_files_in_the_collected_folder_alone(production_static, settings):
    settings.STATICFILES_DIRS = []  # only STATIC_ROOT
    data, content_type = pdf.fetch_asset(pdf.static_url("css/pdf.css"))
    assert content_type == "text/css" and b"@font-face" in data
    font, font_type = pdf.fetch_asset(pdf.static_url("fonts/AtkinsonHyperlegibleNext-Regular.ttf"))
    assert font_type == "font/ttf" and len(font) > 10_000


@pytest.mark.django_db
def test_a_handout_renders_with_only_the_collected_files(production_static, settings, published):
    settings.STATICFILES_DIRS = []
    pdf.reset_render_state()
    try:
        data = pdf.render_handout(versions=[published], clinic=None, options=pdf.HandoutOptions())
    finally:
        pdf.reset_render_state()
    assert ("Atkinson-Hyperlegible-Next", True) in fonts(data)  # the shipped font, embedded


# --- pip-audit in CI (scripts/audit-dependencies) ---------------------------------------------------------

FAKE_PIP_AUDIT = """#!/bin/sh
# A stand-in for pip-audit: writes the JSON report given in FAKE_REPORT to the --output file.
while [ $# -gt 0 ]; do
  if [ "$1" = "--output" ]; then printf '%s' "$FAKE_REPORT" > "$2"; fi
  shift
done
echo "$FAKE_STDERR" >&2
exit ${FAKE_STATUS:-0}
"""


def _audit(tmp_path, report: str, *, status=0, stderr="") -> subprocess.CompletedProcess:
    fake = tmp_path / "pip-audit"
    fake.write_text(FAKE_PIP_AUDIT)
    fake.chmod(0o755)
    environment = {
        **os.environ,
        "PIP_AUDIT": str(fake),
        "FAKE_REPORT": report,
        "FAKE_STATUS": str(status),
        "FAKE_STDERR": stderr,
    }
    return subprocess.run(
        ["bash", "scripts/audit-dependencies"], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_the_audit_fails_on_a_known_vulnerability(tmp_path):
    vulnerable = '{"dependencies": [{"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}]}]}'
    result = _audit(tmp_path, vulnerable, status=1)
    assert result.returncode == 1
    assert "VULNERABLE: django 5.2.0: PYSEC-1 (fixed in 5.2.1)" in result.stdout


def test_the_audit_passes_with_no_known_vulnerability(tmp_path):
    clean = '{"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]}'
    result = _audit(tmp_path, clean)
    assert result.returncode == 0
    assert "no known vulnerabilities in 1 packages" in result.stdout


@pytest.mark.parametrize(
    ("report", "stderr"),
    [
        (
            '{"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": "Dependency not found on PyPI"}]}',
            "",
        ),
        ("", "requests.exceptions.ConnectionError: Max retries exceeded with url"),
    ],
    ids=["no-vulnerability-data", "no-network"],
)
def test_an_unreachable_vulnerability_service_is_reported_but_not_a_failure(tmp_path, report, stderr):
    result = _audit(tmp_path, report, status=1 if stderr else 0, stderr=stderr)
    assert result.returncode == 0
    assert "NOT AUDITED" in result.stdout


def test_any_other_audit_failure_fails(tmp_path):
    result = _audit(tmp_path, "", status=2, stderr="pip-audit: error: unrecognized arguments")
    assert result.returncode == 1


# --- requirements.txt: what production needs, nothing else (requirements-dev.txt adds the rest) -------------

# Tests, linters and the audit tool: never installed on a server.
DEV_ONLY = {
    "pytest",
    "pytest-django",
    "hypothesis",
    "ruff",
    "pip-audit",
    "playwright",
    "axe-playwright-python",
    "pypdf",
    "pikepdf",
    "pypdfium2",
    "zxing-cpp",
    "lxml",
    "polib",
}
# Needed in production although the app's code never imports them.
SERVER_ROOTS = {
    "gunicorn": "serves clinic.wsgi (clinic/gunicorn.py, docs/deploy.md)",
    "psycopg[binary]": "Django's PostgreSQL backend imports it when DATABASE_URL names PostgreSQL",
    "django-storages[s3]": "S3Storage imports boto3 when AWS_STORAGE_BUCKET_NAME is set (shared object storage)",
    "redis": "Django's RedisCache imports it when CACHE_URL is redis://... (shared cache)",
}
DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def _requirement_lines(name: str) -> list[str]:
    lines = (line.split(" #")[0].strip() for line in (BASE_DIR / name).read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _pins(name: str) -> dict:
    """The requirements a file pins itself (not through `-r`), by canonical name, for this Python."""
    pins = {}
    for line in _requirement_lines(name):
        if line.startswith("-r "):
            continue
        requirement = Requirement(line)
        assert len(requirement.specifier) == 1 and next(iter(requirement.specifier)).operator == "==", (
            f"{name}: {line!r} is not pinned with =="
        )
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def _with_dependencies(roots: list[str]) -> set[str]:
    """The distributions `roots` (requirement strings, extras allowed) need, with everything they need, as
    their installed metadata says for this Python (extras followed, markers evaluated)."""
    done: dict[str, set[str]] = {}
    todo = [Requirement(root) for root in roots]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in done and extras <= done[name]:
            continue
        done[name] = done.get(name, set()) | extras
        for line in requires(requirement.name) or []:
            needed = Requirement(line)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in {"", *done[name]}):
                todo.append(needed)
    return set(done)


def _imported_modules(*paths: str) -> set[str]:
    """Top-level names of every absolute import in these Python files or folders (also inside functions)."""
    files = []
    for path in paths:
        path = BASE_DIR / path
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    modules = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules


def _distributions(modules: set[str], *, local: set[str]) -> dict[str, set[str]]:
    """Which installed distributions the modules come from; a module that is neither the standard library,
    ours, nor installed fails the test."""
    installed = packages_distributions()
    unknown = sorted(m for m in modules - local - set(sys.stdlib_module_names) if m not in installed)
    assert not unknown, f"imported but neither standard library, ours nor installed: {unknown}"
    return {
        module: {canonicalize_name(d) for d in installed[module]}
        for module in modules - local - set(sys.stdlib_module_names)
    }


def _app_distributions() -> dict[str, set[str]]:
    """What the app itself loads: its imports, and the names and dotted paths in its settings (INSTALLED_APPS,
    MIDDLEWARE, STORAGES and other backends) whose first part is an installed package."""
    modules = _imported_modules("clinic", "education", "manage.py")
    installed = packages_distributions()
    for node in ast.walk(ast.parse((BASE_DIR / "clinic" / "settings.py").read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED_NAME.fullmatch(node.value):
            if node.value.split(".")[0] in installed:
                modules.add(node.value.split(".")[0])
    return _distributions(modules, local={"clinic", "education"})


def test_every_package_the_app_loads_is_in_requirements_txt():
    listed = _pins("requirements.txt")
    missing = {module: names for module, names in _app_distributions().items() if not names & set(listed)}
    assert not missing, f"the app loads these, but requirements.txt does not list them: {missing}"


def test_requirements_txt_lists_what_the_app_needs_with_every_dependency_and_nothing_else():
    listed = set(_pins("requirements.txt"))
    roots = sorted({name for names in _app_distributions().values() for name in names} | set(SERVER_ROOTS))
    needed = _with_dependencies(roots)
    assert not needed - listed, f"needed in production but not pinned in requirements.txt: {needed - listed}"
    assert not listed - needed, f"pinned in requirements.txt but not needed to run the app: {listed - needed}"
    assert not DEV_ONLY & listed


def test_requirements_dev_txt_adds_the_rest_to_the_production_set():
    lines = _requirement_lines("requirements-dev.txt")
    assert lines[0] == "-r requirements.txt", "requirements-dev.txt starts from the production set"
    assert [line for line in lines if line.startswith("-")] == ["-r requirements.txt"]
    production, development = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert not set(production) & set(development), "a package is pinned in both files"
    assert DEV_ONLY <= set(development)
    # Every dependency pinned too (pip itself, which pip-audit's pip-api needs, comes with every virtualenv).
    everything = set(production) | set(development)
    unpinned = _with_dependencies([str(r) for r in {**production, **development}.values()]) - everything - {"pip"}
    assert not unpinned, f"dependencies not pinned in either file: {unpinned}"


def test_the_tests_and_benchmarks_load_only_pinned_packages():
    pinned = set(_pins("requirements.txt")) | set(_pins("requirements-dev.txt"))
    used = _distributions(_imported_modules("tests", "bench"), local={"clinic", "education", "tests"})
    missing = {module: names for module, names in used.items() if not names & pinned}
    assert not missing, f"used by the tests or benchmarks but pinned in neither file: {missing}"


def test_the_installed_versions_are_the_pinned_ones():
    pins = {**_pins("requirements.txt"), **_pins("requirements-dev.txt")}
    wrong = {
        name: (str(r.specifier), version(name)) for name, r in pins.items() if not r.specifier.contains(version(name))
    }
    assert not wrong, f"installed versions differ from the pins (make test reinstalls when the files change): {wrong}"


def test_production_without_a_mail_server_fails_the_deploy_check(tmp_path):
    """With the console backend a share email (the patient's address, the live link) would go to the log."""
    result = _manage(tmp_path, "check", "--deploy", EMAIL_URL=None)
    assert result.returncode != 0
    assert "clinic.E001" in result.stderr and "EMAIL_URL" in result.stderr
