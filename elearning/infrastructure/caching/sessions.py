"""Django's cached_db sessions, read in the request's first round trip (RequestCacheMiddleware)."""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from . import forget, read


class SessionStore(CachedDBStore):
    def read_ahead_key(self) -> str | None:
        if self.session_key is None or settings.SESSION_CACHE_ALIAS != "default":
            return None
        return self.cache_key

    def load(self):
        key = self.read_ahead_key()
        data = read([key]).get(key) if key is not None else None
        return data if data is not None else super().load()

    def save(self, must_create=False):
        if self.session_key is not None:
            forget(self.cache_key)
        super().save(must_create)

    def delete(self, session_key=None):
        if (key := session_key or self.session_key) is not None:
            forget(self.cache_key_prefix + key)
        super().delete(session_key)
