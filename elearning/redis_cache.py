"""Django's Redis cache backend, with one Redis client per connection pool instead of one per call.

Django builds a new `redis.Redis` object for every cache operation (its constructor copies the
command callbacks into a new dict each time). A lesson view makes a dozen cache reads, so that
was a measurable share of it. The client is thread-safe and shares the pool's connections, so
one per pool is enough; connections, timeouts and failure handling are redis-py's as before.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


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
    """

    _last_warning = 0.0

    def _down(self, operation, error, default=None):
        import logging
        import time

        now = time.monotonic()
        if now - ResilientRedisCache._last_warning > 60:
            ResilientRedisCache._last_warning = now
            logging.getLogger(__name__).warning("cache unavailable (%s): %s", operation, error)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except REDIS_DOWN as error:
            return self._down("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except REDIS_DOWN as error:
            return self._down("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except REDIS_DOWN as error:
            return self._down("has_key", error, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except REDIS_DOWN as error:
            return self._down("add", error, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except REDIS_DOWN as error:
            return self._down("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except REDIS_DOWN as error:
            return self._down("set_many", error, [])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except REDIS_DOWN as error:
            return self._down("touch", error, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except REDIS_DOWN as error:
            return self._down("delete", error, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except REDIS_DOWN as error:
            return self._down("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as error:
            # Callers treat the result as a count (throttling): 1 never locks anybody out.
            return self._down("incr", error, delta)

    def clear(self):
        try:
            return super().clear()
        except REDIS_DOWN as error:
            return self._down("clear", error, False)
