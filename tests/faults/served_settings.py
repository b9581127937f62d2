"""The production settings (clinic/settings.py, read from the environment) for the gunicorn the fault tests
start, with one change: static files get their hashed names at collectstatic but no gzip and brotli copies,
which take about 20 s to make (tests/test_deploy.py checks those)."""

from clinic.settings import *  # noqa: F403

STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
