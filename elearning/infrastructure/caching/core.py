"""The one mechanism behind every cached read: entries kept under versions.

An entry is stored with the numbers of the versions it depends on and is good while they are
the current numbers. A change moves a version on (a new number): every entry under it is retired
at once, whatever its key. Which change moves which version is one table, invalidation.py.

Django's caches are the storage (Redis as `default`, this process's memory as the `local` alias)
and `get_many` the batching. What Django has no notion of, and this adds: an entry that goes
stale when something else changes, read with its versions in one round trip, and a site that
carries on while Redis is down.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache, caches
from django.db import transaction

T = TypeVar("T")


def new_number() -> int:
    # From the clock, never from 1: a version evicted from Redis restarts from a number that no
    # stale entry holds. Numbers are only compared for equality.
    return time.time_ns()


def cache_is_down() -> bool:
    """True while Redis does not answer (backend.py); memory backends never are."""
    is_down = getattr(cache, "is_down", None)
    return bool(is_down and is_down())


# A page view reads the tree's version, the session, the user, the admin flag and the learner's
# progress: seven round trips to Redis one by one, two when read ahead with `get_many`
# (benchmarks/README.md, "Lesson page, 2026-11-30"). Django cannot share a `get_many`'s answers
# with the readers that come later in the request, hence this dict, set for each request by
# serving.RequestCacheMiddleware. Outside a request (tasks, shells) every read asks the cache.
request_reads: ContextVar[dict | None] = ContextVar("request_reads", default=None)
_ABSENT = object()


@contextmanager
def request_scope() -> Iterator[None]:
    token = request_reads.set({})
    try:
        yield
    finally:
        request_reads.reset(token)


def read(keys: Iterable[str]) -> dict:
    """`cache.get_many(keys)`, answered from what this request has already read where it can."""
    keys, fetched = list(keys), request_reads.get()
    if fetched is None:
        return cache.get_many(keys)
    if missing := [key for key in keys if key not in fetched]:
        found = cache.get_many(missing)
        fetched.update({key: found.get(key, _ABSENT) for key in missing})
    return {key: fetched[key] for key in keys if fetched[key] is not _ABSENT}


def forget(key: str) -> None:
    """`key` was written in this request: the next read asks the cache again."""
    if (fetched := request_reads.get()) is not None:
        fetched.pop(key, None)


# While Redis is down no version can be read, and a new number on every request made every view
# read the whole tree again (a lesson: 50 queries). So the process keeps a number of its own per
# version for FALLBACK_SECONDS, under which its `local` entries stay good; a change made here
# moves it at once, one made elsewhere shows within FALLBACK_SECONDS. Versions moved meanwhile
# are moved again when Redis answers (`_missed`): it would serve their old entries again.
FALLBACK_SECONDS = 10
_fallback: dict[str, tuple[int, float]] = {}
_missed: set[str] = set()


def _number(found: dict, key: str) -> int:
    """The current number of version `key`, from `found` (a `read` that asked for it)."""
    number = found.get(key)
    if number is None and not cache_is_down():
        number = new_number()
        if not cache.add(key, number, None):
            number = cache.get(key, number)
    if not cache_is_down():
        if (fetched := request_reads.get()) is not None:
            fetched[key] = number
        return number
    number, until = _fallback.get(key, (0, 0.0))
    if until <= time.monotonic():
        number = new_number()
        _fallback[key] = (number, time.monotonic() + FALLBACK_SECONDS)
    return number


def bump(key: str) -> None:
    """Move version `key` on: a new number in one round trip (an increment takes two)."""
    forget(key)
    _fallback.pop(key, None)
    cache.set(key, new_number(), None)
    if cache_is_down():
        _missed.add(key)
    replay_missed()


def replay_missed() -> None:
    while _missed and not cache_is_down():
        key = next(iter(_missed))
        cache.set(key, new_number(), None)
        if not cache_is_down():
            _missed.discard(key)


class Version:
    """A kind of version: `Version("user:{}")` is one per user."""

    def __init__(self, name: str):
        self.name = name

    def key(self, *ids) -> str:
        return "version:" + self.name.format(*ids)

    def number(self, *ids) -> int:
        return _number(read([self.key(*ids)]), self.key(*ids))

    def move_on(self, *ids) -> None:
        """Retire the entries under this version now, so the next read (in this request, in a
        test) sees the change, and again after the transaction commits, so a request that read
        the old rows just before the commit cannot keep them under the new number."""
        key = self.key(*ids)
        bump(key)
        transaction.on_commit(lambda: bump(key))


class VersionedCache:
    """Entries under `prefix`, each good while the versions `versions(*ids)` names keep the
    numbers it was stored with. `local`: also kept in this process, for what every request
    reads and is nobody's own (the page tree), so a warm page asks Redis for the versions only.
    `timeout` bounds how long a change made without a signal (an UPDATE in a shell) goes unseen.
    """

    def __init__(self, prefix, versions: Callable[..., list[str]], *, timeout: int, local=False):
        self.prefix, self.versions, self.timeout, self.local = prefix, versions, timeout, local

    def keys(self, *ids) -> list[str]:
        """The version keys, then the entry's: what `get` reads, for a caller reading ahead."""
        prefix = self.prefix() if callable(self.prefix) else self.prefix
        return [*self.versions(*ids), ":".join(map(str, (prefix, *ids)))]

    def get(self, *ids, fill: Callable[[], T]) -> T:
        """The entry for `ids`; `fill()` computes it when missing or stale (if it raises,
        nothing is kept)."""
        *version_keys, key = self.keys(*ids)
        found = read(version_keys if self.local else [*version_keys, key])
        numbers = tuple(_number(found, version_key) for version_key in version_keys)
        entry = caches["local"].get(key) if self.local else found.get(key)
        if self.local and (entry is None or entry[0] != numbers):
            entry = read([key]).get(key)
            if entry is not None and entry[0] == numbers:
                caches["local"].set(key, entry, self.timeout)
        if entry is None or entry[0] != numbers:
            entry = (numbers, fill())
            cache.set(key, entry, self.timeout)
            if (fetched := request_reads.get()) is not None:
                fetched[key] = entry
            if self.local:
                caches["local"].set(key, entry, self.timeout)
        return entry[1]
