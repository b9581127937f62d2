"""Work that follows a committed change, connected to the services' signals in `EducationConfig.ready`.

It runs in the process that made the change, after the commit and outside any lock."""

import logging

from django.db import transaction
from django.utils.module_loading import import_string

from education import pdf

logger = logging.getLogger(__name__)


def prerender_published_handout(sender, *, version_id: int, **kwargs) -> None:
    """A published version's handout never changes: store it now rather than on the first patient's request."""
    pdf.prerender_published(version_id)


def forget_withdrawn_handouts(sender, *, version_id: int, **kwargs) -> None:
    """A withdrawn version's stored handouts are deleted, so no copy of its text is left to serve."""
    deleted = pdf.forget_version(version_id)
    logger.info("Deleted %d stored handouts of withdrawn version %s", deleted, version_id)


def after_commit(job: str, /, **kwargs) -> None:
    """Run the job named by its dotted path (`"education.notifications.deliver"`) with these keyword arguments
    once the current transaction commits, outside any lock. The arguments must be JSON-serialisable (ids, not
    objects) and the job idempotent: a job may be retried, and must never, for example, send an email twice.

    Runs in this process for now; the background-jobs work moves it onto a worker behind this same call."""
    transaction.on_commit(lambda: run(job, **kwargs))


def run(job: str, /, **kwargs) -> None:
    """Run one job now, by its dotted path."""
    import_string(job)(**kwargs)
