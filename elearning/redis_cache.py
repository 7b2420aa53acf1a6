"""Django's Redis cache backend, with one Redis client per connection pool instead of one per call.

Django builds a new `redis.Redis` object for every cache operation (its constructor copies the
command callbacks into a new dict each time). A lesson view makes a dozen cache reads, so that
was a measurable share of it. The client is thread-safe and shares the pool's connections, so
one per pool is enough; connections, timeouts and failure handling are redis-py's as before.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


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
