"""The digital credential (issue 19, parts 3-4), checked the way an outside verifier would: the
JWS with jwcrypto and the key fetched from our JWKS URL, the JSON-LD with pyld and only the
contexts shipped in the project, the status bits decoded by hand (base64url, gunzip, bit)."""

import base64
import datetime
import gzip
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone
from jwcrypto import jwk, jws
from pyld import jsonld

from certificates import services
from certificates.credentials import badges
from certificates.credentials.status_lists import LIST_SIZE
from certificates.models import Certificate, CertificateStatus
from courses.models import Enrollment
from courses.models.objectives import LearningObjective

from ..courses.factories import make_course, publish
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXTS = Path(badges.__file__).parent / "contexts"
SHIPPED = {
    badges.VC_CONTEXT: CONTEXTS / "credentials-v2.jsonld",
    badges.OB_CONTEXT: CONTEXTS / "ob-context-3.0.3.jsonld",
}
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
VC = "https://www.w3.org/2018/credentials#"
STATUS = "https://www.w3.org/ns/credentials/status#"
# JWT claims OB 3.0 adds beside the credential; jti has no JSON-LD term (it is the id).
JWT_CLAIMS = {"iss", "jti", "sub", "nbf", "exp"}


def offline_loader(url, options=None):
    """Serves the shipped contexts and refuses everything else: no network."""
    if url not in SHIPPED:
        raise jsonld.JsonLdError(f"not shipped: {url}", "loading document failed")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(SHIPPED[url].read_text()),
    }


@pytest.fixture
def course(demo_site):
    course = make_course(lessons=1)
    course.certificate_validity_months = 24
    publish(course)
    LearningObjective.objects.create(course=course, title="Recunoaște semnele traficului")
    return course


def _issue(learner, course, *, run=1, completed_at=None) -> Certificate:
    certificate = services.certificate_request(
        learner_id=learner.pk,
        course_key=course.translation_key,
        completed_at=completed_at or timezone.now(),
        run=run,
    )
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.READY)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def learner():
    return UserFactory(full_name="Ioana Țurcanu", preferred_language="ro")


@pytest.fixture
def certificate(learner, course):
    return _issue(learner, course)


