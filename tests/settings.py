"""Settings for the test suite: the real settings, plus a throwaway key and a fast password hasher.

DATABASE_URL still chooses the database, so the same suite runs on SQLite and on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from clinic.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405

# Production security stays on (HSTS, secure cookies, CSP) but the test client and the live server speak
# plain HTTP: no redirect to HTTPS.
SECURE_SSL_REDIRECT = False
# No collectstatic before tests: `{% static %}` without the manifest (tests/test_deploy.py covers the
# manifest storage after a real collectstatic).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Two-factor login and the login lock-out are switched on by the tests that check them
# (tests/test_security.py); Django's test client logs in without a request, which django-axes refuses.
STAFF_2FA_REQUIRED = False
AXES_ENABLED = False
# STATIC_ROOT does not exist before collectstatic: whitenoise looks files up per request instead of
# listing STATIC_ROOT once at start-up (and warning that it is missing).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Patient pages are rendered afresh in tests; tests/test_security.py checks the page cache itself.
PUBLIC_PAGE_CACHE_SECONDS = 0
PAGE_VIEW_FLUSH_SECONDS = 10**9  # page views stay in memory; tests that count them flush them themselves
# The default clinic's contact file (clinic/contact.py) goes to a throwaway folder, not the project's var/.
import tempfile  # noqa: E402

CLINIC_CONTACT_FILE = Path(tempfile.mkdtemp(prefix="clinic-contact-")) / "clinic-contact.json"  # noqa: F405
# Background jobs run at the commit, in the test's own process (tests/test_jobs.py also runs the database
# queue with its worker).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
