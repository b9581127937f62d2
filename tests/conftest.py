import os

import pytest
from django.conf import settings as django_settings
from django.core.files.base import File
from django.utils import translation

from tests import factories


@pytest.fixture
def editor(db):
    return factories.make_editor("eddie")


@pytest.fixture
def approver(db):
    return factories.make_approver("claire")


@pytest.fixture
def other_approver(db):
    return factories.make_approver("omar")


@pytest.fixture
def superuser(db):
    return factories.make_user("root", superuser=True)


@pytest.fixture
def leaflet(editor):
    return factories.make_leaflet(user=editor, slug="milia-test", name="Milia test")


@pytest.fixture
def draft(leaflet, editor):
    return factories.make_draft(leaflet=leaflet, author=editor, title="Milia: small white bumps")


@pytest.fixture
def in_review(draft, editor):
    from education import services

    return services.version_submit(version=draft, user=editor)


@pytest.fixture
def published(in_review, approver):
    from education import services

    return services.version_approve_and_publish(
        version=in_review, content_hash=factories.shown_hash(in_review), attested=True, user=approver
    )


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request's LocaleMiddleware leaves its language active in
    the thread afterwards, which would change the messages the next test sees."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class MediaDisk:
    """The media disk as the tests see it: set `fail_with` to an errno (errno.ENOSPC: the disk is full) and
    every file stored from then on fails halfway through its content, as a real full disk does."""

    def __init__(self):
        self.fail_with: int | None = None


@pytest.fixture
def media_disk(monkeypatch):
    """Stored files are written from File.chunks() (ContentFile, the re-encoded logo, a handout's bytes):
    this makes that fail partway while the storage's own code (its _save) runs for real."""
    disk = MediaDisk()
    real_chunks = File.chunks

    def chunks(self, chunk_size=None):
        for chunk in real_chunks(self, chunk_size):
            if disk.fail_with is None:
                yield chunk
            else:
                yield chunk[: len(chunk) // 2]
                raise OSError(disk.fail_with, os.strerror(disk.fail_with))

    monkeypatch.setattr(File, "chunks", chunks)
    return disk


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the page cache, remembered handout failures)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_page_views_from_other_tests():
    """Page views wait in memory until stored (education/services/feedback.py): none carry over between tests."""
    from education.services.feedback import _page_views

    _page_views.pending.clear()


def pytest_collection_modifyitems(config, items):
    """Browser tests (a live server in another thread, transactional databases) run last, after every test
    that uses the ordinary per-test transaction, as they did before the tests moved into folders."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path))


@pytest.fixture
def page_cache(settings):
    """The public page cache switched on, as in production."""
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    yield
    cache.clear()
