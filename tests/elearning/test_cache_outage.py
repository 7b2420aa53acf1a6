"""While Redis is down the site is served from the database, quickly, and loses nothing.

Redis is made to fail for real: the cache points at a port where nothing listens (refused), or
at a server of this test's that accepts connections and never answers (a Redis that hangs).
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from courses.models import StepCompletion
from elearning.infrastructure import caching
from elearning.infrastructure.caching.backend import ResilientRedisCache

from ..courses.factories import lesson_queries, lessons_of, make_course, publish
from .factories import UserFactory
from .servers import BrokenServer

pytestmark = pytest.mark.django_db


def redis_at(port: int, **options) -> dict:
    return {
        "default": {
            "BACKEND": "elearning.infrastructure.caching.backend.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2, **options},
        },
        "local": settings.CACHES["local"],
    }


REFUSED = redis_at(9)  # the discard port: nothing listens on it here


@pytest.fixture(autouse=True)
def cache_up_again():
    """The outage state is the process's: leave none of it to the next test."""
    yield
    ResilientRedisCache._down_until = 0.0
    caching._fallback.clear()
    caching._missed.clear()


def test_lessons_are_served_from_the_process_while_redis_is_down(client, demo_site, monkeypatch):
    # The process's own version lasts 10 s; a slow test run must not see it end midway.
    monkeypatch.setattr(caching, "FALLBACK_SECONDS", 600)
    small = make_course(slug="mic", lessons=3, translate=False)
    big = make_course(slug="mare", lessons=30, translate=False)
    learner = UserFactory()
    client.force_login(learner)
    with override_settings(CACHES=REFUSED):
        for lesson in (lessons_of(small)[1], lessons_of(big)[15]):
            lesson_queries(client, lesson)  # first views
        # Views after the first read the tree from the process, not from the database: only
        # the session, the user, the admin flag and the learner's progress, whatever the course.
        again_small = lesson_queries(client, lessons_of(small)[1])
        again_big = lesson_queries(client, lessons_of(big)[15])
        assert len(again_small) == len(again_big) <= 9, "\n".join(q[:100] for q in again_big)
        # Before, every view read the whole tree again: 50 queries, and 100 for 30 lessons. The
        # first view of another lesson reads its route, page and the templates' page URLs.
        first_of_a_new_lesson = lesson_queries(client, lessons_of(big)[16])
        assert len(first_of_a_new_lesson) <= 30, "\n".join(q[:100] for q in first_of_a_new_lesson)

        # Progress made during the outage is kept and shown.
        lesson = lessons_of(small)[1]
        response = client.post(f"/ro/learning/lessons/{lesson.pk}/complete/")
        assert response.status_code == 302
        assert StepCompletion.objects.filter(learner=learner, step_key=lesson.translation_key)
        assert "Ați terminat această lecție." in client.get(lesson.url).content.decode()

        # A change published by this process during the outage shows at once.
        lesson.title = "Titlu schimbat în timpul întreruperii"
        publish(lesson)
        assert "Titlu schimbat în timpul întreruperii" in client.get(lesson.url).content.decode()


def test_a_redis_that_hangs_costs_one_timeout_not_one_per_operation(monkeypatch):
    server = BrokenServer(hang=True)
    monkeypatch.setattr(ResilientRedisCache, "RETRY_AFTER", 30.0)
    try:
        with override_settings(CACHES=redis_at(server.port, socket_timeout=0.2)):
            assert cache.get("anything") is None  # waited 0.2 s for an answer, then gave up
            asked = (server.connections, server.received)
            assert asked[0] == 1 and asked[1] >= 1
            for _ in range(20):
                assert cache.get("anything", "default") == "default"
                cache.set("anything", 1)
                assert cache.get_many(["a", "b"]) == {}
                assert cache.incr("throttle") == 1
            assert (server.connections, server.received) == asked  # not asked again
            assert caching.cache_is_down()

            # Once the pause is over it is asked again.
            ResilientRedisCache._down_until = 0.0
            cache.get("anything")
            assert server.received > asked[1]
    finally:
        server.close()


def test_a_change_redis_missed_is_applied_when_it_answers_again(client, demo_site):
    # Something cached under a version (a user's account, the page tree) that this process
    # moves on while Redis is down: the old number would be served again when Redis answers.
    cache.set("account-version:42", 5, None)
    with override_settings(CACHES=REFUSED):
        caching.bump("account-version:42")
        assert caching.cache_is_down()
    ResilientRedisCache._down_until = 0.0  # Redis answers again
    assert cache.get("account-version:42") == 5  # the bump was lost...
    assert client.get("/ro/").status_code == 200  # ...until this process serves a request
    assert cache.get("account-version:42") not in (5, None)
    assert not caching._missed
