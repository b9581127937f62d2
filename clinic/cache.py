"""The shared cache (CACHE_URL=redis://...): Django's RedisCache, except that a Redis that cannot be reached is a
cache miss, not an error.

Everything the app keeps in the cache can be made again from the database (pages, search result pages, counters
of the interop rate limit), so a Redis that is down, restarting or too slow (socket timeout) must not turn a
patient's page, a search or a member of staff's withdrawal into a 500. Each operation answers as if the key were
absent: `get` gives the default, `add`, `touch` and `delete` give False, `get_many` gives nothing, `set` stores
nothing. `incr` and `decr` raise CacheUnavailable instead, so a caller that must know (moving the stale-page epoch
on a withdrawal) can say so. The failure is logged at most once a minute per process; `/readyz` still reports the
cache as failed (its set-then-get finds nothing).

Only connection and timeout errors are forgiven; any other Redis error (a wrong command) is raised as usual."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 60


class CacheUnavailable(Exception):
    """The cache could not be reached for an operation whose result the caller needs (incr, decr)."""


class ForgivingRedisCache(RedisCache):
    _last_logged = 0.0

    def _unreachable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ForgivingRedisCache._last_logged >= LOG_EVERY_SECONDS:
            ForgivingRedisCache._last_logged = now
            logger.warning(
                "The cache (Redis) cannot be reached (%s: %s); serving from the database until it is back",
                operation, type(error).__name__,
            )  # fmt: skip

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("add", error)
            return False

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            self._unreachable("get", error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set", error)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            self._unreachable("delete", error)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            self._unreachable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            self._unreachable("has_key", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._unreachable("incr", error)
            raise CacheUnavailable(f"the cache cannot be reached ({type(error).__name__})") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            self._unreachable("set_many", error)
            return list(data)  # the keys not stored

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            self._unreachable("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            self._unreachable("clear", error)
            return False
