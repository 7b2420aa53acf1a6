"""Sealed certificate PDFs (issue 19): every issued, re-issued and renewed certificate carries
the issuing organisation's PAdES seal, as Debian's `pdfsig` (poppler, NSS) sees it, not only as
pyHanko says; a bad seal configuration is a warning, and an error for production; a seal that
fails leaves the certificate FAILED with the reason and stores nothing unsealed."""

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image, ImageChops

from certificates import services
from certificates.checks import certificate_seal, certificate_seal_deploy
from certificates.models import Certificate, CertificateStatus
from certificates.rendering import render_certificate_pdf
from certificates.seal_keys import (
    DEMO_COMMON_NAME,
    seal_key,
    seal_pkcs12,
    self_signed_seal_certificate,
)
from certificates.sealing import SEAL_FIELD_NAME, seal_pdf
from certificates.tasks import reissue_certificate
from courses import services as course_services

from ..courses.factories import lessons_of, make_course, publish
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db

TEST_SIGNER = "TEST — Organizație emitentă (teste automate)"  # elearning/settings/test.py


def pdfsig(path: Path) -> str:
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def assert_sealed_and_valid(path: Path, signer: str = TEST_SIGNER) -> str:
    report = pdfsig(path)
    assert "Signature #1:" in report and "Signature #2:" not in report, report
    assert f"Signature Field Name: {SEAL_FIELD_NAME}" in report, report
    assert f"Signer Certificate Common Name: {signer}" in report, report
    assert "Signature Type: ETSI.CAdES.detached" in report, report  # PAdES
    assert "Total document signed" in report, report
    assert "Signature Validation: Signature is Valid." in report, report
    return report


def complete(learner, course, capture) -> Certificate:
    with capture(execute=True):
        for lesson in lessons_of(course):
            course_services.step_complete(learner=learner, course=course, step=lesson)
    return Certificate.objects.get(learner=learner, course_key=course.translation_key)


def write_seal(folder: Path, *, matching: bool = True, **certificate_options) -> str:
    """A PKCS#12 file as a configuration would name it; `matching=False`: its certificate is
    for another key (OpenSSL then keeps it apart from the key, as a mistaken export does)."""
    key = seal_key()
    certificate = self_signed_seal_certificate(key, **certificate_options)
    if matching:
        data = seal_pkcs12(key, certificate, "p")
    else:
        from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

        data = pkcs12.serialize_key_and_certificates(
            b"seal", seal_key(), None, [certificate], BestAvailableEncryption(b"p")
        )
    path = folder / f"seal-{len(list(folder.glob('*.p12')))}.p12"
    path.write_bytes(data)
    return str(path)


def use_seal(settings, path: str, *, tsa_url: str = "") -> None:
    settings.CERTIFICATE_SEAL_PKCS12_FILE = path
    settings.CERTIFICATE_SEAL_PKCS12_PASSPHRASE = "p"
    settings.CERTIFICATE_SEAL_TSA_URL = tsa_url


@pytest.fixture
def learner(demo_site, media_root):
    return UserFactory(full_name="Ana-Maria Ștefănescu-Țurcanu", preferred_language="ro")


def test_an_issued_certificate_is_sealed_over_the_whole_document(
    learner, django_capture_on_commit_callbacks
):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    assert certificate.status == CertificateStatus.READY
    path = Path(certificate.pdf.path)
    assert_sealed_and_valid(path)
    # The reason and signer name a PDF reader shows beside the seal (read back with pyHanko).
    from pyhanko.pdf_utils.reader import PdfFileReader

    with path.open("rb") as handle:
        [seal] = PdfFileReader(handle).embedded_signatures
        assert seal.sig_object["/Name"] == "TEST Program de formare"
        assert seal.sig_object["/Reason"] == (
            "Certificat de absolvire emis de TEST Program de formare / "
            "Certificate of completion issued by TEST Program de formare"
        )


