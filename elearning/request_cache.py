"""Cache reads shared within one request, so that what a view needs comes back from Redis in a
few round trips instead of one per entry.

A lesson view used to make seven round trips one after the other (the page tree's version, the
session, the learner's progress, the admin flag, the cached fragments...), each a switch to
Redis and back on a busy machine. Code that knows what the request will need asks for it ahead
(`get_many` with more keys than it needs now); later readers find the answers here and ask
Redis only for the rest.

Only reads are shared, and only for the length of one request (`scope()`, opened by
`elearning.page_cache.CachedSiteMiddleware`; outside a scope every read goes to the cache as
before). Every entry read this way is checked by its reader as usual (against its version, for
example), and a write in the request (`forget`, called by `page_cache.bump`) drops the key here
so that the next read goes to Redis again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

_ABSENT = object()

_fetched: ContextVar[dict | None] = ContextVar("request_cache", default=None)


@contextmanager
def scope() -> Iterator[None]:
    token = _fetched.set({})
    try:
        yield
    finally:
        _fetched.reset(token)


def get_many(keys: Iterable[str]) -> dict:
    """`cache.get_many(keys)`, answered from what this request already read where it can."""
    keys = list(keys)
    fetched = _fetched.get()
    if fetched is None:
        return cache.get_many(keys)
    missing = [key for key in keys if key not in fetched]
    if missing:
        found = cache.get_many(missing)
        for key in missing:
            fetched[key] = found.get(key, _ABSENT)
    return {key: fetched[key] for key in keys if fetched[key] is not _ABSENT}


def remember(key: str, value) -> None:
    """This request wrote `value` under `key`: later reads in the request see it."""
    fetched = _fetched.get()
    if fetched is not None:
        fetched[key] = value


def forget(*keys: str) -> None:
    """This request changed `keys` in a way it cannot know the result of (an increment):
    later reads in the request ask Redis."""
    fetched = _fetched.get()
    if fetched is not None:
        for key in keys:
            fetched.pop(key, None)
