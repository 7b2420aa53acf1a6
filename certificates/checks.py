"""System checks of the digital credentials: their signing key."""

from django.core.checks import Error, Warning, register

from .credentials import keys

HINT = (
    "Set CREDENTIALS_SIGNING_KEY to a readable PEM private key (P-256, RSA or Ed25519); "
    "`manage.py credentials_signing_key` creates one. Without it no digital credential, "
    "public key or status list can be served."
)


@register()
def credentials_signing_key_readable(app_configs, **kwargs):
    problem = keys.key_problem()
    if not problem:
        return []
    return [Warning(f"The credentials' signing key: {problem}", hint=HINT, id="certificates.W001")]


@register(deploy=True)
def credentials_signing_key_deployed(app_configs, **kwargs):
    """In production a missing key is an error: credentials already handed out point at its
    public key and status lists."""
    problem = keys.key_problem()
    if not problem:
        return []
    return [Error(f"The credentials' signing key: {problem}", hint=HINT, id="certificates.E001")]
