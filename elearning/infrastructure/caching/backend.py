"""Django's Redis cache backend, carrying on while Redis does not answer: Django's raises, and
has no switch like django-redis's IGNORE_EXCEPTIONS. Meanwhile reads miss and writes are skipped
(nothing lives only in the cache: sessions are cached_db, throttling lets people in), and Redis
is left alone for RETRY_AFTER seconds: one that hangs costs every operation its socket timeout.
"""

import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


class OneClientPerPool(RedisCacheClient):
    """One (thread-safe) `redis.Redis` per pool, not one per operation as Django builds them:
    see benchmarks/README.md. No setting offers it; it uses the private `_get_connection_pool`,
    `_client` and `_class`, which tests/elearning/test_cache_private_api.py checks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _tolerant(operation: str, while_down=None):
    """RedisCache's `operation`; while Redis is down, `while_down` (called with the arguments)."""

    def method(self, *args, **kwargs):
        if not self.is_down():
            try:
                return getattr(RedisCache, operation)(self, *args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as error:
                now = time.monotonic()
                ResilientRedisCache._down_until = now + self.RETRY_AFTER
                if now - ResilientRedisCache._last_warning > 60:
                    ResilientRedisCache._last_warning = now
                    logger.warning("cache unavailable (%s): %s", operation, error)
        return while_down(*args, **kwargs) if callable(while_down) else while_down

    return method


class ResilientRedisCache(RedisCache):
    RETRY_AFTER = 2.0
    # Process-wide, not per instance: Django makes a cache object per thread.
    _down_until = 0.0
    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool

    @classmethod
    def is_down(cls) -> bool:
        return time.monotonic() < cls._down_until

    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    set_many = _tolerant("set_many", lambda *args, **kwargs: [])
    has_key = _tolerant("has_key", False)
    add = _tolerant("add", False)
    set = _tolerant("set")
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many")
    clear = _tolerant("clear", False)
    # Callers treat the result as a count (throttling): 1 never locks anybody out.
    incr = _tolerant("incr", lambda key, delta=1, version=None: delta)
