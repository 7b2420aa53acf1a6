"""An outage answers 503 with Retry-After and a page that needs no database or cache, not 500."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: connection refused
    }
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
