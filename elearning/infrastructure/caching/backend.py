"""Django's Redis cache backend, carrying on without Redis while it does not answer.

Django's raises instead, and has no switch for this (django-redis's IGNORE_EXCEPTIONS is the
same idea for its own backend). While Redis is down every read is a miss and every write is
skipped (logged once a minute at most): pages come from the database and the process (core.py),
sessions from the database (cached_db), and login throttling lets people in rather than locking
everybody out. Nothing here holds data that exists only in the cache. After a failure the
process leaves Redis alone for RETRY_AFTER seconds: a Redis that hangs rather than refuses costs
each operation its socket timeout, and a page makes a dozen.

Django also builds a `redis.Redis` client for every operation (copying the command callbacks
each time), a measurable share of a lesson view; the client is thread-safe, so here there is one
per connection pool. No setting offers that: OneClientPerPool overrides RedisCacheClient's
`get_client` with its private `_get_connection_pool` and `_client`, installed through
RedisCache's `_class` (tests/elearning/test_cache_private_api.py fails if they change).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


class OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _tolerant(operation: str, answer_while_down=lambda *args, **kwargs: None):
    """RedisCache's `operation`; while Redis is down, `answer_while_down(*its arguments)`."""

    def method(self, *args, **kwargs):
        if not self.is_down():
            try:
                return getattr(RedisCache, operation)(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as error:
                now = time.monotonic()
                ResilientRedisCache._down_until = now + self.RETRY_AFTER
                if now - ResilientRedisCache._last_warning > 60:
                    ResilientRedisCache._last_warning = now
                    logger.warning("cache unavailable (%s): %s", operation, error)
        return answer_while_down(*args, **kwargs)

    return method


def _false(*args, **kwargs):
    return False


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
    has_key = _tolerant("has_key", _false)
    add = _tolerant("add", _false)
    set = _tolerant("set")
    touch = _tolerant("touch", _false)
    delete = _tolerant("delete", _false)
    delete_many = _tolerant("delete_many")
    clear = _tolerant("clear", _false)
    # Callers treat the result as a count (throttling): 1 never locks anybody out.
    incr = _tolerant("incr", lambda key, delta=1, version=None: delta)