def test_one_byte_changed_inside_the_signed_range_is_reported_altered(
    learner, django_capture_on_commit_callbacks, tmp_path
):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    data = bytearray(Path(certificate.pdf.path).read_bytes())
    # Byte 10 is in the binary comment under the header: inside the first signed range, and
    # harmless to the PDF's structure, so only the seal can tell.
    data[10] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    report = pdfsig(altered)
    assert "Signature is Valid" not in report, report
    assert "Digest Mismatch" in report or "Invalid" in report, report


def test_the_seal_changes_nothing_visible(learner, django_capture_on_commit_callbacks, tmp_path):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    unsealed = tmp_path / "unsealed.pdf"
    unsealed.write_bytes(render_certificate_pdf(certificate))
    sealed = tmp_path / "sealed.pdf"
    sealed.write_bytes(seal_pdf(unsealed.read_bytes()))
    pictures = []
    for pdf in (unsealed, sealed):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(pdf.with_suffix(""))])
        [png] = tmp_path.glob(f"{pdf.stem}*.png")
        pictures.append(Image.open(png).convert("RGB"))
    assert pictures[0].size == pictures[1].size
    assert ImageChops.difference(*pictures).getbbox() is None  # not one pixel differs


def test_reissue_seals_again_with_a_new_signature(learner, django_capture_on_commit_callbacks):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    first = Path(certificate.pdf.path).read_bytes()
    learner.full_name = "Ana-Maria Popescu"
    learner.save()
    reissued = services.certificate_reissue(certificate=certificate)
    path = Path(reissued.pdf.path)
    assert_sealed_and_valid(path)  # one seal: the new PDF is sealed, not sealed over the old
    second = path.read_bytes()
    assert second != first

    from pyhanko.pdf_utils.reader import PdfFileReader

    def signature(data: bytes) -> bytes:
        import io

        [seal] = PdfFileReader(io.BytesIO(data)).embedded_signatures
        return seal.signer_info["signature"].native

    assert signature(second) != signature(first)


def test_a_renewal_certificate_is_sealed(demo_site, media_root):
    course = make_course(lessons=1)
    course.certificate_validity_months = 24
    publish(course)
    learner = UserFactory(full_name="Ioana Țurcanu")
    first = services.certificate_request(
        learner_id=learner.pk,
        course_key=course.translation_key,
        completed_at=datetime.now(UTC) - timedelta(days=740),
    )
    services.certificate_issue(certificate_id=first.pk)
    renewal = services.certificate_request(
        learner_id=learner.pk,
        course_key=course.translation_key,
        completed_at=datetime.now(UTC),
        run=2,
    )
    services.certificate_issue(certificate_id=renewal.pk)
    renewal.refresh_from_db()
    assert renewal.is_renewal and renewal.status == CertificateStatus.READY
    assert_sealed_and_valid(Path(renewal.pdf.path))


# System checks ------------------------------------------------------------------------------


def ids(messages) -> set[str]:
    return {message.id for message in messages}


def test_the_test_seal_passes_the_checks_but_for_the_timestamp_authority(settings):
    assert ids(certificate_seal(None)) == {"certificates.W003"}
    assert ids(certificate_seal_deploy(None)) == set()
    settings.CERTIFICATE_SEAL_TSA_URL = "https://tsa.example.org/"
    assert ids(certificate_seal(None)) == set()


def test_a_key_that_is_not_its_certificates_is_a_warning_and_a_deploy_error(settings, tmp_path):
    use_seal(settings, write_seal(tmp_path, matching=False), tsa_url="https://tsa.example.org/")
    [warning] = certificate_seal(None)
    assert warning.id == "certificates.W001"
    assert ids(certificate_seal_deploy(None)) == {"certificates.E001"}


