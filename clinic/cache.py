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

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 60
_last_logged = 0.0


class CacheUnavailable(Exception):
    """The cache could not be reached for an operation whose result the caller needs (incr, decr)."""


def _unreachable(operation: str, error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning(
            "The cache (Redis) cannot be reached (%s: %s); serving from the database until it is back",
            operation, type(error).__name__,
        )  # fmt: skip


def _forgiving(missed):
    """Run the RedisCache method; if Redis cannot be reached, log and return `missed(*args, **kwargs)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _unreachable(method.__name__, error)
                return missed(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, version=None):
    return default


def _refuse(key, delta=1, version=None):
    raise CacheUnavailable("the cache cannot be reached")


class ForgivingRedisCache(RedisCache):
    add = _forgiving(lambda *args, **kwargs: False)(RedisCache.add)
    get = _forgiving(_default)(RedisCache.get)
    set = _forgiving(lambda *args, **kwargs: None)(RedisCache.set)
    touch = _forgiving(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _forgiving(lambda *args, **kwargs: False)(RedisCache.delete)
    get_many = _forgiving(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *args, **kwargs: False)(RedisCache.has_key)
    incr = _forgiving(_refuse)(RedisCache.incr)  # decr is incr with -delta
    set_many = _forgiving(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)  # the keys not stored
    delete_many = _forgiving(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _forgiving(lambda: False)(RedisCache.clear)