def download(client, certificate) -> str:
    client.force_login(certificate.learner)
    response = client.get(reverse("certificates:credential_download", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode()


def fetch(client, url: str):
    """GET one of our absolute URLs through the test client (as a verifier would, by URL)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://testserver"
    return client.get(parts.path)


def verified_payload(client, token: str) -> tuple[dict, dict]:
    """(header, payload) of a compact JWS verified with the key its kid names, fetched from our
    JWKS by URL; fails on a bad signature."""
    signed = jws.JWS()
    signed.deserialize(token)
    header = signed.jose_header
    assert set(header) <= {"alg", "kid", "typ"}  # OB 3.0 allows no other JOSE header
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    response = fetch(client, header["kid"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    keys = jwk.JWKSet.from_json(response.content)
    key = keys.get_key(header["kid"])
    assert key is not None and not key.has_private
    signed.verify(key, alg=header["alg"])
    return header, json.loads(signed.payload)


def bit_at(client, entry: dict) -> int:
    """The entry's bit, read from its status list credential: verify, base64url, gunzip, bit."""
    response = fetch(client, entry["statusListCredential"])
    assert response.status_code == 200
    _header, status_list = verified_payload(client, response.content.decode())
    subject = status_list["credentialSubject"]
    assert subject["statusPurpose"] == entry["statusPurpose"]
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url
    data = encoded[1:]
    bitstring = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    assert len(bitstring) * 8 == LIST_SIZE >= 131_072
    index = int(entry["statusListIndex"])
    return (bitstring[index // 8] >> (7 - index % 8)) & 1


def entries(payload: dict) -> dict[str, dict]:
    return {
        urlsplit(e["statusListCredential"]).path.split("/")[3]: e
        for e in payload["credentialStatus"]
    }


def _singular(value):
    """JSON-LD compaction writes a one-item array as the item (outside @set containers)."""
    if isinstance(value, list):
        items = [_singular(v) for v in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        return {k: _singular(v) for k, v in value.items()}
    return value


def assert_every_term_defined(document: dict) -> list:
    """Expanded with the shipped contexts only; compacting back gives every property again:
    a term no context defines would have been dropped on expansion."""
    expanded = jsonld.expand(document, {"documentLoader": offline_loader})
    compacted = jsonld.compact(
        expanded, {"@context": document["@context"]}, {"documentLoader": offline_loader}
    )
    compacted.pop("@context")
    original = {k: v for k, v in document.items() if k != "@context"}
    assert _singular(compacted) == _singular(original)
    serialised = json.dumps(expanded)
    assert "issuer-dependent" not in serialised
    return expanded


# The credential ---------------------------------------------------------------------------


def test_the_credential_verifies_with_the_key_from_our_jwks(client, certificate):
    header, payload = verified_payload(client, download(client, certificate))
    assert header["kid"].startswith("http://testserver/credentials/issuer/jwks.json#")
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["iss"] == payload["issuer"]["id"] == "http://testserver/credentials/issuer/"
    assert payload["jti"] == payload["id"]
    assert payload["id"].endswith(f"/verify/{certificate.grouped_code}/")
    assert payload["sub"] == payload["credentialSubject"]["id"] == f"urn:uuid:{certificate.pk}"
    assert payload["nbf"] == int(certificate.issued_at.timestamp())
    assert payload["exp"] == int(certificate.expires_at.timestamp())
    subject = payload["credentialSubject"]
    assert subject["name"] == "Ioana Țurcanu"
    assert certificate.learner.email not in json.dumps(payload)
    [identity] = subject["identifier"]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$") and identity["salt"]
    achievement = subject["achievement"]
    assert achievement["inLanguage"] == "ro"
    assert achievement["name"] == certificate.course_title_ro
    assert f"{certificate.hours} ore" in achievement["criteria"]["narrative"]
    assert "Recunoaște semnele traficului" in achievement["criteria"]["narrative"]
    [english] = achievement["related"]
    assert english["inLanguage"] == "en"
    # The issuer's id and the other language's achievement resolve to what the credential says.
    issuer = fetch(client, payload["issuer"]["id"])
    assert issuer.status_code == 200 and issuer["Access-Control-Allow-Origin"] == "*"
    assert issuer.json()["id"] == payload["issuer"]["id"]
    other = fetch(client, english["id"])
    assert other.status_code == 200
    assert other.json()["inLanguage"] == "en"
    assert other.json()["name"] == certificate.course_title_en


def test_a_forged_signature_fails(client, certificate):
    token = download(client, certificate)
    head, body, signature = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged["credentialSubject"]["name"] = "Altcineva"
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    with pytest.raises(jws.InvalidJWSSignature):
        verified_payload(client, f"{head}.{body}.{signature}")


def test_the_json_ld_expands_to_open_badges_and_vc_terms_only(client, certificate):
    _header, payload = verified_payload(client, download(client, certificate))
    credential = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    [expanded] = assert_every_term_defined(credential)
    assert set(expanded["@type"]) == {VC + "VerifiableCredential", OB + "OpenBadgeCredential"}
    [subject] = expanded[VC + "credentialSubject"]
    assert OB + "AchievementSubject" in subject["@type"]
    [achievement] = subject[OB + "achievement"]
    assert achievement["@type"] == [OB + "Achievement"]
    assert OB + "Criteria" in achievement  # the OB 3.0 context's IRI for `criteria`
    [identity] = subject[OB + "identifier"]
    assert identity["@type"] == [OB + "IdentityObject"]
    statuses = expanded[VC + "credentialStatus"]
    assert {s["@type"][0] for s in statuses} == {STATUS + "BitstringStatusListEntry"}


def test_the_published_documents_expand_without_dropped_terms(client, certificate, course):
    assert_every_term_defined(client.get(reverse("certificates:credentials_issuer")).json())
    for language in ("ro", "en"):
        url = reverse(
            "certificates:credentials_achievement", args=[course.translation_key, language]
        )
        assert_every_term_defined(client.get(url).json())
    _header, payload = verified_payload(client, download(client, certificate))
    for entry in payload["credentialStatus"]:
        _h, status_list = verified_payload(
            client, fetch(client, entry["statusListCredential"]).content.decode()
        )
        assert_every_term_defined({k: v for k, v in status_list.items() if k not in JWT_CLAIMS})


# Status lists -----------------------------------------------------------------------------


def test_revocation_flips_its_bit_and_the_verify_page_says_revoked(client, certificate, learner):
    _header, payload = verified_payload(client, download(client, certificate))
    status = entries(payload)
    assert bit_at(client, status["revocation"]) == 0
    assert bit_at(client, status["renewal"]) == 0
    verify = reverse("certificates:verify", args=[certificate.grouped_code])
    assert "not revoked in its status list" in client.get(verify + "?lang=en").content.decode()

    services.certificate_revoke(certificate=certificate, by=None, reason="Altă persoană")

    assert bit_at(client, status["revocation"]) == 1
    assert bit_at(client, status["renewal"]) == 0
    html = client.get(verify + "?lang=en").content.decode()
    assert "This certificate was revoked on" in html
    assert "revoked in its status list" in html and "not revoked" not in html
    html = client.get(verify + "?lang=ro").content.decode()
    assert "revocat în lista sa de stare" in html and "nerevocat" not in html
    # A revoked certificate is not handed out again, as with the PDF.
    url = reverse("certificates:credential_download", args=[certificate.pk])
    assert client.get(url).status_code == 410


def test_renewal_flips_the_renewal_bit_not_the_revocation_bit(client, learner, course):
    first = _issue(learner, course, completed_at=timezone.now() - datetime.timedelta(days=700))
    _header, payload = verified_payload(client, download(client, first))
    status = entries(payload)
    assert status["renewal"]["statusPurpose"] == "message"
    assert bit_at(client, status["renewal"]) == 0

    second = _issue(learner, course, run=2)

    first.refresh_from_db()
    assert first.superseded_by_id == second.pk
    assert bit_at(client, status["renewal"]) == 1
    assert bit_at(client, status["revocation"]) == 0
    verify = reverse("certificates:verify", args=[first.grouped_code]) + "?lang=en"
    assert "marked as renewed in its status list" in client.get(verify).content.decode()
    # The renewal has its own place, current.
    _header, renewed = verified_payload(client, download(client, second))
    assert bit_at(client, entries(renewed)["renewal"]) == 0
    assert second.status_list_index != first.status_list_index


@pytest.mark.parametrize(
    "path",
    [
        "/credentials/status/revocation/1/",  # no certificate is in list 1
        "/credentials/status/suspension/0/",  # a purpose we do not publish
        "/credentials/status/revocation/-1/",
        "/credentials/status/revocation/abc/",
        "/credentials/status/revocation/16384/",  # past what the index column can hold
        "/credentials/status/revocation/9223372036854775807/",
        "/credentials/status/revocation/" + "9" * 30 + "/",
    ],
)
def test_forged_and_unknown_status_lists_are_404(client, certificate, path):
    # A path no route matches is sent to the language prefix first, and is a 404 there.
    assert client.get(path, follow=True).status_code == 404


def test_the_status_list_costs_the_same_queries_however_many_certificates(
    client, course, django_assert_num_queries
):
    learners = UserFactory.create_batch(6)
    certificates = [_issue(learner, course) for learner in learners]
    url = reverse("certificates:credentials_status_list", args=["revocation", 0])
    client.get(url)  # Wagtail's site lookup is cached after the first request
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    for certificate in certificates[:4]:
        services.certificate_revoke(certificate=certificate, by=None, reason="Test")
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response["Cache-Control"] == "no-cache"
    assert response["Access-Control-Allow-Origin"] == "*"


# Who gets the credential ------------------------------------------------------------------


def test_only_the_holder_downloads_it(client, certificate, course):
    url = reverse("certificates:credential_download", args=[certificate.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # someone else's id
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 404  # the holder's to hand on, not the register's
    client.force_login(certificate.learner)
    assert client.get(url).status_code == 200
    other = reverse(
        "certificates:credential_download", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12]
    )
    assert client.get(other).status_code == 404
    pending = _issue(UserFactory(), course)
    Certificate.objects.filter(pk=pending.pk).update(status=CertificateStatus.PENDING)
    client.force_login(pending.learner)
    url = reverse("certificates:credential_download", args=[pending.pk])
    assert client.get(url).status_code == 404


def test_my_learning_links_the_credential_beside_the_pdf(client, certificate):
    Enrollment.objects.create(
        learner=certificate.learner,
        course_key=certificate.course_key,
        completed_at=certificate.completed_at,
    )
    client.force_login(certificate.learner)
    html = client.get(reverse("courses:my_learning")).content.decode()
    pdf = reverse("certificates:download", args=[certificate.pk])
    credential = reverse("certificates:credential_download", args=[certificate.pk])
    assert pdf in html and credential in html
    assert "Descărcați credențialul digital (Open Badges)" in html
    assert html.index(pdf) < html.index(credential)


@pytest.mark.parametrize("language", ["xx", "ro.json"])
def test_unknown_achievements_are_404(client, course, language):
    url = reverse("certificates:credentials_achievement", args=[course.translation_key, language])
    assert client.get(url).status_code == 404
    unknown = "/credentials/achievements/00000000-0000-0000-0000-000000000000/ro/"
    assert client.get(unknown).status_code == 404


# The key ----------------------------------------------------------------------------------


def test_the_key_command_creates_a_key_once(settings, tmp_path):
    settings.CREDENTIALS_SIGNING_KEY = tmp_path / "keys" / "signing-key.pem"
    call_command("credentials_signing_key")
    key = settings.CREDENTIALS_SIGNING_KEY.read_bytes()
    assert settings.CREDENTIALS_SIGNING_KEY.stat().st_mode & 0o077 == 0
    call_command("credentials_signing_key")
    assert settings.CREDENTIALS_SIGNING_KEY.read_bytes() == key


def test_a_missing_key_is_a_warning_and_a_deploy_error(settings, tmp_path, capsys, client):
    settings.CREDENTIALS_SIGNING_KEY = tmp_path / "missing.pem"
    call_command("check")
    assert "certificates.W010" in capsys.readouterr().err
    with pytest.raises(SystemCheckError, match="certificates.E010"):
        call_command("check", deploy=True, fail_level="ERROR")
    response = client.get(reverse("certificates:credentials_jwks"))
    assert response.status_code == 503


def test_one_build_and_signature_is_quick(certificate):
    services.credential_issue(certificate=certificate)  # the key read once
    started = time.perf_counter()
    services.credential_issue(certificate=certificate)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"revoked_at": timezone.now()},
        {"superseded_by_id": "00000000-0000-0000-0000-000000000001"},
        {"revoked_at": timezone.now(), "superseded_by_id": "00000000-0000-0000-0000-000000000001"},
        {"expires_at": timezone.now() - datetime.timedelta(days=1)},
        {"renew_by": (timezone.now() - datetime.timedelta(days=3)).date()},
    ],
)
def test_the_status_lists_agree_with_certificate_state(fields):
    """Revoked in the revocation list exactly when certificate_state says revoked; renewed in
    the renewal list when it says renewed. Expiry is the credential's own validUntil."""
    from certificates.selectors import certificate_state, credential_status_verdict

    certificate = Certificate(status=CertificateStatus.READY, **fields)
    state = certificate_state(certificate)
    expected = {"revoked": "revoked", "superseded": "renewed"}.get(state.value, "current")
    assert credential_status_verdict(certificate) == expected
