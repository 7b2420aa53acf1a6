"""The platform's caching: Django's caches, with every entry kept under versions.

An entry is stored with the numbers of the versions it depends on and is good while they are
current; a change moves a version on, retiring every entry under it whatever its key (which change
moves which: invalidation.py, the one table). Django stores (Redis as `default`, this process as
`local`) and batches (`get_many`); added here are entries that go stale when something else
changes, read with their versions in one round trip per request, and a site that carries on
without Redis (backend.py). serving.py, auth.py and sessions.py put Wagtail's and Django's reads
of every request under it.
"""

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

T = TypeVar("T")
# Numbers from the clock, never from 1: a version evicted from Redis restarts from a number that
# no stale entry holds. They are only compared for equality.
new_number = time.time_ns
# A `get_many`'s answers, for the reads that come later in the request (Django has no such thing:
# each cached read would ask Redis for its versions). Outside a request every read asks the cache.
request_reads: ContextVar[dict | None] = ContextVar("request_reads", default=None)
_ABSENT = object()
# While Redis is down the process keeps a number of its own per version for FALLBACK_SECONDS (a
# new one per request would make every view read the whole tree again). Versions moved meanwhile
# are moved again when Redis answers (`_missed`), which would serve their old entries again.
FALLBACK_SECONDS = 10
_fallback: dict[str, tuple[int, float]] = {}
_missed: set[str] = set()


def cache_is_down() -> bool:
    return bool(getattr(cache, "is_down", lambda: False)())  # backend.py; memory is never down


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
    if (fallback := _fallback.get(key)) is None or fallback[1] <= time.monotonic():
        fallback = _fallback[key] = (new_number(), time.monotonic() + FALLBACK_SECONDS)
    return fallback[0]


def bump(key: str) -> None:
    """Move version `key` on: a new number in one round trip (an increment takes two)."""
    forget(key)
    _fallback.pop(key, None)
    _missed.add(key)
    replay_missed()


def replay_missed() -> None:
    while _missed and not cache_is_down():
        key = next(iter(_missed))
        cache.set(key, new_number(), None)
        if not cache_is_down():
            _missed.discard(key)


@dataclass(frozen=True)
class Version:
    name: str  # "user:{}": one version per user

    def key(self, *ids) -> str:
        return "version:" + self.name.format(*ids)

    def number(self, *ids) -> int:
        return _number(read([self.key(*ids)]), self.key(*ids))

    def move_on(self, *ids) -> None:
        # Now, so that the next read (in this request, in a test) sees the change, and again on
        # commit, lest a request that read the old rows just before keep them under the new number.
        key = self.key(*ids)
        bump(key)
        transaction.on_commit(lambda: bump(key))


def _entry_key(key: str) -> str:
    """`key`, or its digest where it would be long or hold spaces or control characters: ids
    can come from a visitor (a route's path, which can be kilobytes of a forged URL), and a key
    any cache backend might refuse (memcached's 250 bytes, no whitespace) is refused by none."""
    if len(key) <= 200 and not any(ord(c) < 33 or ord(c) == 127 for c in key):
        return key
    prefix = key.split(":", 1)[0]
    return f"{prefix}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


class VersionedCache:
    """Entries under `prefix`, good while `versions` (each given as many of the entry's ids as
    its name has places) keep their numbers. `local`: kept in this process too, for what every
    request reads and is nobody's own (the tree): a warm page asks Redis for the versions only.
    `timeout` bounds how long a change made without a signal (a shell's UPDATE) goes unseen."""

    def __init__(self, prefix, *versions: Version, timeout: int, local=False):
        self.prefix, self.versions, self.timeout, self.local = prefix, versions, timeout, local

    def keys(self, *ids) -> list[str]:
        """The version keys, then the entry's: what `get` reads, for a caller reading ahead."""
        prefix = self.prefix() if callable(self.prefix) else self.prefix
        versions = [version.key(*ids[: version.name.count("{}")]) for version in self.versions]
        return [*versions, _entry_key(":".join(map(str, (prefix, *ids))))]

    def get(self, *ids, fill: Callable[[], T]) -> T:
        """The entry for `ids`; `fill()` computes it when missing or stale (if it raises, not)."""
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


PAGE_TREE = Version("pages")  # what visitors see: sites, routes, pages, quizzes, fragments...
USER = Version("user:{}")  # one user's row
ADMIN_ACCESS = Version("admin-access")  # every group's and permission's rows
ADMIN_ACCESS_OF = Version("admin-access:{}")  # one user's superuser and active status
PROGRESS = Version("progress:{}:{}")  # one learner's enrolment and steps in one course


def _users_prefix() -> str:
    # A cached user carries its session hash, an HMAC under SECRET_KEY: a copy made with another
    # key (before a rotation, on another server) would log out every session signed with this one.
    return "user:" + hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:12]


pages = VersionedCache("pages", PAGE_TREE, timeout=60 * 60, local=True)
users = VersionedCache(_users_prefix, USER, timeout=10 * 60)
admin_access = VersionedCache("admin-access", ADMIN_ACCESS, ADMIN_ACCESS_OF, timeout=10 * 60)
progress = VersionedCache("progress", PROGRESS, timeout=10 * 60)
