"""What Wagtail reads of the page tree to serve every page, from `caching.pages`.

Serving a lesson cost about 15 queries that do not depend on the learner: the site for the host,
Wagtail's routing (two queries per level of the URL), the view restrictions of the page and its
ancestors. Wagtail keeps none of them beyond the request (the sites' root paths it keeps in
Django's cache: a round trip per request, two queries per URL while Redis is down) and has no
public way to be handed them, so these private attributes are set here, each checked by
tests/elearning/test_cache_private_api.py: `request._wagtail_site` (Site.find_for_request),
`_wagtail_cached_site_root_paths` on a request or a page (Page._get_site_root_paths),
`request._wagtail_route_for_request` (Page.route_for_request), and treebeard's
`_cached_parent_obj` (dropped, so a cached page does not carry its ancestors).
"""

from __future__ import annotations

import copy
from functools import cache as memoize
from functools import partial

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from . import PAGE_TREE, pages
from .core import read, replay_missed, request_scope


class RequestCacheMiddleware:
    """Opens the request's shared reads (core.read) with the page tree's version and the session
    in one round trip, and hands Wagtail the request's site and root paths."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replay_missed()
        with request_scope():
            session = getattr(request, "session", None)
            session_key = getattr(session, "read_ahead_key", lambda: None)()
            read([PAGE_TREE.key(), *([session_key] if session_key else [])])
            # CommonMiddleware has validated the host already.
            hostname = split_domain_port(request.get_host())[0]
            request._wagtail_site = pages.get(
                "site", hostname, request.get_port(), fill=lambda: Site.find_for_request(request)
            )
            # A Site, or the url_path of a site's root page (published or moved), moves the tree.
            request._wagtail_cached_site_root_paths = site_root_paths()
            return self.get_response(request)


def site_root_paths() -> list:
    return pages.get("site-root-paths", fill=Site.get_site_root_paths)


def with_site_root_paths(page_list: list[Page]) -> list[Page]:
    """The pages, given the site root paths their `url` needs, so that working out many pages'
    URLs without a request reads them once."""
    paths = site_root_paths()
    for page in page_list:
        page._wagtail_cached_site_root_paths = paths
    return page_list


@memoize
def routes_follow_the_tree() -> bool:
    """True when no page type overrides `route()`, so a URL path names one page of the tree
    (a RoutablePage maps sub-paths to views, which a cached path → page cannot know)."""
    from wagtail.models import get_page_models

    return all(model.route is Page.route for model in get_page_models())


class _NotCached(Exception):
    pass


def route_for_request(request, path: str) -> None:
    """Route `path` through the cache (the page's id and type; the page from `live_page`) and
    leave the result where Wagtail's `serve` looks; else Wagtail routes it as usual."""
    site = Site.find_for_request(request)
    if site is None or not routes_follow_the_tree():
        return

    def route() -> tuple[int, str]:
        result = Page.route_for_request(request, path)
        if result is None or result.args or result.kwargs or not result.page.live:
            raise _NotCached  # a 404 or a sub-route: not worth keeping
        page = copy.copy(result.page)
        page.__dict__.pop("_cached_parent_obj", None)  # treebeard's parent: not worth pickling
        pages.get("live-page", page.pk, fill=lambda: page)
        return page.pk, page._meta.label

    try:
        page = live_page(*pages.get("route", site.pk, get_language(), path, fill=route))
    except _NotCached:
        return
    if page is not None and not hasattr(request, "_wagtail_route_for_request"):
        request._wagtail_route_for_request = RouteResult(page)


def live_page(page_id: int, model_label: str) -> Page | None:
    """The live page `page_id` (specific), or None. Fetching it was the costliest part of a
    warm page view (a wide row, a join per level of inheritance). A visitor sees a change only
    when it is published, which moves the tree on; a draft changes only the editor's side. Each
    request unpickles its own copy: nothing a view sets on its page reaches another request."""
    model = apps.get_model(model_label)
    try:
        return pages.get("live-page", page_id, fill=lambda: model.objects.live().get(pk=page_id))
    except ObjectDoesNotExist:
        return None


def view_restrictions(page: Page) -> list:
    """The view restrictions of `page` and its ancestors (Page.get_view_restrictions), cached;
    the check itself (login, groups, password) still runs on every request."""
    return pages.get(
        "restrictions", page.pk, fill=lambda: list(type(page).get_view_restrictions(page))
    )


def serve_with_cached_view_restrictions(serve):
    """An `on_serve_page` hook that runs before Wagtail's own (which checks the page's view
    restrictions, two queries): it hands Wagtail the page with its restrictions from the cache.
    Wagtail only iterates them. The page is this request's own copy (`live_page`, or routed)."""

    def inner(page, request, args, kwargs):
        page.get_view_restrictions = partial(list, view_restrictions(page))
        return serve(page, request, args, kwargs)

    return inner
