"""The private attributes of Wagtail, treebeard and Django that the caching package relies on
(elearning/infrastructure/caching/serving.py and backend.py name them). Each test fails if an
upgrade renames or stops using one, instead of the cache silently doing nothing."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from elearning.infrastructure.caching.backend import OneClientPerPool, ResilientRedisCache

from ..courses.factories import lessons_of, make_course

pytestmark = pytest.mark.django_db


def test_wagtail_keeps_the_requests_site_in_wagtail_site(demo_site, django_assert_num_queries):
    request = RequestFactory().get("/ro/")
    site = Site.objects.get(is_default_site=True)
    request._wagtail_site = site
    with django_assert_num_queries(0):
        assert Site.find_for_request(request) is site


def test_wagtail_reads_the_site_root_paths_from_the_request_or_page(
    demo_site, django_assert_num_queries
):
    lesson = lessons_of(make_course(lessons=1, translate=False))[0]
    paths = Site.get_site_root_paths()
    cache.clear()  # Wagtail's own copy of them
    lesson._wagtail_cached_site_root_paths = paths
    with django_assert_num_queries(0):
        assert lesson.url == "/ro/cursuri/curs/lectia-1/"
    request = RequestFactory().get("/ro/")
    request._wagtail_site = Site.objects.get(is_default_site=True)
    request._wagtail_cached_site_root_paths = paths
    lesson = Page.objects.get(pk=lesson.pk)
    with django_assert_num_queries(0):
        assert lesson.get_url(request) == "/ro/cursuri/curs/lectia-1/"


def test_wagtail_keeps_the_route_in_wagtail_route_for_request(demo_site, django_assert_num_queries):
    request = RequestFactory().get("/ro/nowhere/")
    route = RouteResult(demo_site)
    request._wagtail_route_for_request = route
    with django_assert_num_queries(0):
        assert Page.route_for_request(request, "/nowhere/") is route


def test_treebeard_keeps_a_pages_parent_in_cached_parent_obj(demo_site):
    lesson = lessons_of(make_course(lessons=1, translate=False))[0]
    lesson.get_parent()
    assert "_cached_parent_obj" in lesson.__dict__


def test_djangos_redis_client_builds_clients_as_one_client_per_pool_expects():
    """OneClientPerPool overrides RedisCacheClient.get_client with its `_get_connection_pool`
    and `_client`, and is installed through RedisCache's `_class` (read by `_cache`)."""
    backend = ResilientRedisCache("redis://127.0.0.1:9/0", {})
    client = backend._cache
    assert isinstance(client, OneClientPerPool)
    assert client.get_client() is client.get_client(write=True)
    assert client._client is not None and callable(client._get_connection_pool)
