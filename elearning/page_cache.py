"""Reads of the page tree that every page view repeats, cached until the tree changes.

Serving a lesson used to cost about 15 queries that do not depend on the learner: the site for
the host, Wagtail's routing (two queries per level of the URL), the view restrictions of the page
and its ancestors, and the language switcher's translation lookup. They depend only on the
published tree, so they are cached under one version number (`version()`), and everything is
dropped at once by a new version whenever a page is published, unpublished, moved or deleted, or a
site, locale or view restriction changes. Publishing is rare; reading is every request.

What is cached is structure (ids, paths, URLs, restriction rows) and the live pages themselves,
never a learner's data. A page is cached only as fetched with `.live()`, under the version, so
a draft or an unpublished page is never served from it.
"""

from __future__ import annotations

import copy
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache as memoize
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.url_routing import RouteResult

from . import request_cache

T = TypeVar("T")

VERSION_KEY = "pages:version"
TIMEOUT = 60 * 60  # a safety net: every change also drops the entries at once


def new_version_number() -> int:
    # When a version key is evicted it restarts from the clock, never from 1, so it cannot
    # fall back onto a number whose stale entries are still in the cache.
    return time.time_ns()


# The version read once at the start of a request (CachedSiteMiddleware) and used for the rest
# of it: a lesson view reads a dozen cached entries, and asking Redis for the version before
# each one was a third of its cache round trips. A change during the request resets it.
_request_version: ContextVar[int | None] = ContextVar("pages_version", default=None)


def version() -> int:
    current = _request_version.get()
    if current is None:
        current = _stored_version()
    return current


def _stored_version() -> int:
    """The tree's version as the cache holds it (created when missing), or, while the cache is
    down, this process's own (`_version_while_cache_down`)."""
    if not cache_is_down():
        number = cache.get_or_set(VERSION_KEY, new_version_number, None)
        if not cache_is_down():
            return number
    return _version_while_cache_down()


def cache_is_down() -> bool:
    """True while the cache does not answer (elearning.redis_cache.ResilientRedisCache); other
    backends (the tests' and `make run`'s local memory) are never down."""
    is_down = getattr(cache, "is_down", None)
    return bool(is_down and is_down())


# While the cache is down, the version cannot be read, and a new number on every request made
# every view read the whole tree again (a lesson: 50 queries, 100 in a 30-lesson course). So the
# process keeps one version of its own for a few seconds, and the pages, routes and fragments it
# reads stay in its memory (`_local`) meanwhile. A change made in this process starts a new one
# at once (`invalidate`); one made in another process shows here within FALLBACK_SECONDS.
FALLBACK_SECONDS = 10
_fallback: tuple[int, float] | None = None


def _version_while_cache_down() -> int:
    global _fallback
    now = time.monotonic()
    if _fallback is None or _fallback[1] <= now:
        _fallback = (new_version_number(), now + FALLBACK_SECONDS)
    return _fallback[0]


def version_in(found: dict, key: str) -> int:
    """The version number stored under `key`, from the result of a `cache.get_many` that
    asked for it along with the entry it versions; created when missing."""
    number = found.get(key)
    if number is None:
        number = new_version_number()
        if not cache.add(key, number, None):
            number = cache.get(key, number)
        request_cache.remember(key, number)
    return number


def bump(key: str) -> None:
    """Move the version stored under `key` on, retiring every entry keyed by the old one.

    A new number from the clock, in one round trip (incrementing takes two: Redis is asked
    whether the key exists, then to increment it). Readers only compare versions for equality,
    and a new number from the clock never equals one read before.
    """
    request_cache.forget(key)
    cache.set(key, new_version_number(), None)
    if cache_is_down():
        _missed_bumps.add(key)
    else:
        bump_missed()


def bump_now_and_after_commit(key: str) -> None:
    """`bump` now, so the next read (in this request, in a test) sees the write, and again after
    the transaction commits, so a request that read the old rows just before the commit cannot
    keep them cached under the new version."""
    bump(key)
    transaction.on_commit(lambda: bump(key))


# Versions this process could not move on while the cache was down. Whatever the cache still
# holds under their old numbers (a page published during an outage, a deactivated account)
# would be served again when it answers, so they are moved on as soon as it does: at the next
# request this process serves (CachedSiteMiddleware) or its next `bump`.
_missed_bumps: set[str] = set()


def bump_missed() -> None:
    if not _missed_bumps or cache_is_down():
        return
    for key in list(_missed_bumps):
        cache.set(key, new_version_number(), None)
        if cache_is_down():
            return
        _missed_bumps.discard(key)


