"""The logged-in user comes from the cache (elearning.infrastructure.caching.auth), and every
change to the account is seen on the next request: password, deactivation, erasure, deletion,
logout."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import personal_data
from accounts.models import User
from elearning.infrastructure import caching

from ..courses.factories import lessons_of, make_course
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGGED_IN = "Deconectare"


@pytest.fixture
def learner():
    return UserFactory(full_name="Ana Popescu")


@pytest.fixture
def lesson(demo_site):
    return lessons_of(make_course())[0]


def logged_in_client(learner, lesson) -> Client:
    client = Client()
    assert client.login(username=learner.email, password=PASSWORD)
    assert client.get(lesson.url).status_code == 200  # the user is now cached
    return client


def still_logged_in(client, lesson) -> bool:
    response = client.get(lesson.url)
    if response.status_code == 302:  # a lesson sends visitors to log in
        return False
    return LOGGED_IN in response.content.decode()


def user_queries(client, lesson) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(lesson.url)
    return sum('FROM "elearning_user"' in q["sql"] for q in queries.captured_queries)


def test_a_warm_request_does_not_read_the_user(learner, lesson):
    client = logged_in_client(learner, lesson)
    assert user_queries(client, lesson) == 0


def test_a_password_changed_elsewhere_logs_the_other_sessions_out(learner, lesson):
    client = logged_in_client(learner, lesson)
    user = User.objects.get(pk=learner.pk)  # as the other session's request would
    user.set_password("Another-g00d-password")
    user.save()
    assert not still_logged_in(client, lesson)


def test_changing_ones_own_password_keeps_that_session(learner, lesson):
    client = logged_in_client(learner, lesson)
    other = logged_in_client(learner, lesson)
    response = client.post(
        "/ro/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-g00d-password",
            "new_password2": "Another-g00d-password",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert still_logged_in(client, lesson)
    assert not still_logged_in(other, lesson)


def test_a_deactivated_account_is_logged_out(learner, lesson):
    client = logged_in_client(learner, lesson)
    user = User.objects.get(pk=learner.pk)
    user.is_active = False
    user.save()
    assert not still_logged_in(client, lesson)


def test_an_erased_account_is_logged_out_everywhere(learner, lesson):
    client = logged_in_client(learner, lesson)
    personal_data.account_erase(User.objects.get(pk=learner.pk))
    assert not still_logged_in(client, lesson)


def test_a_deleted_account_is_logged_out(learner, lesson):
    client = logged_in_client(learner, lesson)
    User.objects.get(pk=learner.pk).delete()
    assert not still_logged_in(client, lesson)


def test_logout_ends_the_session(learner, lesson):
    client = logged_in_client(learner, lesson)
    assert client.post("/ro/accounts/logout/").status_code in (200, 302)
    assert not still_logged_in(client, lesson)


def test_a_changed_name_shows_at_once(learner, lesson):
    client = logged_in_client(learner, lesson)
    user = User.objects.get(pk=learner.pk)
    user.full_name = "Ana Ionescu"
    user.save()
    html = client.get(lesson.url).content.decode()
    assert "Ana Ionescu" in html and "Ana Popescu" not in html


def test_a_copy_read_before_a_change_is_never_used_after_it(learner, lesson):
    """A request that read the row just before another committed a password change, and stores
    it just after, must not keep the old password's sessions alive."""
    client = logged_in_client(learner, lesson)
    keys = caching.users.keys(learner.pk)
    version_before = caching.USER.number(learner.pk)
    stale = User.objects.get(pk=learner.pk)
    changed = User.objects.get(pk=learner.pk)
    changed.set_password("Another-g00d-password")
    changed.save()
    cache.set(keys[1], ((version_before,), stale))  # the slow request stores what it read
    assert not still_logged_in(client, lesson)


def test_one_learners_request_never_gets_another_learners_user(lesson):
    ana, ion = UserFactory(full_name="Ana Popescu"), UserFactory(full_name="Ion Georgescu")
    ana_client, ion_client = logged_in_client(ana, lesson), logged_in_client(ion, lesson)
    for _ in range(2):
        ana_html = ana_client.get(lesson.url).content.decode()
        ion_html = ion_client.get(lesson.url).content.decode()
        assert "Ana Popescu" in ana_html and "Ion Georgescu" not in ana_html
        assert "Ion Georgescu" in ion_html and "Ana Popescu" not in ion_html


def test_the_cached_copy_holds_no_password_hash(learner, lesson):
    """Whoever reads the cache gets no hash to crack offline; the password is still checked
    against the database where it is needed (the password change above, account deletion)."""
    import pickle

    logged_in_client(learner, lesson)
    version, stored = cache.get(caching.users.keys(learner.pk)[-1])
    assert "password" not in stored.__dict__
    assert learner.password.encode() not in pickle.dumps(stored)
    assert stored.get_session_auth_hash() == learner.get_session_auth_hash()
    assert stored.check_password(PASSWORD)  # read from the database on demand


def test_a_new_secret_key_does_not_use_copies_stored_under_the_old_one(learner, lesson):
    """The cached copy's session hash is computed with SECRET_KEY: a server with another key
    (after a rotation, while old servers still run) must not meet a hash computed with the
    other key, or it would log its sessions out."""
    from django.test import override_settings

    new_key = override_settings(SECRET_KEY="a-rotated-secret-key-" + "x" * 40)
    with new_key:
        client = Client()
        assert client.login(username=learner.email, password=PASSWORD)
    logged_in_client(learner, lesson)  # a server with the old key caches its copy
    with new_key:
        assert still_logged_in(client, lesson)
