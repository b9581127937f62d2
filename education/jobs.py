"""Work that follows a committed change, connected to the services' signals in `EducationConfig.ready`.

It runs in the process that made the change, after the commit and outside any lock."""

import logging

logger = logging.getLogger(__name__)


def prerender_published_handout(sender, *, version_id: int, **kwargs) -> None:
    """A published version's handout never changes: store it now rather than on the first patient's request."""
    # Imported here, not at the top: WeasyPrint takes about 0.4 s to load, and most processes that publish
    # (management commands, tests) would otherwise pay that at start-up. education.pdf never imports jobs.
    from education import pdf

    pdf.prerender_published(version_id)
