"""Rotating our tool key without a gap (`manage.py lti_tool_key --rotate`): during a rotation
our key set serves the new key and the previous one's public half; we sign with the new one;
a token signed just before still verifies; the independent platform accepts both."""

import json
import re
import time
import uuid
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from jwcrypto import jwk, jws, jwt

from lti import keys, platform_client
from lti.models import PlatformRegistration

from . import platform as independent_platform
from .conftest import start_login
from .platform import rsa_pem

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_files(settings, tmp_path):
    """Keys in files, as `make run` and a file-based production keep them."""
    settings.LTI_TOOL_PRIVATE_KEY = ""
    settings.LTI_TOOL_PREVIOUS_KEY = ""
    settings.LTI_TOOL_PRIVATE_KEY_FILE = str(tmp_path / "lti" / "tool-key.pem")
    settings.LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE = str(tmp_path / "lti" / "previous.pub.pem")
    call_command("lti_tool_key", stdout=StringIO())
    return tmp_path / "lti" / "tool-key.pem", tmp_path / "lti" / "previous.pub.pem"


def _assertion(client_id: str, audience: str) -> str:
    now = int(time.time())
    return platform_client.signed_jwt(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
    )


def _kid(token: str) -> str:
    signed = jws.JWS()
    signed.deserialize(token)
    return signed.jose_header["kid"]


def _token_request(assertion: str) -> dict:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": platform_client.SCORE_SCOPE,
    }


def test_a_rotation_serves_both_keys_and_signs_with_the_new_one(client, key_files, course):
    current_path, previous_path = key_files
    old_kid = keys.tool_jwks()["keys"][0]["kid"]
    platform = independent_platform.TestPlatform(keys.tool_jwks())
    try:
        values = platform.registration_values()
        signed_before = _assertion(values["client_id"], values["token_url"])

        out = StringIO()
        call_command("lti_tool_key", rotate=True, stdout=out)
        served = client.get("/lti/jwks.json").json()
        new_kid = served["keys"][0]["kid"]
        assert [k["kid"] for k in served["keys"]] == [new_kid, old_kid] and new_kid != old_kid
        assert all("d" not in k for k in served["keys"])  # public halves only
        assert b"PRIVATE" not in previous_path.read_bytes()
        assert current_path.stat().st_mode & 0o077 == 0
        text = out.getvalue()
        assert new_kid in text and old_kid in text and "--drop-previous" in text
        assert "a day" in text

        # The platform fetches our key set again (it met a key id it did not know).
        platform.registration.set_tool_key_set(served)
        # A client assertion signed just before the rotation still verifies...
        assert _kid(signed_before) == old_kid
        assert platform.config().get_access_token(_token_request(signed_before))["access_token"]
        # ... and one signed now is signed with the new key, which the platform accepts over
        # HTTP at its token endpoint.
        registration = PlatformRegistration.objects.create(name="P", enabled=True, **values)
        assert _kid(_assertion(values["client_id"], values["token_url"])) == new_kid
        assert platform_client.access_token(registration, [platform_client.SCORE_SCOPE])

        # A deep linking answer signed after the rotation verifies with the platform's library.
        params = start_login(client, platform, deep_linking=True)

        def prepare(message):
            message.set_user_data(
                "teacher-1", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
            )
            message.set_dl(f"{platform.url}/deep-link-return", accept_types={"ltiResourceLink"})

        form = platform.launch_form(params, prepare=prepare)
        picker = client.post(
            urlsplit(form["launch_url"]).path,
            {"id_token": form["id_token"], "state": form["state"]},
        )
        token = re.search(r'name="token" value="([^"]+)"', picker.content.decode())[1]
        answer = client.post(
            "/lti/deep-link/choose/", {"token": token, "course": str(course.translation_key)}
        )
        deep_link_jwt = re.search(r'name="JWT" value="([^"]+)"', answer.content.decode())[1]
        assert _kid(deep_link_jwt) == new_kid
        assert platform.config().validate_deeplinking_resp({"JWT": deep_link_jwt})

        # A day later: the previous key is dropped; what it signed no longer verifies.
        out = StringIO()
        call_command("lti_tool_key", drop_previous=True, stdout=out)
        assert old_kid in out.getvalue() and not previous_path.exists()
        served = client.get("/lti/jwks.json").json()
        assert [k["kid"] for k in served["keys"]] == [new_kid]
        keyset = jwk.JWKSet.from_json(json.dumps(served))
        with pytest.raises(Exception):  # noqa: B017  (jwcrypto: no key for this kid)
            jwt.JWT(jwt=signed_before, key=keyset, algs=["RS256"])
        jwt.JWT(jwt=deep_link_jwt, key=keyset, algs=["RS256"], check_claims=False)
    finally:
        platform.close()


def test_the_tool_configuration_page_shows_the_previous_key(admin_client, key_files):
    old_kid = keys.tool_jwks()["keys"][0]["kid"]
    call_command("lti_tool_key", rotate=True, stdout=StringIO())
    html = admin_client.get("/admin/lti/tool/").content.decode()
    assert old_kid in html and "Cheia anterioară" in html


def test_an_unreadable_previous_key_leaves_the_current_one_served(settings, key_files):
    _current, previous_path = key_files
    previous_path.write_text("not a key")
    assert len(keys.tool_jwks()["keys"]) == 1


def test_the_previous_key_from_the_environment_is_served(settings, key_files):
    previous_private, _public = rsa_pem()
    settings.LTI_TOOL_PREVIOUS_KEY = previous_private
    served = keys.tool_jwks()["keys"]
    assert len(served) == 2 and "d" not in served[1]  # only its public half


def test_rotating_without_a_current_key_is_refused_and_changes_nothing(key_files):
    current_path, previous_path = key_files
    current_path.unlink()
    with pytest.raises(CommandError, match="No current LTI tool key"):
        call_command("lti_tool_key", rotate=True, stdout=StringIO())
    assert not current_path.exists() and not previous_path.exists()


def test_rotating_an_unreadable_key_is_refused_and_changes_nothing(key_files):
    current_path, previous_path = key_files
    current_path.write_bytes(b"garbage")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("lti_tool_key", rotate=True, stdout=StringIO())
    assert current_path.read_bytes() == b"garbage" and not previous_path.exists()


def test_rotating_a_key_set_in_the_environment_is_refused_and_changes_nothing(settings, key_files):
    current_path, previous_path = key_files
    before = current_path.read_bytes()
    settings.LTI_TOOL_PRIVATE_KEY = rsa_pem()[0]
    with pytest.raises(CommandError, match="set in the environment"):
        call_command("lti_tool_key", rotate=True, stdout=StringIO())
    assert current_path.read_bytes() == before and not previous_path.exists()


def test_dropping_when_there_is_no_previous_key_says_so(key_files):
    out = StringIO()
    call_command("lti_tool_key", drop_previous=True, stdout=out)
    assert "nothing to drop" in out.getvalue()
