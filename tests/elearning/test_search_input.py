"""What a person types into a search box is text, never query syntax (issue 13, 5d).

Every search goes through the project's search backend (elearning/infrastructure/search.py),
which keeps the words of the text and drops the rest; so a quote, a bracket or a lone operator
finds nothing instead of a 500 (and, in production, the outage page).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Page

from courses import selectors
from courses.models import CoursePage

from ..courses.factories import catalogue, make_course
from .factories import UserFactory

pytestmark = pytest.mark.django_db

# FTS5, PostgreSQL tsquery and Wagtail's own query syntax.
AWKWARD = ['"', '""', '"trafic', 'a"b', "*", "trafic*", "AND", "OR", "NOT", "NEAR(a b)", "(", ")"]
AWKWARD += [":", "a:b", "-", "-trafic", "^", "'", "\\", "%", "_", "&", "|", "!", "<->", 'ș"ț']


def test_the_catalogue_answers_every_awkward_query(client, demo_site):
    make_course(slug="trafic", title="Traficul de copii")
    url = catalogue().url
    failures = []
    for query in AWKWARD:
        response = client.get(url, {"q": query})
        if response.status_code != 200:
            failures.append((query, response.status_code))
    assert not failures
    # Words around the syntax still find the course.
    found = client.get(url, {"q": '"traficul" (copii)'}).context["courses"]
    assert [item.course.title for item in found] == ["Traficul de copii"]


def admin_listing_urls() -> list[str]:
    """Every admin URL without a parameter: the listings, choosers and searches among them
    read `q`; the rest ignore it."""
    urls = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern) or "<" in pattern.pattern._route:
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + pattern.pattern._route)
            elif isinstance(pattern, URLPattern):
                urls.append(prefix + pattern.pattern._route)

    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "admin/":
            walk(pattern.url_patterns, "/admin/")
    return urls


def test_every_admin_search_answers_awkward_queries(client, demo_site):
    make_course(slug="trafic", title="Traficul de copii")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    urls = admin_listing_urls()
    for expected in [
        "/admin/pages/search/",
        "/admin/documents/",
        "/admin/images/",
        "/admin/snippets/certificates/certificate/",
        "/admin/snippets/accounts/institution/",
        "/admin/users/",
        "/admin/choose-page/search/",
    ]:
        assert expected in urls
    failures = []
    for url in urls:
        if url == "/admin/failwhale/":
            continue  # Wagtail's page that is a 500 on purpose
        for query in ['"', 'a"b', "trafic*", "NEAR(", "'", "\\"]:
            status = client.get(url, {"q": query}).status_code
            if status >= 500:
                failures.append((url, query, status))
    assert not failures, "\n".join(map(str, failures))


@pytest.fixture
def searchable(demo_site):
    make_course(slug="trafic", title="Traficul de copii")
    return catalogue()


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=40))
def test_any_text_is_a_search_not_a_syntax(searchable, text):
    courses = list(CoursePage.objects.live().child_of(searchable))
    selectors.courses_matching(courses=courses, index=searchable, query=text)
    list(Page.objects.search(text))
    list(Page.objects.autocomplete(text))


def test_the_words_of_a_query_still_search():
    from elearning.infrastructure.search import words_only

    assert words_only('"Traficul" de (copii)* AND ș"ț') == "Traficul de copii AND ș ț"
    assert words_only('"*()') == ""