@pytest.mark.parametrize(
    ("validity", "text"),
    [
        ((datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)), "2021-01-01"),
        ((datetime(2090, 1, 1, tzinfo=UTC), datetime(2091, 1, 1, tzinfo=UTC)), "2090-01-01"),
    ],
    ids=["expired", "not-yet-valid"],
)
def test_a_seal_certificate_outside_its_validity_is_a_warning_and_a_deploy_error(
    settings, tmp_path, validity, text
):
    not_before, not_after = validity
    use_seal(
        settings,
        write_seal(tmp_path, not_before=not_before, not_after=not_after),
        tsa_url="https://tsa.example.org/",
    )
    [warning] = certificate_seal(None)
    assert warning.id == "certificates.W002" and text in warning.msg
    assert ids(certificate_seal_deploy(None)) == {"certificates.E002"}


def test_no_seal_fails_the_deploy_check_and_is_only_a_warning_in_dev(settings):
    use_seal(settings, "", tsa_url="https://tsa.example.org/")
    assert ids(certificate_seal_deploy(None)) == {"certificates.E003"}
    settings.CERTIFICATE_SEAL_REQUIRED = False  # the dev settings
    [warning] = certificate_seal(None)
    assert warning.id == "certificates.W004" and "unsealed" in warning.msg
    assert ids(certificate_seal_deploy(None)) == {"certificates.E003", "certificates.E005"}
    pdf = b"%PDF-1.7 not really"
    assert seal_pdf(pdf) == pdf  # dev only: handed back unsealed (and logged)


# A failing seal in production --------------------------------------------------------------


def test_a_failing_seal_leaves_the_certificate_failed_with_its_reason_and_no_file(
    client, learner, django_capture_on_commit_callbacks, settings, tmp_path, private_root
):
    # As production: the seal is required, and its certificate expired.
    settings.CERTIFICATE_SEAL_REQUIRED = True
    good = settings.CERTIFICATE_SEAL_PKCS12_FILE, settings.CERTIFICATE_SEAL_PKCS12_PASSPHRASE
    use_seal(
        settings,
        write_seal(
            tmp_path,
            not_before=datetime(2020, 1, 1, tzinfo=UTC),
            not_after=datetime(2021, 1, 1, tzinfo=UTC),
        ),
    )
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    assert certificate.status == CertificateStatus.FAILED
    assert "2021-01-01" in certificate.failure
    assert not certificate.pdf
    assert not list((private_root / "certificates").glob("*")) if private_root.exists() else True
    assert list(certificate.events.values_list("kind", "note")) == [("failed", certificate.failure)]

    # The administrator sees the failure and its reason, and retries once the seal is fixed.
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(
        reverse("wagtailsnippets_certificates_certificate:edit", args=[certificate.pk])
    ).content.decode()
    assert certificate.failure in html
    settings.CERTIFICATE_SEAL_PKCS12_FILE, settings.CERTIFICATE_SEAL_PKCS12_PASSPHRASE = good
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificate_retry", args=[certificate.pk]))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY and certificate.failure == ""
    assert_sealed_and_valid(Path(certificate.pdf.path))


def test_a_failing_seal_on_reissue_keeps_the_sealed_pdf_and_records_the_failure(
    learner, django_capture_on_commit_callbacks, settings, tmp_path
):
    certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
    before = Path(certificate.pdf.path).read_bytes()
    use_seal(settings, write_seal(tmp_path, matching=False))
    reissue_certificate.delay(str(certificate.pk))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    assert Path(certificate.pdf.path).read_bytes() == before
    failure = certificate.events.get(kind="failed").note
    assert failure and not certificate.events.filter(kind="reissued").exists()


# A key on a PKCS#11 token ----------------------------------------------------------------------

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")


