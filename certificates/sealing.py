"""The issuing organisation's electronic seal on every certificate PDF (PAdES, with pyHanko).

Until now a certificate could be trusted only through /verify/; sealed, the PDF itself says who
issued it and that not a byte changed since, in any PDF reader. The seal is an invisible
signature field (nothing printed moves) and a certification signature that allows no later
change.

The key comes from the settings (README, "Configuration"): a PKCS#12 file and its passphrase,
or a key on a PKCS#11 token (module, token label, key label, PIN). With a timestamp
authority's URL the seal carries a trusted time (PAdES B-T); without one, only the signer's
clock (B-B).

Where no key is configured, `settings.CERTIFICATE_SEAL_REQUIRED` decides: True (the default,
and always in production) refuses to seal, so the certificate fails with the reason instead
of being issued unsealed; False (the dev settings only, with a system-check warning) hands
the PDF back unsealed.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

logger = logging.getLogger(__name__)

SEAL_FIELD_NAME = "SigiliuOrganizatie"
# Our own seal's CMS is the signature and the signer's certificates; room for it is reserved
# up front instead of letting pyHanko sign a dummy first to measure it (half the seal's time).
# A timestamp's size depends on the authority's certificates, so then pyHanko measures.
_CMS_ROOM = 4096


class SealError(Exception):
    """Sealing cannot work as configured (no key, a key that is not the certificate's, a
    certificate outside its validity): trying again will not help, so the certificate goes to
    FAILED with this message as its reason. `kind` says which, for the system checks."""

    NOT_CONFIGURED = "not_configured"
    UNUSABLE = "unusable"
    KEY_MISMATCH = "key_mismatch"
    OUTSIDE_VALIDITY = "outside_validity"

    def __init__(self, message: str, *, kind: str = UNUSABLE):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class SealSettings:
    """The seal's settings, read together (hashable: the signer is cached by them)."""

    pkcs12_file: str = ""
    pkcs12_passphrase: str = ""
    pkcs11_module: str = ""
    pkcs11_token_label: str = ""
    pkcs11_key_label: str = ""
    pkcs11_cert_label: str = ""
    pkcs11_pin: str = ""
    tsa_url: str = ""
    location: str = ""
    required: bool = True

    @classmethod
    def current(cls) -> SealSettings:
        def value(name: str) -> str:
            return str(getattr(settings, f"CERTIFICATE_SEAL_{name}", "") or "")

        return cls(
            pkcs12_file=value("PKCS12_FILE"),
            pkcs12_passphrase=value("PKCS12_PASSPHRASE"),
            pkcs11_module=value("PKCS11_MODULE"),
            pkcs11_token_label=value("PKCS11_TOKEN_LABEL"),
            pkcs11_key_label=value("PKCS11_KEY_LABEL"),
            pkcs11_cert_label=value("PKCS11_CERT_LABEL"),
            pkcs11_pin=value("PKCS11_PIN"),
            tsa_url=value("TSA_URL"),
            location=value("LOCATION"),
            required=bool(getattr(settings, "CERTIFICATE_SEAL_REQUIRED", True)),
        )

    @property
    def configured(self) -> bool:
        return bool(self.pkcs11_module or self.pkcs12_file)


def _pkcs11_signer(config: SealSettings):
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    if not config.pkcs11_key_label:
        raise SealError(
            _("The seal's PKCS#11 key label is not configured."), kind=SealError.NOT_CONFIGURED
        )
    session = pkcs11.open_pkcs11_session(
        config.pkcs11_module,
        token_criteria=TokenCriteria(label=config.pkcs11_token_label or None),
        user_pin=config.pkcs11_pin or None,
    )
    signer = pkcs11.PKCS11Signer(
        session,
        key_label=config.pkcs11_key_label,
        cert_label=config.pkcs11_cert_label or config.pkcs11_key_label,
    )
    # An EC key: hash here and let the token sign the digest (CKM_ECDSA). Many tokens, SoftHSM
    # among them, have no hash-and-sign ECDSA mechanism; every one that does ECDSA has this.
    if signer.signing_cert.public_key.algorithm == "ec":
        signer.use_raw_mechanism = True
    return signer


def _pkcs12_signer(config: SealSettings):
    try:
        with open(config.pkcs12_file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise SealError(
            _("The seal's PKCS#12 file cannot be read: %(error)s") % {"error": error},
            kind=SealError.UNUSABLE,
        ) from error
    passphrase = config.pkcs12_passphrase.encode() or None
    # Read with cryptography first, to tell a wrong passphrase from a key without its
    # certificate: OpenSSL pairs the key only with a certificate of the same key, and leaves a
    # certificate for another key among the "other" certificates.
    try:
        key, certificate, _others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as error:
        raise SealError(
            _("The seal's PKCS#12 file cannot be opened (wrong passphrase?): %(error)s")
            % {"error": error},
            kind=SealError.UNUSABLE,
        ) from error
    if key is None:
        raise SealError(_("The seal's PKCS#12 file holds no private key."), kind=SealError.UNUSABLE)
    if certificate is None:
        raise SealError(
            _("The seal's key does not match its certificate."), kind=SealError.KEY_MISMATCH
        )
    return signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)


