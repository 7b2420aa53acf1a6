"""Self-signed sealing keys for the demo (`manage.py create_demo_seal`) and the test settings.

Plain `cryptography`, no Django: the test settings import it to make their key before Django
is set up. A real deployment never uses these; its qualified seal certificate comes from a trust
service provider (README, "Configuration").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

DEMO_COMMON_NAME = "DEMO — Organizație emitentă (nu pentru producție)"
DEMO_ORGANISATION = "DEMO Program de formare (nu pentru producție)"


def seal_key() -> ec.EllipticCurvePrivateKey:
    # EC P-256: a seal costs about a millisecond, against several for RSA-2048
    # (benchmarks/README.md, "Issue 19: sealed certificates").
    return ec.generate_private_key(ec.SECP256R1())


def self_signed_seal_certificate(
    key,
    *,
    common_name: str = DEMO_COMMON_NAME,
    organisation: str = DEMO_ORGANISATION,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> x509.Certificate:
    """A certificate for an organisation's seal: key usage digitalSignature and
    nonRepudiation (contentCommitment), as a qualified seal certificate has."""
    not_before = not_before or datetime.now(UTC) - timedelta(days=1)
    not_after = not_after or not_before + timedelta(days=3 * 365)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def seal_pkcs12(key, certificate: x509.Certificate, passphrase: str) -> bytes:
    """The key and its certificate as a PKCS#12 file's bytes, encrypted with `passphrase`."""
    return pkcs12.serialize_key_and_certificates(
        name=b"seal",
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=BestAvailableEncryption(passphrase.encode()),
    )
