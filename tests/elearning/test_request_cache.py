"""Cache reads shared within a request (elearning.infrastructure.caching.read) never hide
a write."""

from django.core.cache import cache

from elearning.infrastructure import caching
from elearning.infrastructure.caching import bump


def test_reads_are_shared_within_a_request_and_only_there():
    cache.set("a", 1)
    with caching.request_scope():
        assert caching.read(["a", "b"]) == {"a": 1}
        cache.set("a", 2)  # written by another process meanwhile
        assert caching.read(["a"]) == {"a": 1}  # one snapshot per request
    with caching.request_scope():
        assert caching.read(["a"]) == {"a": 2}
    assert caching.read(["a"]) == {"a": 2}  # outside a request: the cache itself


def test_a_version_moved_on_in_the_request_is_read_again():
    cache.set("v", 10)
    with caching.request_scope():
        assert caching.read(["v"]) == {"v": 10}
        bump("v")
        moved_on = caching.read(["v"])["v"]
        assert moved_on != 10
        assert moved_on == cache.get("v")  # read again from the cache, not the request's copy


def test_a_session_written_in_the_request_is_read_again(db):
    from elearning.infrastructure.caching.sessions import SessionStore

    session = SessionStore()
    session["x"] = 1
    session.create()
    with caching.request_scope():
        assert SessionStore(session.session_key)["x"] == 1
        session["x"] = 2
        session.save()
        assert SessionStore(session.session_key)["x"] == 2
