"""What Wagtail reads of the page tree to serve every page (about 15 queries: the site, the
routing, two per level of the URL, the view restrictions), from `caching.pages`.

Wagtail keeps none of it beyond the request and has no public way to be handed it, so this sets
private attributes, each checked by tests/elearning/test_cache_private_api.py: `_wagtail_site`
and `_wagtail_route_for_request` on a request, `_wagtail_cached_site_root_paths` on a request or
page, and drops treebeard's `_cached_parent_obj` from a page it keeps.
"""

import copy
from functools import partial

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail.models import Page, Site, get_page_models
from wagtail.url_routing import RouteResult

from . import PAGE_TREE, pages, read, replay_missed, request_scope


class RequestCacheMiddleware:
    """Opens the request's shared reads (the tree's version and the session: one round trip)."""

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
    """The pages, handed the site root paths their `url` needs (read once for them all)."""
    paths = site_root_paths()
    for page in page_list:
        page._wagtail_cached_site_root_paths = paths
    return page_list


def route_for_request(request, path: str) -> None:
    """Route `path` through the cache, and leave the result where Wagtail's `serve` looks. The
    live page is cached too (a wide row, a join per level of inheritance): only publishing, which
    moves the tree, changes what a visitor sees. Each request unpickles its own copy."""
    site = Site.find_for_request(request)
    # A RoutablePage maps sub-paths to views, which a cached path → page cannot know.
    if site is None or any(model.route is not Page.route for model in get_page_models()):
        return

    def route() -> tuple[int, str]:
        result = Page.route_for_request(request, path)
        if result is None or result.args or result.kwargs or not result.page.live:
            raise Page.DoesNotExist  # a 404 or a sub-route: not worth keeping
        page = copy.copy(result.page)
        page.__dict__.pop("_cached_parent_obj", None)
        pages.get("live-page", page.pk, fill=lambda: page)
        return page.pk, page._meta.label

    try:
        page_id, label = pages.get("route", site.pk, get_language(), path, fill=route)
        model = apps.get_model(label)
        page = pages.get("live-page", page_id, fill=lambda: model.objects.live().get(pk=page_id))
    except ObjectDoesNotExist:
        return
    if not hasattr(request, "_wagtail_route_for_request"):
        request._wagtail_route_for_request = RouteResult(page)


def view_restrictions(page: Page) -> list:
    """Page.get_view_restrictions of `page`, cached; the check itself runs on every request."""
    return pages.get(
        "restrictions", page.pk, fill=lambda: list(type(page).get_view_restrictions(page))
    )


def serve_with_cached_view_restrictions(serve):
    """An `on_serve_page` hook run before Wagtail's own, which checks the page's restrictions:
    it hands the page (this request's own copy) its restrictions from the cache."""

    def inner(page, request, args, kwargs):
        page.get_view_restrictions = partial(list, view_restrictions(page))
        return serve(page, request, args, kwargs)

    return inner
