"""Work that follows a committed change, connected to the services' signals in `EducationConfig.ready`.

It runs in the process that made the change, after the commit and outside any lock."""

import logging

from education import pdf

logger = logging.getLogger(__name__)


def prerender_published_handout(sender, *, version_id: int, **kwargs) -> None:
    """A published version's handout never changes: store it now rather than on the first patient's request."""
    pdf.prerender_published(version_id)


def forget_withdrawn_handouts(sender, *, version_id: int, **kwargs) -> None:
    """A withdrawn version's stored handouts are deleted, so no copy of its text is left to serve."""
    deleted = pdf.forget_version(version_id)
    logger.info("Deleted %d stored handouts of withdrawn version %s", deleted, version_id)
