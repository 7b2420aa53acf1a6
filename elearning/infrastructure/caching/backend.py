"""Django's Redis cache backend, carrying on without Redis while it does not answer.

When Redis is down every read is a miss and every write is skipped (logged once a minute at
most): pages are built from the database and kept in the process (core.py), sessions are read
from the database (cached_db), and login throttling lets people in rather than locking everybody
out. Nothing here holds data that exists only in the cache. Django's backend raises instead, and
has no switch for this (django-redis's IGNORE_EXCEPTIONS is the same idea for its own backend).

After a failure the process leaves Redis alone for RETRY_AFTER seconds: a Redis that hangs rather
than refuses (a host gone from the network) costs each operation its socket timeout, and a page
makes a dozen. `is_down()` tells core.py.

Django also builds a new `redis.Redis` client for every operation (its constructor copies the
command callbacks into a new dict each time), a measurable share of a lesson view's dozen reads:
the client is thread-safe and shares its pool's connections, so here there is one per pool.
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


def _tolerant(operation: str, answer_while_down):
    """RedisCache's `operation`; while Redis is down, `answer_while_down(*its arguments)`."""

    def method(self, *args, **kwargs):
        if self.is_down():
            return answer_while_down(*args, **kwargs)
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


def _answer(value):
    return lambda *args, **kwargs: value


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
    has_key = _tolerant("has_key", _answer(False))
    add = _tolerant("add", _answer(False))
    set = _tolerant("set", _answer(None))
    set_many = _tolerant("set_many", lambda *args, **kwargs: [])
    touch = _tolerant("touch", _answer(False))
    delete = _tolerant("delete", _answer(False))
    delete_many = _tolerant("delete_many", _answer(None))
    # Callers treat the result as a count (throttling): 1 never locks anybody out.
    incr = _tolerant("incr", lambda key, delta=1, version=None: delta)
    clear = _tolerant("clear", _answer(False))