@pytest.mark.skipif(
    not SOFTHSM.exists() or not shutil.which("pkcs11-tool"),
    reason="SoftHSM and OpenSC (Debian softhsm2, opensc) are not installed",
)
def test_a_key_on_a_pkcs11_token_seals(settings, tmp_path, monkeypatch):
    """The PKCS#11 path end to end on SoftHSM, a software token: an EC key and its certificate
    imported under one label, found by token and key label, checked and sealing."""
    from cryptography.hazmat.primitives import serialization

    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "sigiliu"]
        + ["--pin", "1234", "--so-pin", "5678"],
        check=True,
        capture_output=True,
    )
    key = seal_key()
    certificate = self_signed_seal_certificate(key, common_name="HSM — Organizație emitentă")
    objects = {
        "privkey": key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        "cert": certificate.public_bytes(serialization.Encoding.DER),
    }
    for kind, data in objects.items():
        (tmp_path / kind).write_bytes(data)
        subprocess.run(
            ["pkcs11-tool", "--module", str(SOFTHSM), "--token-label", "sigiliu", "--login"]
            + ["--pin", "1234", "--write-object", str(tmp_path / kind), "--type", kind]
            + ["--label", "sigiliu-cheie", "--id", "01"],
            check=True,
            capture_output=True,
        )
    settings.CERTIFICATE_SEAL_PKCS12_FILE = ""
    settings.CERTIFICATE_SEAL_PKCS11_MODULE = str(SOFTHSM)
    settings.CERTIFICATE_SEAL_PKCS11_TOKEN_LABEL = "sigiliu"
    settings.CERTIFICATE_SEAL_PKCS11_KEY_LABEL = "sigiliu-cheie"
    settings.CERTIFICATE_SEAL_PKCS11_PIN = "1234"
    assert ids(certificate_seal_deploy(None)) == set()
    sealed = tmp_path / "sealed.pdf"
    sealed.write_bytes(seal_pdf(render_pdf_of_one_paragraph()))
    assert_sealed_and_valid(sealed, signer="HSM — Organizație emitentă")


def render_pdf_of_one_paragraph() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Probă</p>").write_pdf()


class LocalTimestampAuthority:
    """An RFC 3161 timestamp authority over HTTP on a free local port, answering with pyHanko's
    own test stamper (RSA, its certificate for time stamping only): what a configured
    CERTIFICATE_SEAL_TSA_URL talks to, without a network."""

    def __init__(self):
        import asyncio
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import keys, tsp, x509
        from cryptography import x509 as pyca_x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = pyca_x509.Name([pyca_x509.NameAttribute(NameOID.COMMON_NAME, "TEST TSA")])
        now = datetime.now(UTC)
        certificate = (
            pyca_x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(pyca_x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(
                pyca_x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .sign(key, hashes.SHA256())
        )
        stamper = DummyTimeStamper(
            tsa_cert=x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
            tsa_key=keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
        )
        self.requests = 0
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = tsp.TimeStampReq.load(body)
                reply = asyncio.run(stamper.async_request_tsa_response(request)).dump()
                authority.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self):
        self.server.shutdown()


def test_with_a_timestamp_authority_the_seal_carries_its_timestamp(
    learner, django_capture_on_commit_callbacks, settings, tmp_path
):
    """PAdES B-T: the configured authority is asked once per certificate and its timestamp is
    embedded in the seal; pdfsig still finds the whole document signed and valid."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    authority = LocalTimestampAuthority()
    try:
        use_seal(settings, write_seal(tmp_path), tsa_url=authority.url)
        certificate = complete(learner, make_course(lessons=1), django_capture_on_commit_callbacks)
        assert certificate.status == CertificateStatus.READY, certificate.failure
        assert authority.requests >= 1
        path = Path(certificate.pdf.path)
        with path.open("rb") as handle:
            [seal] = PdfFileReader(handle).embedded_signatures
            # The signature timestamp: an unsigned attribute of the seal's CMS signer info,
            # a token signed by the authority.
            [token] = [
                attribute["values"][0]
                for attribute in seal.signer_info["unsigned_attrs"]
                if attribute["type"].native == "signature_time_stamp_token"
            ]
            [stamp_signer] = token["content"]["signer_infos"]
            assert stamp_signer["sid"].chosen["issuer"].human_friendly == "Common Name: TEST TSA"
        assert_sealed_and_valid(path, signer=DEMO_COMMON_NAME)
    finally:
        authority.close()