# One signer per process and configuration: a PKCS#12 file is decrypted once, a token's
# session opened once. Keyed by the process id too, because a PKCS#11 session must not cross
# a fork (Celery's prefork children each open their own). A seal replaced under the same file
# name takes effect when the workers restart.
@functools.lru_cache(maxsize=4)
def _signer(config: SealSettings, pid: int):
    signer = _pkcs11_signer(config) if config.pkcs11_module else _pkcs12_signer(config)
    # Once per process: a token's key found under the wrong label would make seals no reader
    # accepts, and the PDFs would be stored as if sealed.
    if not seal_key_matches(signer):
        raise SealError(
            _("The seal's key does not match its certificate."), kind=SealError.KEY_MISMATCH
        )
    return signer


def seal_signer(config: SealSettings | None = None):
    """The configured signer (cached per process); SealError when none is configured or it
    cannot be loaded."""
    config = config or SealSettings.current()
    if not config.configured:
        raise SealError(
            _(
                "No seal key is configured (CERTIFICATE_SEAL_PKCS12_FILE or "
                "CERTIFICATE_SEAL_PKCS11_MODULE): certificates are not issued unsealed."
            ),
            kind=SealError.NOT_CONFIGURED,
        )
    try:
        return _signer(config, os.getpid())
    except SealError:
        raise
    except Exception as error:  # a token missing, a wrong PIN, a key that cannot sign
        raise SealError(
            _("The seal's key cannot be loaded: %(error)s") % {"error": repr(error)}
        ) from error


def seal_organisation(certificate: asn1_x509.Certificate) -> str:
    """Who seals: the organisation named in the seal certificate's subject (else its CN)."""
    subject = certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or ""


def seal_reason(organisation: str) -> str:
    """The reason a PDF reader shows beside the seal, in both languages the certificate is
    printed in."""
    reasons = []
    for language in ("ro", "en"):
        with translation.override(language):
            reasons.append(
                _("Certificate of completion issued by %(organisation)s")
                % {"organisation": organisation}
            )
    return " / ".join(dict.fromkeys(reasons))


def seal_validity_problem(certificate: asn1_x509.Certificate, now: datetime | None = None):
    """Why the seal certificate cannot seal now (expired, not yet valid), or None."""
    now = now or datetime.now(UTC)
    validity = certificate["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if now > not_after:
        return _("The seal certificate expired on %(date)s.") % {"date": f"{not_after:%Y-%m-%d}"}
    if now < not_before:
        return _("The seal certificate is not valid before %(date)s.") % {
            "date": f"{not_before:%Y-%m-%d}"
        }
    return None


def _run_async(make_coroutine):
    """Run one of pyHanko's coroutines to its end from synchronous code. pyHanko's own entry
    points call asyncio.run, which fails in a thread whose event loop is running (a Celery task
    run eagerly under Playwright's sync API, an async server): there the coroutine runs in a
    short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seal") as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def seal_key_matches(signer) -> bool:
    """Whether the signer's key is its certificate's: sign a probe and verify it against the
    certificate, which works the same for a PKCS#12 file and a token's key."""
    probe = b"certificate seal key probe"
    signature = _run_async(lambda: signer.async_sign_raw(probe, "sha256"))
    try:
        DefaultSignatureValidator().validate_signature(
            signature,
            probe,
            signer.signing_cert.public_key,
            signer.get_signature_mechanism_for_digest("sha256"),
        )
    except Exception:  # noqa: BLE001 - any failure to verify is a mismatch
        return False
    return True


def seal_problems(config: SealSettings | None = None) -> list[SealError]:
    """What stops the configured seal from sealing now, for the system checks: not configured,
    cannot be loaded, a key that is not its certificate's, a certificate outside its
    validity. Empty when it can seal."""
    config = config or SealSettings.current()
    try:
        signer = seal_signer(config)
    except SealError as error:
        return [error]
    problem = seal_validity_problem(signer.signing_cert)
    return [SealError(problem, kind=SealError.OUTSIDE_VALIDITY)] if problem else []


def seal_pdf(pdf_bytes: bytes) -> bytes:
    """The PDF with the issuing organisation's PAdES seal added as an incremental update.

    Raises SealError when it cannot be sealed as configured. With nothing configured and
    CERTIFICATE_SEAL_REQUIRED False (dev only), returns the PDF unsealed and logs a warning.
    """
    config = SealSettings.current()
    if not config.configured and not config.required:
        logger.warning("Certificate PDF left unsealed: no seal key configured (dev settings).")
        return pdf_bytes
    signer = seal_signer(config)
    certificate = signer.signing_cert
    problem = seal_validity_problem(certificate)
    if problem:
        raise SealError(problem, kind=SealError.OUTSIDE_VALIDITY)
    organisation = seal_organisation(certificate)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=organisation,
        reason=seal_reason(organisation),
        location=config.location or None,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    timestamper = None
    bytes_reserved = None
    if config.tsa_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(config.tsa_url, timeout=10)
    else:
        certificates = sum(len(c.dump()) for c in signer.cert_registry) + len(certificate.dump())
        bytes_reserved = _CMS_ROOM + -(-certificates // 512) * 512  # pyHanko wants it even
    output = _run_async(
        lambda: signers.async_sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf_bytes)),
            metadata,
            signer=signer,
            timestamper=timestamper,
            bytes_reserved=bytes_reserved,
        )
    )
    return output.getvalue()