def invalidate(**kwargs) -> None:
    """Drop every cached read of the page tree.

    Now, so this request and tests see the change, and again after the transaction commits,
    so a request that read the old rows before the commit cannot keep them cached.
    """
    _tree_moved_on()
    _request_version.set(None)
    transaction.on_commit(_tree_moved_on)


def _tree_moved_on() -> None:
    global _fallback
    bump(VERSION_KEY)
    _fallback = None  # while the cache is down: this process's own version, likewise


# This process keeps what it read, as pickled bytes (so no two requests ever share a live
# object), under the same versioned keys: after a change the version is new, so old entries are
# simply never asked for again and age out of this bounded store. Only the version itself then
# needs a round trip to Redis per request, instead of one per entry.
LOCAL_ENTRIES = 2000
_local: OrderedDict[str, bytes] = OrderedDict()
_local_lock = threading.Lock()
_MISSING = object()


class _Immutable:
    """A value kept in `_local` as it is: see `cached_immutable`."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def lookup(name: str):
    """The entry `name` under the tree's current version, or `_MISSING`."""
    key = f"pages:{version()}:{name}"
    blob = _local.get(key)
    if blob is not None:
        if isinstance(blob, _Immutable):
            return blob.value
        return pickle.loads(blob)  # noqa: S301  (bytes this process pickled itself)
    entry = cache.get(key)
    if entry is None:
        return _MISSING
    _remember(key, entry[0])
    return entry[0]


def store(name: str, value, *, immutable: bool = False) -> None:
    key = f"pages:{version()}:{name}"
    cache.set(key, (value,), TIMEOUT)  # a tuple, so None is a value like any other
    _remember(key, value, immutable=immutable)


def _remember(key: str, value, *, immutable: bool = False) -> None:
    blob = _Immutable(value) if immutable else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    with _local_lock:
        _local[key] = blob
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def cached(name: str, fill: Callable[[], T]) -> T:
    """The value of `name` under the tree's current version; `fill()` computes it on a miss."""
    value = lookup(name)
    if value is _MISSING:
        value = fill()
        store(name, value)
    return value


def cached_immutable(name: str, fill: Callable[[], T]) -> T:
    """`cached`, for a value that nothing can change: a tuple of frozen dataclasses holding
    strings, numbers and UUIDs, for example (never a model instance, a list or a dict).

    The process keeps the object itself and hands the same one to every request, so there
    is nothing to unpickle: a course's outline read 33 pickled pages on every lesson view.
    """
    key = f"pages:{version()}:{name}"
    blob = _local.get(key)
    if isinstance(blob, _Immutable):
        return blob.value
    entry = cache.get(key)
    if entry is None:
        value = fill()
        cache.set(key, (value,), TIMEOUT)
    else:
        value = entry[0]
    _remember(key, value, immutable=True)
    return value


def connect_signals() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"page-cache-{signal}")
    for model in ("wagtailcore.Page", "wagtailcore.Site", "wagtailcore.Locale"):
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"page-cache-delete-{model}")
    for model in ("wagtailcore.Site", "wagtailcore.Locale", "wagtailcore.PageViewRestriction"):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"page-cache-save-{model}")
    post_delete.connect(
        invalidate,
        sender="wagtailcore.PageViewRestriction",
        dispatch_uid="page-cache-delete-restriction",
    )


# The site --------------------------------------------------------------------------------------


class CachedSiteMiddleware:
    """Opens the request's shared cache reads (`elearning.request_cache`), reads the page
    tree's version once for the request, and finds the request's Wagtail site in the cache
    instead of the database.

    The session comes back in the same round trip as the version (`elearning.sessions`).
    Wagtail looks the site up once per request (`Site.find_for_request`, one query) and keeps
    it on the request as `_wagtail_site`; this sets that attribute from the cache first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bump_missed()
        with request_cache.scope():
            keys = [VERSION_KEY]
            session_key = getattr(getattr(request, "session", None), "read_ahead_key", None)
            if session_key is not None and session_key() is not None:
                keys.append(session_key())
            number = request_cache.get_many(keys).get(VERSION_KEY)
            if number is None:
                number = _stored_version()
            token = _request_version.set(number)
            try:
                return self._call(request)
            finally:
                _request_version.reset(token)

    def _call(self, request):
        # The raw host, as Wagtail itself matches it (ALLOWED_HOSTS is checked elsewhere).
        hostname = split_domain_port(request._get_raw_host())[0]
        request._wagtail_site = cached(
            f"site:{hostname}:{request.get_port()}", lambda: Site.find_for_request(request)
        )
        # Every page URL needs the sites' root paths; Wagtail keeps them in the cache (a round
        # trip per request) and then on the request. They change with a Site (which moves the
        # version on) or with the url_path of a site's root page (published or moved: so does
        # that); a new translation of a root page serves no page until it is published.
        request._wagtail_cached_site_root_paths = site_root_paths()
        return self.get_response(request)


def site_root_paths() -> list:
    """Wagtail's `Site.get_site_root_paths()`, under the tree's version. Wagtail keeps them
    only in the cache, so while it is down each page URL worked out without a request read
    them again (two queries per URL: 60 for a course outline)."""
    return cached("site-root-paths", Site.get_site_root_paths)


def with_site_root_paths(pages):
    """The pages, given the site root paths their `url` needs (as a request would), so that
    working out many pages' URLs reads them once (see `site_root_paths`)."""
    paths = site_root_paths()
    for page in pages:
        # Wagtail looks for them on the object it is given, or on the page itself.
        page._wagtail_cached_site_root_paths = paths
    return pages


