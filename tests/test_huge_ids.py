"""Every URL of the project that takes an id, given an id no database can hold → never a 500.

The URLs are generated from the URL configuration (Wagtail's admin included), so a view added
later is covered without a line here. An id of thirty nines overflows SQLite's and PostgreSQL's
integers: the query itself fails unless the id is refused first (issue 13, 5c).
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import translation

from reports.models import ScopeLevel

from .elearning.factories import PASSWORD, UserFactory
from .reports.conftest import _coordinator

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
# `id` is the project's own converter (elearning/infrastructure/converters.py). Route
# parameters that are an object's id even when the route's converter is `str`
# (snippet choosers, the editing-session ping, translation of a snippet).
ID_NAMES = {"pk", "object_id"}
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# A regex group: "(?P<name>...)" or "(...)", without nested groups.
_REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?([^()]*)\)")


def _route_part(pattern) -> tuple[str, bool]:
    """The pattern's text with every parameter filled in, and whether it took an id."""
    took_id = False
    if isinstance(pattern, RoutePattern):

        def fill(match):
            nonlocal took_id
            converter, name = match["converter"] or "str", match["name"]
            if converter in ("int", "id") or name in ID_NAMES:
                took_id = True
                return HUGE
            if converter == "uuid":
                return str(uuid.uuid4())
            return "x"

        return _ROUTE_PARAMETER.sub(fill, pattern._route), took_id
    if isinstance(pattern, RegexPattern):

        def fill_group(match):
            nonlocal took_id
            if r"\d" in match[1]:
                took_id = True
                return HUGE
            return "x"

        text = _REGEX_GROUP.sub(fill_group, pattern._regex)
        return text.lstrip("^").rstrip("$").replace("\\", ""), took_id
    return str(pattern), False  # the language prefix


def urls_with_ids() -> list[str]:
    urls = []

    def walk(patterns, prefix, took_id):
        for pattern in patterns:
            part, took = _route_part(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + part, took_id or took)
            elif isinstance(pattern, URLPattern) and (took_id or took):
                urls.append("/" + prefix + part)

    with translation.override("ro"):
        walk(get_resolver().url_patterns, "", False)
    return urls


def test_the_walk_finds_the_project_and_wagtail_urls():
    urls = urls_with_ids()
    expected = [
        f"/ro/learning/quizzes/{HUGE}/start/",
        f"/ro/learning/quizzes/{HUGE}/attempts/{HUGE}/",
        f"/ro/learning/quizzes/{HUGE}/attempts/{HUGE}/submit/",
        f"/ro/learning/courses/{HUGE}/start/",
        f"/ro/learning/lessons/{HUGE}/complete/",
        f"/admin/pages/{HUGE}/edit/",
        f"/admin/pages/{HUGE}/revisions/compare/{HUGE}...{HUGE}/",
        f"/documents/{HUGE}/x",
        f"/admin/snippets/choose/accounts/institution/chosen/{HUGE}/",
    ]
    assert not [url for url in expected if url not in urls]
    assert len(urls) > 100


@pytest.fixture
def people(demo_site):
    return {
        "learner": UserFactory(email="cursant@example.org"),
        "coordinator": _coordinator("coordonator@example.org", ScopeLevel.NATIONAL),
        "admin": UserFactory(email="admin@example.org", is_superuser=True, is_staff=True),
    }


def test_an_id_too_large_for_the_database_is_never_a_server_error(client, people):
    failures = []
    urls = urls_with_ids()
    for person, user in people.items():
        assert client.login(email=user.email, password=PASSWORD)
        for url in urls:
            for method in (client.get, client.post):
                try:
                    status = method(url).status_code
                except Exception as error:  # noqa: BLE001 - every crash is a finding
                    status = f"{type(error).__name__}: {error}"
                if not isinstance(status, int) or status >= 500:
                    failures.append((person, method.__name__, url, status))
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize(
    "url",
    [
        f"/ro/learning/quizzes/{HUGE}/start/",
        f"/ro/learning/quizzes/{HUGE}/attempts/{HUGE}/",
        f"/ro/learning/quizzes/{HUGE}/attempts/{HUGE}/submit/",
        f"/ro/learning/courses/{HUGE}/start/",
        f"/ro/learning/lessons/{HUGE}/complete/",
    ],
)
def test_a_learner_gets_not_found_for_an_id_out_of_range(client, people, url):
    client.force_login(people["learner"])
    response = client.post(url) if "attempts" not in url or "submit" in url else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("model", ["accounts/institution", "courses/referralcontact"])
@pytest.mark.parametrize("key", ["abc", "1.5", "-" + HUGE, "%20"])
def test_a_chooser_given_a_key_that_cannot_exist_answers_404(client, people, model, key):
    """Wagtail's chosen views only expect a missing row: a word was a ValueError (500).
    (elearning.infrastructure.admin_viewsets.ReferenceDataViewSet; the other snippets have no
    chooser.)"""
    client.force_login(people["admin"])
    base = f"/admin/snippets/choose/{model}"
    assert client.get(f"{base}/chosen/{key}/").status_code == 404
    chosen_multiple = client.get(f"{base}/chosen-multiple/", {"id": [key, HUGE]})
    assert chosen_multiple.status_code == 200
    assert chosen_multiple.json()["result"] == []
