"""Rendered template fragments that many people see (a lesson's body, a course outline), kept
in each worker process as well as in Redis.

Django's `{% cache %}` asks Redis on every render, one round trip per fragment. These fragments
are the same for every learner their key names (the page tree's version, the page, the
language, the county, the steps done) and are plain strings, which no request can change, so
each process keeps the ones it read. A copy here expires when the Redis entry it came from does,
so an edit that only the timeout brings out (a changed image) shows no later than before. Every
key includes the page tree's version, so publishing (or anything else that moves it on) drops
them all at once, and a cache flush cannot leave a process with copies Redis no longer has.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django import template
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

# Bounded by size, not count: lesson bodies are tens of kilobytes.
MAX_CHARACTERS = 8_000_000

_local: OrderedDict[str, tuple[float, str]] = OrderedDict()
_size = 0
_lock = threading.Lock()


def get(key: str) -> str | None:
    entry = _local.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is None:
            return None
        _remember(key, entry)
    expires_at, html = entry
    if expires_at <= time.time():
        return None
    return html


def set(key: str, html: str, timeout: int) -> None:
    entry = (time.time() + timeout, html)
    cache.set(key, entry, timeout)
    _remember(key, entry)


def _remember(key: str, entry: tuple[float, str]) -> None:
    global _size
    with _lock:
        old = _local.pop(key, None)
        if old is not None:
            _size -= len(old[1])
        _local[key] = entry
        _size += len(entry[1])
        while _size > MAX_CHARACTERS and _local:
            _size -= len(_local.popitem(last=False)[1][1])


class FragmentCacheNode(template.Node):
    def __init__(self, nodelist, timeout, name: str, vary_on):
        self.nodelist, self.timeout, self.name, self.vary_on = nodelist, timeout, name, vary_on

    def render(self, context):
        from .page_cache import version

        key = make_template_fragment_key(
            self.name, [version(), *(variable.resolve(context) for variable in self.vary_on)]
        )
        html = get(key)
        if html is None:
            html = self.nodelist.render(context)
            set(key, html, int(self.timeout.resolve(context)))
        return html


def do_fragment_cache(parser, token):
    """`{% fragment_cache <seconds> <name> [vary on...] %} ... {% endfragment_cache %}`: Django's
    `{% cache %}`, with a copy in the process (see elearning.fragment_cache)."""
    nodelist = parser.parse(("endfragment_cache",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]!r} needs a timeout and a name.")
    vary_on = [parser.compile_filter(bit) for bit in bits[3:]]
    return FragmentCacheNode(nodelist, parser.compile_filter(bits[1]), bits[2], vary_on)
