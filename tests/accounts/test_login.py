"""Login, lock-outs per account and per IP, password reset, logout, profile."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User

from ..elearning.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def url(name, language="ro", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize(("login_language", "preferred"), [("en", "ro"), ("ro", "en")])
def test_login_keeps_the_language_of_the_login_page(client, demo_site, login_language, preferred):
    """The language the person is using now wins for this visit, whatever the account prefers
    (issue 14, item 7): logging in from the English page lands on the English site."""
    user = UserFactory(preferred_language=preferred)
    response = client.post(
        url("accounts:login", login_language),
        {"username": user.email.upper(), "password": PASSWORD, "next": "/ro/contact/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{login_language}/contact/"
    assert response.cookies["elearning_language"].value == login_language
    user.refresh_from_db()
    assert user.preferred_language == preferred  # the preference is the learner's to change

    client.post(url("accounts:logout"))
    response = client.post(
        url("accounts:login", login_language), {"username": user.email, "password": PASSWORD}
    )
    assert response["Location"] == f"/{login_language}/"


def test_login_next_to_an_account_view_is_translated(client, demo_site):
    user = UserFactory(preferred_language="ro")
    response = client.post(
        url("accounts:login", "en"),
        {"username": user.email, "password": PASSWORD, "next": "/ro/accounts/profile/"},
    )
    assert response["Location"] == "/en/accounts/profile/"


def test_login_refuses_an_external_next(client, demo_site):
    user = UserFactory()
    response = client.post(
        url("accounts:login"),
        {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/ro/"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, demo_site):
    user = UserFactory()
    wrong_password = client.post(
        url("accounts:login"), {"username": user.email, "password": "nope"}
    )
    unknown = client.post(
        url("accounts:login"), {"username": "nobody@example.org", "password": "nope"}
    )
    assert wrong_password.status_code == unknown.status_code == 400
    assert (
        wrong_password.context["form"].non_field_errors()
        == unknown.context["form"].non_field_errors()
    )


@pytest.mark.parametrize("email_exists", [True, False])
def test_account_is_locked_after_repeated_failures(client, demo_site, settings, email_exists):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    email = "target@example.org"
    if email_exists:
        UserFactory(email=email)
    for _ in range(3):
        assert (
            client.post(url("accounts:login"), {"username": email, "password": "x"}).status_code
            == 400
        )
    # Even the right password is refused while locked, and the answer does not depend on the
    # account existing.
    response = client.post(url("accounts:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Prea multe încercări" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ip_is_locked_after_failures_across_accounts(client, demo_site, settings):
    settings.LOGIN_FAILURES_PER_IP = 4
    for n in range(4):
        client.post(url("accounts:login"), {"username": f"spray{n}@example.org", "password": "x"})
    user = UserFactory()
    response = client.post(url("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    # Another address is not affected by the first IP's failures.
    other = client.post(
        url("accounts:login"),
        {"username": user.email, "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 302


def test_locked_page_is_translated(client, demo_site, settings):
    settings.LOGIN_FAILURES_PER_IP = 1
    client.post(url("accounts:login", "en"), {"username": "a@example.org", "password": "x"})
    response = client.post(
        url("accounts:login", "en"), {"username": "a@example.org", "password": "x"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_answers_the_same_and_mails_only_real_accounts(
    client, demo_site, django_capture_on_commit_callbacks
):
    user = UserFactory(email="real@example.org", preferred_language="ro")
    with django_capture_on_commit_callbacks(execute=True):
        real = client.post(url("accounts:password_reset"), {"email": "real@example.org"})
        fake = client.post(url("accounts:password_reset"), {"email": "fake@example.org"})
    assert real.status_code == fake.status_code == 302
    assert real["Location"] == fake["Location"]
    assert [m.to for m in mail.outbox] == [["real@example.org"]]

    link = re.search(r"http://testserver(\S+/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "another-Good-passw0rd"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_with_a_wrong_token_says_so(client, demo_site):
    user = UserFactory()
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(f"/ro/accounts/password/reset/{uid}/wrong-token/", follow=True)
    assert response.status_code == 200
    assert "Acest link nu funcționează" in response.content.decode()
    assert response.context["validlink"] is False


def test_password_reset_is_throttled(client, demo_site, settings):
    settings.ACCOUNT_EMAILS_PER_IP_PER_HOUR = 1
    client.post(url("accounts:password_reset"), {"email": "a@example.org"})
    assert (
        client.post(url("accounts:password_reset"), {"email": "b@example.org"}).status_code == 429
    )


def test_logout_is_a_post(client, demo_site):
    client.force_login(UserFactory())
    assert client.get(url("accounts:logout")).status_code == 405
    assert client.post(url("accounts:logout")).status_code == 200
    assert "_auth_user_id" not in client.session


def test_profile_requires_login_and_comes_back(client, demo_site):
    response = client.get(url("accounts:profile", "en"))
    assert response.status_code == 302
    assert response["Location"].startswith(
        "/ro/accounts/login/?next=/en/accounts/profile/"
    ) or response["Location"].startswith("/en/accounts/login/?next=/en/accounts/profile/")


def test_profile_edit_and_language_change(client, demo_site):
    user = UserFactory(preferred_language="ro")
    client.force_login(user)
    page = client.get(url("accounts:profile"))
    assert page.status_code == 200
    data = {
        "full_name": "Ana Popescu-Ionescu",
        "role": "social_worker",
        "county": "B",
        "institution": "",
        "institution_not_listed": "on",
        "institution_other": "Centrul de zi Sector 3",
        "preferred_language": "en",
    }
    response = client.post(url("accounts:profile"), data)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/profile/"
    user.refresh_from_db()
    assert (user.full_name, user.role, user.county, user.preferred_language) == (
        "Ana Popescu-Ionescu",
        "social_worker",
        "B",
        "en",
    )
    assert user.institution is None and user.institution_other == "Centrul de zi Sector 3"


def test_profile_bad_input_changes_nothing(client, demo_site):
    user = UserFactory(full_name="Ana Popescu")
    client.force_login(user)
    response = client.post(
        url("accounts:profile"),
        {
            "full_name": "<script>x</script>",
            "role": "x",
            "county": "ZZ",
            "preferred_language": "ro",
        },
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.full_name == "Ana Popescu"
    # The page header still shows the saved name, not the rejected input.
    assert "<script>x</script>" not in response.content.decode()


def test_change_password(client, demo_site):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        url("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "brand-New-passw0rd",
            "new_password2": "brand-New-passw0rd",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("brand-New-passw0rd")


def test_profile_offers_to_make_the_current_language_the_preferred_one(client, demo_site):
    user = UserFactory(preferred_language="ro")
    client.force_login(user)
    assert "Faceți" not in client.get(url("accounts:profile", "ro")).content.decode()
    page = client.get(url("accounts:profile", "en")).content.decode()
    assert "Make English my preferred language" in page
    action = url("accounts:preferred_language", "en")
    assert f'action="{action}"' in page

    response = client.post(action, {"language": "en"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/profile/"
    user.refresh_from_db()
    assert user.preferred_language == "en"
    page = client.get(url("accounts:profile", "en")).content.decode()
    assert "Make English my preferred language" not in page
    assert "English is now your preferred language." in page
    romanian = client.get(url("accounts:profile", "ro")).content.decode()
    assert "Faceți din română limba mea preferată" in romanian


@pytest.mark.parametrize("data", [{"language": "de"}, {}, {"language": "x" * 1000}])
def test_preferred_language_bad_input_is_400_and_changes_nothing(client, demo_site, data):
    user = UserFactory(preferred_language="ro")
    client.force_login(user)
    response = client.post(url("accounts:preferred_language", "en"), data)
    assert response.status_code == 400
    assert "Choose English or Romanian." in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "ro"
    assert client.get(url("accounts:preferred_language", "en")).status_code == 405


def test_preferred_language_needs_login(client, demo_site):
    response = client.post(url("accounts:preferred_language", "en"), {"language": "en"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
