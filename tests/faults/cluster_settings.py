"""Settings for the two gunicorn servers and the worker of tests/faults/test_two_servers.py: the production
settings (served_settings), with emails written as files to a folder the test reads (EMAIL_FILE_PATH)."""

import os

from tests.faults.served_settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
