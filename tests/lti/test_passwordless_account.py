"""An account an LTI launch created has no password and no address of its owner's: its profile,
password change and account deletion work without them (the launch is the proof of identity)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from lti.models import LtiIdentity

from .conftest import launch

pytestmark = pytest.mark.django_db


def url(name, language="ro"):
    with translation.override(language):
        return reverse(f"accounts:{name}")


@pytest.fixture
def launched(client, registration, platform, course):
    assert launch(client, platform, course=course).status_code == 302
    return LtiIdentity.objects.get(subject="moodle-user-42").user


def test_the_profile_shows_no_placeholder_address_and_no_password_link(client, launched):
    page = client.get(url("profile")).content.decode()
    assert "lti.invalid" not in page
    assert "Niciuna: vă conectați din platforma de învățare a instituției dumneavoastră." in page
    assert url("password_change") not in page
    page = client.get(url("profile", "en")).content.decode()
    assert "None: you sign in from your institution's learning platform." in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_there_is_no_password_to_change(client, launched, method):
    response = getattr(client, method)(url("password_change"), follow=True)
    assert response.redirect_chain == [(url("profile"), 302)]
    assert "nu există nicio parolă de schimbat" in response.content.decode()
    launched.refresh_from_db()
    assert not launched.has_usable_password()


def test_a_learner_who_just_launched_deletes_their_account_without_a_password(client, launched):
    page = client.get(url("account_delete")).content.decode()
    assert 'name="password"' not in page
    assert "în ultimele 30 de minute" in page
    response = client.post(url("account_delete"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == url("account_deleted")
    launched.refresh_from_db()
    assert launched.erased_at and not launched.is_active
    assert not LtiIdentity.objects.filter(subject="moodle-user-42").exists()


@pytest.mark.parametrize("language", ["ro", "en"])
def test_a_sign_in_older_than_half_an_hour_must_be_renewed_from_the_platform(
    client, launched, language
):
    User.objects.filter(pk=launched.pk).update(last_login=timezone.now() - timedelta(minutes=31))
    response = client.post(url("account_delete", language), {"confirm": "on"})
    assert response.status_code == 400
    expected = {
        "ro": "deschideți din nou unul dintre cursurile noastre din platforma de învățare",
        "en": "open one of our courses again from your institution&#x27;s learning platform",
    }[language]
    assert expected in response.content.decode()
    launched.refresh_from_db()
    assert launched.is_active and not launched.erased_at
    assert LtiIdentity.objects.filter(user=launched).exists()


def test_without_the_confirmation_nothing_is_deleted(client, launched):
    response = client.post(url("account_delete"), {"password": "anything"})
    assert response.status_code == 400
    launched.refresh_from_db()
    assert launched.is_active and LtiIdentity.objects.filter(user=launched).exists()
