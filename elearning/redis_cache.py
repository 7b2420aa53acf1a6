"""Django's Redis cache backend, with one Redis client per connection pool instead of one per call.

Django builds a new `redis.Redis` object for every cache operation (its constructor copies the
command callbacks into a new dict each time). A lesson view makes a dozen cache reads, so that
was a measurable share of it. The client is thread-safe and shares the pool's connections, so
one per pool is enough; connections, timeouts and failure handling are redis-py's as before.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)

logger = logging.getLogger(__name__)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


class ResilientRedisCache(RedisCache):
    """When Redis does not answer, the site carries on without its cache instead of failing.

    Every read is a miss and every write is skipped (logged once a minute at most), so pages are
    built from the database, sessions are read from it (cached_db) and login throttling lets
    people in rather than locking everybody out. Nothing here holds data that exists only in
    the cache: progress, attempts and certificates are in PostgreSQL.

    After a failure the process does not ask Redis again for `RETRY_AFTER` seconds: a Redis
    that hangs instead of refusing (a host gone from the network) costs each operation its
    socket timeout, and a page makes a dozen. `is_down()` tells other code (the page cache
    keeps its own reads meanwhile: elearning.page_cache.version).
    """

    RETRY_AFTER = 2.0
    # Process-wide, not per instance: Django makes a cache object per thread.
    _down_until = 0.0
    _last_warning = 0.0

    @classmethod
    def is_down(cls) -> bool:
        return time.monotonic() < cls._down_until

    def _attempt(self, operation: str, call, default):
        if self.is_down():
            return default
        try:
            return call()
        except REDIS_DOWN as error:
            now = time.monotonic()
            ResilientRedisCache._down_until = now + self.RETRY_AFTER
            if now - ResilientRedisCache._last_warning > 60:
                ResilientRedisCache._last_warning = now
                logger.warning("cache unavailable (%s): %s", operation, error)
            return default

    def get(self, key, default=None, version=None):
        return self._attempt("get", lambda: RedisCache.get(self, key, default, version), default)

    def get_many(self, keys, version=None):
        return self._attempt("get_many", lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._attempt("has_key", lambda: RedisCache.has_key(self, key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(
            "add", lambda: RedisCache.add(self, key, value, timeout, version), False
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(
            "set", lambda: RedisCache.set(self, key, value, timeout, version), None
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(
            "set_many",
            lambda: RedisCache.set_many(self, data, timeout, version),
            [],
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt("touch", lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._attempt("delete", lambda: RedisCache.delete(self, key, version), False)

    def delete_many(self, keys, version=None):
        return self._attempt(
            "delete_many", lambda: RedisCache.delete_many(self, keys, version), None
        )

    def incr(self, key, delta=1, version=None):
        # Callers treat the result as a count (throttling): 1 never locks anybody out.
        return self._attempt("incr", lambda: RedisCache.incr(self, key, delta, version), delta)

    def clear(self):
        return self._attempt("clear", lambda: RedisCache.clear(self), False)
