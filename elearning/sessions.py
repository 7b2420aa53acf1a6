"""Django's cached_db sessions, read from Redis in the request's first round trip.

The session is needed by almost every request, and so is the page tree's version: both come
back together (`elearning.page_cache.CachedSiteMiddleware` asks for `read_ahead_key()` along
with the version). Everything else is Django's: a miss reads the database and fills the cache,
writes go to both.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from . import request_cache


class SessionStore(CachedDBStore):
    def _shares_the_default_cache(self) -> bool:
        return settings.SESSION_CACHE_ALIAS == "default"

    def read_ahead_key(self) -> str | None:
        """The cache key to fetch with the request's other reads, when there is a session."""
        if self.session_key is None or not self._shares_the_default_cache():
            return None
        return self.cache_key

    def load(self):
        key = self.read_ahead_key()
        if key is not None:
            data = request_cache.get_many([key]).get(key)
            if data is not None:
                return data
        return super().load()

    def save(self, must_create=False):
        if self.session_key is not None:
            request_cache.forget(self.cache_key)
        super().save(must_create)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        if key is not None:
            request_cache.forget(self.cache_key_prefix + key)
        super().delete(session_key)
