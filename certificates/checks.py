"""System checks of the certificate seal (certificates/sealing.py).

`manage.py check` warns about each problem; `check --deploy` (production) makes the ones that
would fail every certificate errors: no seal, a seal that cannot be loaded, a key that is not
its certificate's, a certificate expired or not yet valid.
"""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils import translation

from .credentials import keys
from .sealing import SealError, SealSettings, seal_problems

HINT = (
    "Set CERTIFICATE_SEAL_PKCS12_FILE and CERTIFICATE_SEAL_PKCS12_PASSPHRASE, or "
    "CERTIFICATE_SEAL_PKCS11_MODULE, _TOKEN_LABEL, _KEY_LABEL and _PIN (README, Configuration)."
)
# Problem kind → (warning id, deploy error id).
IDS = {
    SealError.KEY_MISMATCH: ("certificates.W001", "certificates.E001"),
    SealError.OUTSIDE_VALIDITY: ("certificates.W002", "certificates.E002"),
    SealError.NOT_CONFIGURED: ("certificates.W004", "certificates.E003"),
    SealError.UNUSABLE: ("certificates.W005", "certificates.E004"),
}


def _problems(config: SealSettings) -> list[SealError]:
    # In English, as Django's own checks (the same messages are stored in Romanian as a failed
    # certificate's reason).
    with translation.override("en"):
        return seal_problems(config)


@register()
def certificate_seal(app_configs, **kwargs):
    """Warnings: the seal's problems, and no timestamp authority."""
    config = SealSettings.current()
    messages = []
    for problem in _problems(config):
        text = str(problem)
        if problem.kind == SealError.NOT_CONFIGURED and not config.required:
            text = "Certificate PDFs are issued unsealed: no seal key is configured (dev only)."
        messages.append(Warning(text, hint=HINT, id=IDS[problem.kind][0]))
    if not config.tsa_url:
        messages.append(
            Warning(
                "No timestamp authority: seals carry only the server's clock (PAdES B-B).",
                hint="Set CERTIFICATE_SEAL_TSA_URL to an RFC 3161 timestamp service.",
                id="certificates.W003",
            )
        )
    return messages


@register(deploy=True)
def certificate_seal_deploy(app_configs, **kwargs):
    """Errors in production: a certificate must never be issued unsealed or badly sealed."""
    problems = _problems(SealSettings.current())
    messages = [Error(str(p), hint=HINT, id=IDS[p.kind][1]) for p in problems]
    if not getattr(settings, "CERTIFICATE_SEAL_REQUIRED", True):
        messages.append(
            Error(
                "CERTIFICATE_SEAL_REQUIRED is False: certificates could be issued unsealed.",
                id="certificates.E005",
            )
        )
    return messages


# The digital credentials' signing key (certificates/credentials/keys.py).
CREDENTIALS_HINT = (
    "Set CREDENTIALS_SIGNING_KEY to a readable PEM private key (P-256, RSA or Ed25519); "
    "`manage.py credentials_signing_key` creates one. Without it no digital credential, "
    "public key or status list can be served."
)


@register()
def credentials_signing_key_readable(app_configs, **kwargs):
    problem = keys.key_problem()
    if not problem:
        return []
    return [
        Warning(
            f"The credentials' signing key: {problem}",
            hint=CREDENTIALS_HINT,
            id="certificates.W010",
        )
    ]


@register(deploy=True)
def credentials_signing_key_deployed(app_configs, **kwargs):
    """In production a missing key is an error: credentials already handed out point at its
    public key and status lists."""
    problem = keys.key_problem()
    if not problem:
        return []
    return [
        Error(
            f"The credentials' signing key: {problem}",
            hint=CREDENTIALS_HINT,
            id="certificates.E010",
        )
    ]
