"""What counting page views costs (issue 12): the same cached patient page through Django's test client,
with and without `PageViewCountMiddleware`, and the in-memory count and the flush on their own.

Sets up a throwaway in-memory database with the demo data and the page cache on (as in production), so the
pages come from the cache: the cheapest page, where the count weighs most. Prints medians; one run.
`python bench/page_views.py`
"""

from __future__ import annotations

import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "true",  # the demo data refuses to load otherwise; nothing is served
        "DATABASE_URL": "sqlite://:memory:",
        "LOG_LEVEL": "WARNING",
        "PUBLIC_PAGE_CACHE_SECONDS": "60",
        "PAGE_VIEW_FLUSH_SECONDS": "1000000",  # flushes measured on their own below
    }
)
VIEWS = 500
URL = "/leaflets/milia-overview/"


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("demo", password=secrets.token_urlsafe(16), stdout=io.StringIO())
    settings.DEBUG = False
    from education import services
    from education.services.feedback import _page_views

    def median_ms(middleware: list[str]) -> float:
        with override_settings(MIDDLEWARE=middleware):
            client = Client()
            client.get(URL)
            times = []
            for _view in range(VIEWS):
                start = time.perf_counter()
                assert client.get(URL).status_code == 200
                times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    counting = list(settings.MIDDLEWARE)
    plain = [name for name in counting if name != "education.middleware.PageViewCountMiddleware"]
    for _round in range(2):
        print(f"cached page, not counted: {median_ms(plain):.3f} ms; counted: {median_ms(counting):.3f} ms")
    _page_views.pending.clear()
    start = time.perf_counter()
    for _view in range(100_000):
        services.page_view_count(version_id=1)
    print(f"one count in memory: {(time.perf_counter() - start) / 100_000 * 1e6:.2f} µs")
    start = time.perf_counter()
    services.page_views_flush()
    print(f"one flush (one version and day): {(time.perf_counter() - start) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
