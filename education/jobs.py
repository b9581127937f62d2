"""Background jobs: work that follows a committed change, run by a worker after the commit, outside any lock.

`after_commit("dotted.path.to.job", **kwargs)` is the one way in. Once the current transaction commits it puts
one task on the queue of django-tasks (the backport of Django 6's Tasks framework; see settings.TASKS): with
the database backend (django-tasks-db, the default) it is a row in the same database, run by
`manage.py db_worker` (`make run` starts one beside the development server; docs/deploy.md runs it under
systemd). The tests use the immediate backend: the job runs at the commit, in the same process.

A job that raises is retried with a growing delay (RETRY_DELAYS), each attempt a new row; the failed attempt
stays on record with its traceback, shown in the admin under "Background jobs". Jobs must be idempotent: a
job may run again after a crash or a retry, so anything that must happen once (an email) claims a database
record before it acts (`education.services.sharing.deliver_share_email`).
"""

import datetime
import json
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from education import pdf

logger = logging.getLogger(__name__)

# Seconds to wait before the 2nd, 3rd, ... attempt of a job that failed; after the last, it stays failed.
RETRY_DELAYS = (30, 120, 600, 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Only our own code runs as a job, whatever a row in the queue says.
JOB_PACKAGES = ("education.", "clinic.")


class JobRefused(ValueError):
    """A job name outside our own packages, or arguments that cannot be stored as JSON."""


def prerender_published_handout(sender, *, version_id: int, **kwargs) -> None:
    """A published version's handout never changes: store it now rather than on the first patient's request."""
    after_commit("education.pdf.prerender_published", version_id=version_id)


def forget_withdrawn_handouts(sender, *, version_id: int, **kwargs) -> None:
    """A withdrawn version's stored handouts are deleted, so no copy of its text is left to serve."""
    after_commit("education.jobs.delete_stored_handouts", version_id=version_id)


def delete_stored_handouts(*, version_id: int) -> None:
    """The job behind forget_withdrawn_handouts (deleting twice deletes nothing more)."""
    deleted = pdf.forget_version(version_id)
    logger.info("Deleted %d stored handouts of withdrawn version %s", deleted, version_id)


def _check(job: str, kwargs: dict) -> None:
    if not isinstance(job, str) or not job.startswith(JOB_PACKAGES):
        raise JobRefused(f"Not one of our jobs: {job!r}")
    try:
        json.dumps(kwargs)
    except (TypeError, ValueError) as error:
        raise JobRefused(f"Job arguments must be JSON (ids, not objects): {error}") from None


def after_commit(job: str, /, **kwargs) -> None:
    """Run the job named by its dotted path (`"education.notifications.deliver"`) with these keyword arguments
    in the background once the current transaction commits (at once when no transaction is open). The
    arguments must be JSON-serialisable (ids, not objects) and the job idempotent: a job may be retried, and
    must never, for example, send an email twice. Nothing is queued if the transaction rolls back."""
    _check(job, kwargs)
    # robust: the change has committed; a queue that fails now is logged (ERROR), not turned into a 500.
    transaction.on_commit(lambda: enqueue(job, **kwargs), robust=True)


def enqueue(job: str, /, _attempt: int = 1, _delay: int = 0, **kwargs) -> None:
    """Put the job on the queue now (after_commit is the usual way in)."""
    _check(job, kwargs)
    queued = run_job
    if _delay and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + datetime.timedelta(seconds=_delay))
    queued.enqueue(job=job, kwargs=kwargs, attempt=_attempt)


def can_retry() -> bool:
    """True when a failed job will be tried again (the database queue; not the immediate backend)."""
    return run_job.get_backend().supports_defer


@task()
def run_job(*, job: str, kwargs: dict, attempt: int = 1) -> None:
    """The one django-tasks task: runs one of our jobs, and queues the next attempt if it fails."""
    try:
        run(job, **kwargs)
    except Exception:
        if attempt < MAX_ATTEMPTS and can_retry():
            delay = RETRY_DELAYS[attempt - 1]
            logger.warning("Job %s failed (attempt %d of %d); trying again in %d s", job, attempt, MAX_ATTEMPTS, delay)
            enqueue(job, _attempt=attempt + 1, _delay=delay, **kwargs)
        else:
            logger.error("Job %s failed (attempt %d of %d); giving up", job, attempt, MAX_ATTEMPTS)
        raise  # this attempt is recorded as failed, with its traceback (the admin's "Background jobs")


def run(job: str, /, **kwargs) -> None:
    """Run one job now, in this process, by its dotted path."""
    _check(job, kwargs)
    import_string(job)(**kwargs)
