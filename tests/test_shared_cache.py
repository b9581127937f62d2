"""The shared cache (CACHE_URL): Django's RedisCache against Debian's redis-server started on 127.0.0.1 by these
tests (tests/servers.py). Two cache connections stand for two app servers: what one stores, the other sees;
publishing shows at once through both; a stale-page epoch moved by one holds for the other."""

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import caches

from clinic.cache import CacheUnavailable, ForgivingRedisCache
from clinic.models import Clinic
from education import middleware, services
from tests import factories, servers

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with servers.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def shared_cache(redis_url, settings):
    """CACHES["default"] as clinic/settings.py builds it from CACHE_URL, emptied before and after."""
    settings.CACHES = {"default": _cache_settings(redis_url)}
    caches["default"].clear()
    yield redis_url
    caches["default"].clear()


def _cache_settings(url: str) -> dict:
    return {
        "BACKEND": "clinic.cache.ForgivingRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


def other_server(url: str) -> ForgivingRedisCache:
    """The cache as another app server sees it: its own connection to the same Redis."""
    settings = _cache_settings(url)
    return ForgivingRedisCache(settings["LOCATION"], {"OPTIONS": settings["OPTIONS"]})


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside Skin Clinic", slug="riverside", is_default=True)


def test_the_settings_use_the_forgiving_redis_cache_for_a_redis_cache_url(redis_url):
    code = "from django.conf import settings; import json; print(json.dumps(settings.CACHES['default']))"
    environment = {**os.environ, "CACHE_URL": redis_url, "DJANGO_SETTINGS_MODULE": "clinic.settings", "DEBUG": "true"}
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment, capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert json.loads(output) == _cache_settings(redis_url)


def test_a_value_set_through_one_server_is_seen_by_the_other(shared_cache):
    caches["default"].set("handout-failed:abc", True, 60)
    assert other_server(shared_cache).get("handout-failed:abc") is True


def test_a_counter_counts_across_servers(shared_cache):
    one, two = caches["default"], other_server(shared_cache)
    one.add("counter", 0, 60)
    for _ in range(5):
        one.incr("counter")
        two.incr("counter")
    assert one.get("counter") == two.get("counter") == 10


def test_a_page_cached_through_one_server_is_served_by_the_other(
    shared_cache, page_cache, client, published, clinic, django_assert_num_queries
):
    first = client.get("/leaflets/milia-test/")
    assert first.status_code == 200
    assert any(key for key in other_server(shared_cache)._cache.get_client().keys("*"))
    with django_assert_num_queries(1):  # the latest audit event only: the page itself came from Redis
        assert client.get("/leaflets/milia-test/").status_code == 200


def test_publishing_shows_at_once_through_the_shared_cache(
    shared_cache, page_cache, client, published, clinic, editor, approver
):
    assert "Milia: small white bumps" in client.get("/leaflets/milia-test/").content.decode()
    factories.supersede(published, editor=editor, approver=approver, title="Milia: a new title")
    assert "Milia: a new title" in client.get("/leaflets/milia-test/").content.decode()


def test_a_withdrawal_moves_the_stale_page_epoch_for_every_server(shared_cache):
    before = other_server(shared_cache).get(middleware.STALE_EPOCH_KEY)
    middleware.forget_stale_pages()
    middleware.forget_stale_pages()
    assert other_server(shared_cache).get(middleware.STALE_EPOCH_KEY) == (before or 0) + 2


def test_readyz_checks_redis_and_names_it_when_it_is_gone(client, settings, shared_cache):
    assert json.loads(client.get("/readyz").content)["checks"]["cache"]["ok"] is True
    settings.CACHES = {"default": _cache_settings(f"redis://127.0.0.1:{servers.free_port()}/0")}  # nobody there
    try:
        response = client.get("/readyz")
    finally:
        settings.CACHES = {"default": _cache_settings(shared_cache)}
    assert response.status_code == 503 and json.loads(response.content)["failed"] == ["cache"]


# --- a Redis that cannot be reached is a cache miss, never a 500 ----------------------------------------------------


@pytest.fixture
def redis_gone(settings):
    """CACHES["default"] pointing at a loopback port nobody listens on: Redis down."""
    settings.CACHES = {"default": _cache_settings(f"redis://127.0.0.1:{servers.free_port()}/0")}
    return caches["default"]


def test_without_redis_each_operation_answers_as_if_the_key_were_absent(redis_gone):
    assert isinstance(redis_gone, ForgivingRedisCache)
    redis_gone.set("a", 1)
    assert redis_gone.get("a", "default") == "default" and redis_gone.get_many(["a", "b"]) == {}
    assert redis_gone.add("a", 1) is False and redis_gone.touch("a") is False and redis_gone.delete("a") is False
    assert redis_gone.has_key("a") is False and redis_gone.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert redis_gone.get_or_set("a", 5) == 5
    with pytest.raises(CacheUnavailable):
        redis_gone.incr("a")
    with pytest.raises(CacheUnavailable):
        redis_gone.decr("a")


def test_without_redis_patients_get_pages_search_and_the_record_system_its_answers(
    redis_gone, page_cache, client, published, clinic, settings
):
    settings.INTEROP_REQUESTS_PER_MINUTE = 2  # nothing to count with: answered, not refused
    page = client.get("/leaflets/milia-test/")
    assert page.status_code == 200 and "Milia: small white bumps" in page.content.decode()
    assert client.get("/leaflets/milia-test/").status_code == 200  # the page cache, down, again
    found = client.get("/leaflets/", {"q": "milia"})
    assert found.status_code == 200 and "/leaflets/milia-test/" in found.content.decode()
    for _ in range(3):
        assert client.get("/fhir/DocumentReference", {"_id": str(published.pk)}).status_code == 200


def test_a_withdrawal_while_redis_is_down_stands_and_says_to_clear_the_cache(
    redis_gone, published, approver, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the epoch cannot move, after the commit
        services.version_withdraw(version=published, user=approver, reason="Wrong advice")
    published.refresh_from_db()
    assert published.withdrawn_at is not None
    assert any("clear the cache" in record.getMessage() for record in caplog.records if record.levelname == "ERROR")
