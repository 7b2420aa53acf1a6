"""An outage answers 503 with Retry-After and a page that needs no database or cache, not 500."""

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: connection refused
    },
    "local": settings.CACHES["local"],
}


@override_settings(CACHES=DEAD_REDIS, SESSION_ENGINE="django.contrib.sessions.backends.cache")
def test_sessions_store_down_is_503_not_500(client, demo_site):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/ro/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "indisponibilă" in body and "progress you have saved is not lost" in body


def test_a_real_bug_is_still_a_500(client, demo_site, settings):
    from django.urls import path

    def broken(request):
        raise ValueError("a bug")

    import elearning.urls

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {"urlpatterns": [path("broken/", broken)], "handler500": elearning.urls.handler500},
    )
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "A apărut o eroare" in response.content.decode()


RESILIENT_DEAD_REDIS = {
    "default": {
        "BACKEND": "elearning.infrastructure.caching.backend.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    },
    "local": settings.CACHES["local"],
}


def test_resilient_cache_misses_and_skips_when_redis_is_down():
    from elearning.infrastructure.caching.backend import ResilientRedisCache

    cache = ResilientRedisCache("redis://127.0.0.1:9/0", {})
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    cache.delete("k")
    assert cache.incr("k") == 1
    assert cache.get_or_set("v", lambda: 7) == 7


@override_settings(
    CACHES=RESILIENT_DEAD_REDIS, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
)
def test_learner_logs_in_and_reads_while_redis_is_down(client, demo_site):
    from django.urls import reverse
    from django.utils import translation

    from ..elearning.factories import PASSWORD, UserFactory

    user = UserFactory()
    with translation.override("ro"):
        login_url = reverse("accounts:login")
    response = client.post(login_url, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/ro/")
    assert home.status_code == 200
    assert "Deconectare" in home.content.decode()  # the session came from the database


def _answer_of(client, settings, view):
    """The status the project's handler500 gives to `view`'s exception."""
    from django.urls import path

    import elearning.urls

    settings.ROOT_URLCONF = type(
        "Urls", (), {"urlpatterns": [path("v/", view)], "handler500": elearning.urls.handler500}
    )
    client.raise_request_exception = False
    return client.get("/v/").status_code


def test_a_query_the_database_refuses_is_a_500_not_the_outage_page(client, demo_site, settings):
    """A statement the database rejects (as a search syntax error was) is a bug, not an outage:
    SQLite calls it OperationalError too."""
    from django.db import connection

    def bad_statement(request):
        with connection.cursor() as cursor:
            cursor.execute("SELEC 1")

    assert _answer_of(client, settings, bad_statement) == 500


def _unreachable(engine, **where):
    """A connection of the engine's own wrapper to a database that is not there."""
    from django.db import connections
    from django.utils.module_loading import import_string

    settings_dict = {**connections["default"].settings_dict, "OPTIONS": {}, **where}
    wrapper_class = import_string(f"{engine}.base.DatabaseWrapper")
    return wrapper_class({**settings_dict, "ENGINE": engine}, alias="unreachable")


@pytest.mark.parametrize(
    "engine, where",
    [
        ("django.db.backends.sqlite3", {"NAME": "/no-such-folder/db.sqlite3"}),
        (
            "django.db.backends.postgresql",
            {"NAME": "x", "HOST": "127.0.0.1", "PORT": "9", "USER": "x", "PASSWORD": ""},
        ),
    ],
)
def test_a_database_that_does_not_answer_is_the_outage_page(
    client, demo_site, settings, engine, where
):
    def unreachable(request):
        database = _unreachable(engine, **where)
        try:
            database.ensure_connection()
        finally:
            database.close()

    assert _answer_of(client, settings, unreachable) == 503
