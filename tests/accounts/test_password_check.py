"""One password check with one throttle, whatever the door: the site's login, Wagtail's login,
changing the password on the site or in the admin, deleting the account (issue 13, items 2 and
5a). Each attempt is counted before its password is checked."""

import threading
import time

import pytest
from django.db import connections
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import throttling
from accounts.models import User

from ..elearning.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brand-New-passw0rd"


def site_login_url():
    with translation.override("ro"):
        return reverse("accounts:login")


def site_url(name):
    with translation.override("ro"):
        return reverse(name)


def admin_login(client, email, password):
    return client.post(reverse("wagtailadmin_login"), {"username": email, "password": password})


def site_login(client, email, password):
    return client.post(site_login_url(), {"username": email, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def admin_user(demo_site):
    return UserFactory(
        email="admin@example.org", full_name="Ana Administrator", is_superuser=True, is_staff=True
    )


def test_the_admin_login_locks_after_five_wrong_passwords(client, admin_user):
    # What the outside tester did: wrong passwords at /admin/login/, then the right one.
    for _ in range(5):
        response = admin_login(client, admin_user.email, "wrong")
        assert response.status_code == 400
        assert not logged_in(client)
    response = admin_login(client, admin_user.email, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not logged_in(client)
    assert "Prea multe parole greșite" in response.content.decode()
    # The site's door is locked too: one counter per account.
    assert site_login(client, admin_user.email, PASSWORD).status_code == 429
    assert not logged_in(client)


def test_an_account_locked_on_the_site_is_locked_in_the_admin(client, admin_user):
    for _ in range(5):
        assert site_login(client, admin_user.email, "wrong").status_code == 400
    response = admin_login(client, admin_user.email, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_admin_login_still_lets_an_administrator_in(client, admin_user):
    admin_login(client, admin_user.email, "wrong")
    response = admin_login(client, admin_user.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_learner_gets_no_session_from_the_admin_login(client, demo_site):
    learner = UserFactory()
    response = admin_login(client, learner.email, PASSWORD)
    assert response.status_code == 403
    assert not logged_in(client)
    assert "/ro/accounts/login/" in response.content.decode()
    # Nothing that works on the site was left behind.
    assert client.get(site_url("accounts:profile")).status_code == 302


def test_an_inactive_account_is_refused_at_the_admin_login(client, admin_user):
    User.objects.filter(pk=admin_user.pk).update(is_active=False)
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 400
    assert not logged_in(client)


def admin_account_data(client, **changes):
    """Every panel of Wagtail's Account page as shown, with `changes` (prefixed names)."""
    page = client.get(reverse("wagtailadmin_account"))
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if isinstance(value, FieldFile):
                    continue
                if value is True:
                    data[form.add_prefix(name)] = "on"
                elif value not in (None, False):
                    data[form.add_prefix(name)] = value
    data.update(changes)
    return data


def site_password_change(client, current):
    return client.post(
        site_url("accounts:password_change"),
        {"old_password": current, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def admin_password_change(client, current):
    data = admin_account_data(
        client,
        **{
            "password-old_password": current,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        },
    )
    return client.post(reverse("wagtailadmin_account"), data)


def account_delete(client, current):
    return client.post(site_url("accounts:account_delete"), {"password": current, "confirm": "on"})


def password_changed(user) -> bool:
    return User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def account_deleted(user) -> bool:
    return User.objects.get(pk=user.pk).erased_at is not None


@pytest.mark.parametrize(
    ("guess", "happened", "locked_status", "message"),
    [
        (site_password_change, password_changed, 429, "Prea multe încercări"),
        # Wagtail's Account page shows the error in its Password panel.
        (admin_password_change, password_changed, 200, "Prea multe parole greșite"),
        (account_delete, account_deleted, 429, "Prea multe încercări"),
    ],
    ids=["site-password-change", "admin-password-change", "account-delete"],
)
def test_guessing_the_current_password_is_throttled(
    client, admin_user, guess, happened, locked_status, message
):
    # The tester guessed the current password 18 times on the deletion form, unthrottled.
    client.force_login(admin_user)
    for _ in range(5):
        response = guess(client, "wrong")
        assert response.status_code in (200, 400)
        assert not happened(admin_user)
    response = guess(client, PASSWORD)
    assert response.status_code == locked_status
    assert message in response.content.decode()
    assert not happened(admin_user)
    # The same counter as logging in.
    assert site_login(Client(), admin_user.email, PASSWORD).status_code == 429


@pytest.mark.parametrize(
    "guess", [site_password_change, admin_password_change, account_delete], ids=lambda f: f.__name__
)
def test_the_right_current_password_still_works(client, admin_user, guess):
    client.force_login(admin_user)
    guess(client, "wrong")
    response = guess(client, PASSWORD)
    assert response.status_code == 302
    assert password_changed(admin_user) or account_deleted(admin_user)


def test_parallel_attempts_are_counted_before_they_are_decided():
    """Against the cache the tests use (Redis when REDIS_URL is set): of 30 attempts at once,
    exactly the limit get through, because each is one atomic increment."""
    limit = throttling.login_account_throttle().limit.limit
    barrier = threading.Barrier(30)
    allowed, refused = [], []

    def attempt():
        barrier.wait()
        try:
            throttling.password_attempt_begin(request=None, email="target@example.org")
            allowed.append(1)
        except throttling.TooManyPasswordAttempts:
            refused.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert (len(allowed), len(refused)) == (limit, 30 - limit)


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_wrong_passwords_check_at_most_the_limit(demo_site, monkeypatch):
    user = UserFactory(email="target@example.org")
    limit = throttling.login_account_throttle().limit.limit
    checked = []
    real_check_password = User.check_password

    def slow_check_password(self, raw_password):
        # A real hasher takes a few hundred milliseconds: the window in which a check-then-count
        # lock-out let every parallel attempt through.
        checked.append(raw_password)
        time.sleep(0.05)
        return real_check_password(self, raw_password)

    monkeypatch.setattr(User, "check_password", slow_check_password)
    barrier = threading.Barrier(30)
    statuses = []

    def attempt(n):
        client = Client(REMOTE_ADDR=f"10.0.0.{n}")  # many addresses: only the account's limit
        barrier.wait()
        try:
            statuses.append(site_login(client, user.email, f"wrong-{n}").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(checked) <= limit
    assert sorted(statuses) == [400] * len(checked) + [429] * (30 - len(checked))