# Routing ---------------------------------------------------------------------------------------


@memoize
def routes_follow_the_tree() -> bool:
    """True when no page type overrides `route()`, so a URL path names one page of the tree
    (a RoutablePage would map sub-paths to views, which a cached path → page cannot know)."""
    from wagtail.models import get_page_models

    return all(model.route is Page.route for model in get_page_models())


def route_for_request(request, path: str) -> None:
    """Route `path` through the cache, then leave the result where Wagtail's `serve` looks.

    A cached route is only the page's id and type; the page itself comes from `live_page`. On
    a miss, or if that page is no longer live, Wagtail routes as usual.
    """
    site = Site.find_for_request(request)
    if site is None or not routes_follow_the_tree():
        return
    name = f"route:{site.pk}:{get_language()}:{path}"
    entry = lookup(name)
    if entry is not _MISSING:
        page = live_page(*entry)
        if page is not None:
            request._wagtail_route_for_request = RouteResult(page)
            return
    result = Page.route_for_request(request, path)
    if result is not None and not result.args and not result.kwargs:
        store(name, (result.page.pk, result.page._meta.label))
        if result.page.live:  # as just read from the database, before anything serves it
            page = copy.copy(result.page)
            # Routing leaves the parent (and its ancestors) on the page: not worth pickling.
            page.__dict__.pop("_cached_parent_obj", None)
            store(f"live-page:{page.pk}", page)


def live_page(page_id: int, model_label: str) -> Page | None:
    """The live page `page_id` (specific), as of the tree's current version; None when it is
    not live.

    Fetching it was the costliest part of a warm page view (a wide row, a join per level of
    model inheritance: about 2 ms of CPU against 30-60 us to unpickle it). Everything a visitor
    sees of a page changes only by publishing, unpublishing, moving or deleting it, and each of
    those moves the version on (`invalidate`); saving a draft changes only the editor's side
    (latest revision, draft title), which the public page never shows. Each request unpickles
    its own copy (see `lookup`), so nothing a view sets on its page reaches another request.
    """
    name = f"live-page:{page_id}"  # also stored by route_for_request after routing
    page = lookup(name)
    if page is _MISSING:
        page = apps.get_model(model_label).objects.live().filter(pk=page_id).first()
        if page is None:
            return None
        store(name, page)
    return page


# View restrictions -----------------------------------------------------------------------------


class CachedViewRestrictionsMixin:
    """Page types whose view restrictions (their own and their ancestors') come from the cache.

    Wagtail checks them before serving every page, in two queries. The rows are cached; the
    check itself (login, groups, password) still runs on every request against the current user.
    Iterating the returned queryset uses the cached rows; anything that refines it (the admin
    orders it, for example) runs a fresh query.
    """

    def get_view_restrictions(self):
        rows = cached(
            f"restrictions:{self.pk}",
            lambda: list(super(CachedViewRestrictionsMixin, self).get_view_restrictions()),
        )
        if not rows:
            # Nearly every page: an empty queryset, cheaper to build than a filter, stays empty
            # whatever refines it.
            return PageViewRestriction.objects.none()
        queryset = PageViewRestriction.objects.filter(pk__in=[row.pk for row in rows])
        queryset._result_cache = rows
        return queryset


# Translations ----------------------------------------------------------------------------------


def translation_url(page: Page, language: str) -> str:
    """`elearning.i18n.page_translation_url`, cached per page and language."""
    from .i18n import page_translation_url

    return cached(
        f"translation-url:{page.pk}:{language}", lambda: page_translation_url(page, language)
    )
