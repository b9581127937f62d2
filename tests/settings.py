"""Settings for the test suite: the real settings, plus a throwaway key and a fast password hasher.

DATABASE_URL still chooses the database, so the same suite runs on SQLite and on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from clinic.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
