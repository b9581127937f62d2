"""Settings for the clinic patient-education app.

Every value comes from an environment variable (see `.env.example`) with a safe default for local use:
an SQLite file in the project, DEBUG off unless asked for, and no secrets in the repository.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` file is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Local development may run without a configured key; production must set one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "local-development-only-not-secret"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with our AdminSite: a verified TOTP device is required when STAFF_2FA_REQUIRED is on.
    "clinic.admin_site.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prose_editor",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Background jobs (education/jobs.py): django-tasks, with its queue in the database (django-tasks-db).
    "django_tasks",
    "django_tasks_db",
    "clinic",
    "education",
]

MIDDLEWARE = [
    # First: /healthz and /readyz for load balancers and monitoring, answered before the host check, the HTTPS
    # redirect, sessions and the page cache (clinic/health.py, docs/deploy.md "Health checks").
    "clinic.health.HealthCheckMiddleware",
    # Next: each request gets its id (X-Request-ID) and one log line; health checks are not logged.
    "clinic.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (compressed, hashed names, cached for a year) straight from gunicorn; see docs/deploy.md.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy (django-csp 4), with the admin's extra allowances; see clinic/middleware.py.
    "clinic.middleware.ClinicCSPMiddleware",
    # The database down: a 503 page naming the clinic's phone, with Retry-After, not a bare 500 (clinic/errors.py).
    "clinic.errors.DatabaseUnavailableMiddleware",
    # Patient pages for patients from the cache for a minute (education/middleware.py); a workflow change shows at once.
    # Counts patient page views per version and day, cached pages included, then drops the marker header.
    "education.middleware.PageViewCountMiddleware",
    "education.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "education.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its "too many attempts" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "clinic.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each worker's database connection open between requests (checked before reuse) rather than opening
# one per request: with PostgreSQL that is a network round trip and a login saved on every page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for more than one worker: readers never wait for a writer (WAL), a commit does not wait for the
    # disk twice (synchronous=NORMAL: still safe against corruption in WAL mode; a power cut may lose the last
    # commit), and a transaction takes the write lock at its start instead of failing half-way with
    # "database is locked" (IMMEDIATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
# Languages leaflets and the interface come in. Adding one is configuration plus a translation file
# (locale/<code>/LC_MESSAGES/django.po); names come from Django's own list, in the language itself.
_LANGUAGE_CODES = env.list("LANGUAGES", default=["en", "fr"])


def _language_name(code: str) -> str:
    from django.conf.locale import LANG_INFO

    return LANG_INFO.get(code, {}).get("name_local", code)


LANGUAGES = [(code, _language_name(code)) for code in _LANGUAGE_CODES]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# In production (DEBUG off) static files get hashed names and gzip/brotli copies at `collectstatic`, and
# whitenoise serves them with a year-long cache. `{% static %}` then needs the manifest that collectstatic
# writes (`make serve` runs it). Local development (DEBUG on) serves the files as they are.
# Uploaded logos, leaflet images and stored handouts. Without AWS_STORAGE_BUCKET_NAME: on the local disk, where
# a file appears under its name only once complete, so a full disk or an I/O error never leaves an empty or
# cut-short file behind (clinic/storage.py). With it: S3-compatible object storage shared by every app server
# (django-storages; a single PUT is already all or nothing), private (no public ACL, signed URLs that expire
# after AWS_QUERYSTRING_EXPIRE seconds), reached at AWS_S3_ENDPOINT_URL (empty: Amazon S3 itself) with
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (empty: the machine's own credentials) in AWS_S3_REGION_NAME.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "signature_version": "s3v4",
            "file_overwrite": False,
            "location": env.str("AWS_LOCATION", default=""),
        },
    }
    # Pages show the logo by its signed URL: the browser fetches it from the object storage's origin.
    _endpoint = _DEFAULT_STORAGE["OPTIONS"]["endpoint_url"]
    if _endpoint:
        from urllib.parse import urlsplit

        _STORAGE_IMG_SRC = [f"{urlsplit(_endpoint).scheme}://{urlsplit(_endpoint).netloc}"]
    else:
        _STORAGE_IMG_SRC = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com", "https://*.amazonaws.com"]
else:
    _DEFAULT_STORAGE = {"BACKEND": "clinic.storage.AtomicFileSystemStorage"}
    _STORAGE_IMG_SRC = []
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="leaflets@localhost")
# A mail server in production: EMAIL_URL=smtp+tls://USER:PASSWORD@smtp.clinic.example:587 (django-environ's
# format; it sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# Limits that keep one leaflet version printable and reviewable (characters).
LEAFLET_MAX_BODY_CHARS = env.int("LEAFLET_MAX_BODY_CHARS", default=40_000)

# The public address patients use; links in emails and QR codes are built from it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sending leaflet links by email: at most this many per member of staff per hour.
SHARE_EMAILS_PER_HOUR = env.int("SHARE_EMAILS_PER_HOUR", default=30)

# Logs go to the console (gunicorn's stderr: the journal under systemd). LOG_FORMAT=json writes one JSON object a
# line for a log collector; "text" (the default) one readable line. Both carry the request id, which is also
# the response's X-Request-ID and the "Reference" on the error pages (clinic/request_log.py, docs/deploy.md).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "clinic.request_log.RequestIdFilter"},
        # Share tokens are masked in every log line (education/log_privacy.py), the request lines' too.
        "mask_share_tokens": {"()": "education.log_privacy.MaskShareTokens"},
    },
    "formatters": {
        "text": {"()": "clinic.log_format.TextFormatter"},
        "json": {"()": "clinic.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "mask_share_tokens"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO; its warnings and errors still show.
    # django-axes logs every login at INFO; failed logins and lock-outs are warnings and still show.
    # django_tasks logs every job's start and success at INFO; failures (WARNING and above) are what matter.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- production security (see docs/deploy.md) ------------------------------------------------------------
# With DEBUG off these default to what `manage.py check --deploy` asks for. Behind a reverse proxy that ends
# TLS (nginx in docs/deploy.md), set BEHIND_TLS_PROXY=true: Django then trusts the proxy's
# X-Forwarded-Proto header to know a request came over HTTPS (the proxy must always set it), so the redirect
# to HTTPS does not loop. Only set it when a proxy you control is the only way in.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer probes the health checks over plain HTTP (clinic/health.py answers them before this
# redirect anyway; these keep it so if the middleware order ever changes).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS: browsers use HTTPS only, for a year, here and on sub-domains of this host name. Not "preload": the
# preload list is only for a registrable domain (clinic.example, not leaflets.clinic.example), covers every
# sub-domain of it and is slow to leave; a clinic's IT can opt in with SECURE_HSTS_PRELOAD=true.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "preload" left off on purpose, as explained above
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
# Which leaflet a patient read is health information: never send it to other sites in a Referer header.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp 4). Patient and staff pages: no inline script or style, except the one
# <style> in templates/base.html with the clinic's colours, which carries the request's nonce. The admin gets
# the hash of its rich-text editor's import map and inline style attributes (clinic/middleware.py).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        # Logos stored elsewhere (object storage) need that origin here, e.g. https://bucket.example.
        "img-src": [SELF, "data:", *_STORAGE_IMG_SRC, *env.list("CSP_EXTRA_IMG_SRC", default=[])],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- staff sign-in: brute-force lock-out (django-axes) and two-factor login (django-otp) ------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
# After 5 failed logins for one username from one address, that pair is locked out for 15 minutes (not for
# ever); a correct password is refused meanwhile. Pairs, not addresses alone, so that one mistyping colleague
# behind the clinic's shared internet address does not lock out everyone. Attempts older than the cool-off
# are forgotten; `manage.py axes_reset` lifts every lock-out at once.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clinic.security.lockout_response"
# Behind the proxy every request comes from 127.0.0.1; the client's address is in X-Real-IP, set by nginx.
AXES_CLIENT_IP_CALLABLE = "clinic.security.client_ip_address"
# X-Real-IP is believed only on requests from these addresses (the proxy on this machine, by default).
TRUSTED_PROXY_ADDRESSES = env.list("TRUSTED_PROXY_ADDRESSES", default=["127.0.0.1", "::1"])

# Two-factor login with an authenticator app (TOTP) for the admin and the staff pages: on by default in
# production (DEBUG off), off for the local demo. Enrol a member of staff with `manage.py enrol_totp USERNAME`.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Patient leaflets")

# --- the cache: patient pages, counters, handout failures -----------------------------------------------------
# Without CACHE_URL each process keeps its own (local memory). With several app servers set a shared one,
# CACHE_URL=redis://127.0.0.1:6379/0 (Django's own RedisCache), so a page, a counter or a stale-page epoch
# set through one server holds on all of them. Other django-environ cache URLs work too.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis that cannot be reached is a cache miss, never a 500 (clinic/cache.py)
            "BACKEND": "clinic.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that stops answering must not hold a patient's page for long (seconds).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}

# --- background jobs (education/jobs.py) -------------------------------------------------------------------------
# JOBS_BACKEND=database (the default): jobs are rows in the database, run by `manage.py db_worker` (make run
# starts one; docs/deploy.md runs it under systemd). JOBS_BACKEND=immediate runs each job in the web process
# at the commit (no worker needed, no retries: only for trying things out).
JOBS_BACKEND = env.str("JOBS_BACKEND", default="database")
_JOB_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if JOBS_BACKEND not in _JOB_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("JOBS_BACKEND must be database or immediate.")
TASKS = {"default": {"BACKEND": _JOB_BACKENDS[JOBS_BACKEND]}}

# --- patient pages from the cache (education/middleware.py) ---------------------------------------------------
# Seconds an anonymous patient page is kept (off in local development). Publishing or retiring shows at once;
# other edits (a clinic's colours or logo) within this time. The cache is CACHES["default"]: per process
# unless a shared cache is configured.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)
# Record systems (/infobutton/, /fhir/): requests per client address per minute, answers from the page cache
# not counted (education/interop/throttle.py); 0 for no limit.
INTEROP_REQUESTS_PER_MINUTE = env.int("INTEROP_REQUESTS_PER_MINUTE", default=120)

# --- what patients tell us (education/services/feedback.py) ----------------------------------------------------
# Page views are counted in memory and stored every this many seconds (one short write per process, not one
# per page); 0 stores each view at once. Feedback is limited per address, in memory only (nothing stored):
# at most FEEDBACK_RATE_LIMIT answers per FEEDBACK_RATE_WINDOW_SECONDS.
PAGE_VIEW_FLUSH_SECONDS = env.int("PAGE_VIEW_FLUSH_SECONDS", default=10)
FEEDBACK_RATE_LIMIT = env.int("FEEDBACK_RATE_LIMIT", default=5)
FEEDBACK_RATE_WINDOW_SECONDS = env.int("FEEDBACK_RATE_WINDOW_SECONDS", default=600)

# --- when something fails (clinic/errors.py) -------------------------------------------------------------------
# The 500 and 503 pages name the clinic and its phone number without the database: the default clinic's
# details are written to this file each time it is saved (a local folder, not served: not under MEDIA_ROOT).
CLINIC_CONTACT_FILE = Path(env.str("CLINIC_CONTACT_FILE", default=str(BASE_DIR / "var" / "clinic-contact.json")))
# Used while that file does not exist yet (or cannot be read).
CLINIC_FALLBACK_NAME = env.str("CLINIC_FALLBACK_NAME", default="")
CLINIC_FALLBACK_PHONE = env.str("CLINIC_FALLBACK_PHONE", default="")
# While the database is down, patient pages already in the page cache are still served, for this long after
# they were stored (seconds; 0 turns this off). See education/middleware.py.
STALE_IF_ERROR_SECONDS = env.int("STALE_IF_ERROR_SECONDS", default=24 * 60 * 60)

# --- PDF rendering limits (education/pdf/render.py) -------------------------------------------------------
# Seconds one handout may take to render before it is stopped, and the largest handout HTML accepted.
HANDOUT_RENDER_TIMEOUT = env.int("HANDOUT_RENDER_TIMEOUT", default=20)
HANDOUT_MAX_HTML_BYTES = env.int("HANDOUT_MAX_HTML_BYTES", default=1_000_000)

# --- error reporting (clinic/reporting.py) -------------------------------------------------------------------
# Optional: with SENTRY_DSN set, unhandled errors and ERROR log lines go to Sentry (or a compatible service),
# without request bodies, cookies, query strings, user details, share tokens or email addresses. Without it,
# the Sentry client is not even loaded.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from clinic.reporting import start_error_reporting  # noqa: E402

    start_error_reporting(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=""),
        release=env.str("SENTRY_RELEASE", default=""),
    )
