"""Platforms' addresses are https in production (LTI_ALLOW_INSECURE_PLATFORM_URLS off): the
registration form refuses http next to the field, `check --deploy` names a stored one, and the
HTTP client will not call one (the passback row says why)."""

import pytest
from celery.exceptions import Retry

from lti import platform_client
from lti.checks import platform_urls_secure
from lti.models import LtiIdentity, PassbackStatus, PlatformRegistration, ScorePassback

from .conftest import launch
from .test_advantage import _complete

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/lti/platformregistration/add/"
REFUSED = "Folosiți adresa https:// a platformei"


def _form(scheme: str, **values) -> dict:
    return {
        "name": "Universitatea din Iași (Moodle)",
        "institution": "",
        "enabled": "on",
        "issuer": f"{scheme}://moodle.example.org",
        "client_id": "abc",
        "deployment_ids": "1",
        "jwks_url": f"{scheme}://moodle.example.org/mod/lti/certs.php",
        "auth_url": f"{scheme}://moodle.example.org/mod/lti/auth.php",
        "token_url": f"{scheme}://moodle.example.org/mod/lti/token.php",
        "audience": "",
        **values,
    }


def test_the_form_refuses_http_addresses_next_to_each_field(admin_client, settings):
    settings.LTI_ALLOW_INSECURE_PLATFORM_URLS = False
    response = admin_client.post(ADD_URL, _form("http"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"jwks_url", "auth_url", "token_url"}
    assert response.content.decode().count(REFUSED) == 3
    assert not PlatformRegistration.objects.exists()

    # One http address among https ones: only that field is refused.
    response = admin_client.post(
        ADD_URL, _form("https", token_url="http://moodle.example.org/mod/lti/token.php")
    )
    assert set(response.context["form"].errors) == {"token_url"}
    assert not PlatformRegistration.objects.exists()

    response = admin_client.post(ADD_URL, _form("https"))
    assert response.status_code == 302
    assert PlatformRegistration.objects.get().token_url.startswith("https://")


def test_dev_and_tests_accept_http(admin_client):
    assert admin_client.post(ADD_URL, _form("http")).status_code == 302
    assert PlatformRegistration.objects.count() == 1


def test_the_deploy_check_names_a_stored_http_registration(settings, registration):
    PlatformRegistration.objects.create(
        name="Sigur", issuer="https://sigur.example.org", client_id="x", deployment_ids="1",
        jwks_url="https://sigur.example.org/certs", auth_url="https://sigur.example.org/auth",
        token_url="https://sigur.example.org/token",
    )  # fmt: skip
    settings.LTI_ALLOW_INSECURE_PLATFORM_URLS = False
    (warning,) = platform_urls_secure(None)
    assert warning.id == "lti.W001" and warning.obj == registration
    assert "jwks_url, auth_url, token_url" in warning.msg

    settings.LTI_ALLOW_INSECURE_PLATFORM_URLS = True  # dev settings under `check --deploy`
    assert [w.id for w in platform_urls_secure(None)] == ["lti.W002"]


def test_the_client_calls_no_http_address_and_the_passback_row_says_why(
    client, settings, platform, registration, course, django_capture_on_commit_callbacks
):
    launch(client, platform, course=course, ags=platform.url)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    settings.LTI_ALLOW_INSECURE_PLATFORM_URLS = False  # e.g. a registration stored before
    with pytest.raises(Retry):
        _complete(identity.user, course, django_capture_on_commit_callbacks)
    passback = ScorePassback.objects.get()
    assert passback.status == PassbackStatus.FAILED
    assert "not https" in passback.last_error and "LTI_ALLOW_INSECURE" in passback.last_error
    assert platform.token_requests == 0 and platform.scores == []  # nothing left our side

    for call in (
        lambda: platform_client.platform_keys(registration.jwks_url),
        lambda: platform_client.access_token(registration, [platform_client.SCORE_SCOPE]),
        lambda: platform_client.memberships(registration, url=f"{platform.url}/memberships"),
    ):
        with pytest.raises(platform_client.InsecurePlatformUrl):
            call()
    assert platform.token_requests == 0


def test_a_launch_from_an_http_registration_is_refused_in_production(
    client, settings, platform, registration
):
    settings.LTI_ALLOW_INSECURE_PLATFORM_URLS = False
    response = client.get(platform.login_url(user_id="moodle-user-42"))
    assert response.status_code == 403
    assert "adresa ei https://" in response.content.decode()
