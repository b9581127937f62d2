"""gunicorn settings: `gunicorn -c python:clinic.gunicorn clinic.wsgi` (as `make serve` and the systemd unit
in docs/deploy.md run it). Each can be changed with an environment variable or a command-line option."""

import os
import threading

# Loopback only by default: the reverse proxy (nginx) is the only way in.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each handles one request at a time. About 2 per core; handouts render in a render process.
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Load the app (and WeasyPrint, see clinic/wsgi.py) once in the master process, then fork the workers from it:
# a new or recycled worker starts serving in milliseconds, with nothing left to import in a request, and the
# workers share the loaded code's memory. Loading the app opens no database connection, so no connection is
# shared. With preloading, `kill -HUP` re-reads this file but not the app's code: upgrades restart the service
# (docs/deploy.md, "Upgrades").
preload_app = True
# WeasyPrint keeps about 17 KB per render in the process that renders; renders happen in a render process
# that is replaced every 200 renders, and recycling each worker after a while (at different times, thanks to
# the jitter) keeps any other slow growth bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# Longer than the longest handout render (HANDOUT_RENDER_TIMEOUT, 20 s by default), so a slow render ends
# with a clear error page rather than a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The proxy on this machine may tell gunicorn the client's scheme and address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# The access log masks share tokens (/s/[token]/): a share link's address opens a patient's leaflet.
logger_class = "education.log_privacy.MaskedAccessLogger"
errorlog = "-"
# Worker heartbeat files in memory, not on a possibly slow disk.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn creates its own files there, with safe names
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None


def post_worker_init(worker):
    """A worker has started: refresh this server's copy of the clinic's contact details for the error pages
    (clinic/contact.py), in a thread of its own so a database that is down or slow never delays serving."""
    threading.Thread(target=_refresh_clinic_contact, name="clinic-contact", daemon=True).start()


def _refresh_clinic_contact():
    from django.db import connections

    from clinic.contact import refresh_contact_file

    try:
        refresh_contact_file()
    finally:
        connections.close_all()  # this thread's own connection
