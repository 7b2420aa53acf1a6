"""The issuer's signing key: read from settings.CREDENTIALS_SIGNING_KEY (a PEM private key),
published as a JWKS, and used to sign every credential as a compact JWS."""

import json
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode

# The JOSE algorithm follows the key's type, so a deployment that needs RS256 (the algorithm
# every Open Badges 3.0 verifier must support) uses an RSA key and changes nothing else.
ALGORITHMS = {("EC", "P-256"): "ES256", ("OKP", "Ed25519"): "EdDSA", ("RSA", None): "RS256"}


class SigningKeyMissing(Exception):
    """No readable private key at settings.CREDENTIALS_SIGNING_KEY."""


def key_path() -> Path:
    return Path(settings.CREDENTIALS_SIGNING_KEY)


def key_problem() -> str:
    """Why the signing key cannot be used ("" when it can): the system checks say it."""
    try:
        _load(str(key_path()), key_path().stat().st_mtime_ns)
    except FileNotFoundError:
        return f"{key_path()} does not exist."
    except (OSError, ValueError, TypeError, SigningKeyMissing) as error:
        return f"{key_path()} cannot be read as a private key ({error.__class__.__name__})."
    return ""


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> jwk.JWK:
    # Keyed by the file's modification time: a replaced key is read again without a restart.
    key = jwk.JWK.from_pem(Path(path).read_bytes())
    if not key.has_private:
        raise SigningKeyMissing("a public key, not a private one")
    _algorithm(key)
    return key


def signing_key() -> jwk.JWK:
    try:
        return _load(str(key_path()), key_path().stat().st_mtime_ns)
    except (OSError, ValueError, TypeError) as error:
        raise SigningKeyMissing(str(key_path())) from error


def _algorithm(key: jwk.JWK) -> str:
    curve = key.get("crv") if key.get("kty") != "RSA" else None
    try:
        return ALGORITHMS[(key.get("kty"), curve)]
    except KeyError:
        raise SigningKeyMissing(f"unsupported key type {key.get('kty')} {curve}") from None


def key_id() -> str:
    """The `kid` of every JWS: the JWKS URL, with the key's RFC 7638 thumbprint as fragment, so
    it dereferences to the published key and a new key gets a new id."""
    jwks = settings.SITE_URL + reverse("certificates:credentials_jwks")
    return f"{jwks}#{signing_key().thumbprint()}"


def public_jwks() -> dict:
    """The JWKS served at /credentials/issuer/jwks.json: the public half only."""
    public = signing_key().export_public(as_dict=True)
    public.update({"kid": key_id(), "use": "sig", "alg": _algorithm(signing_key())})
    return {"keys": [public]}


def sign(payload: dict) -> str:
    """The payload as a compact JWS, with the header Open Badges 3.0 allows (alg, kid, typ)."""
    key = signing_key()
    token = jws.JWS(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    token.add_signature(
        key,
        protected=json_encode({"alg": _algorithm(key), "kid": key_id(), "typ": "JWT"}),
    )
    return token.serialize(compact=True)


def generate_private_key_pem() -> bytes:
    """A new P-256 private key (ES256), PEM-encoded, unencrypted (the file's permissions
    protect it: the management command writes it readable by its owner only)."""
    key = jwk.JWK.generate(kty="EC", crv="P-256")
    return key.export_to_pem(private_key=True, password=None)


def signing_key_create() -> bool:
    """Write a new private key at settings.CREDENTIALS_SIGNING_KEY unless a file is there
    (never replaced: credentials signed with it would stop verifying). True when created."""
    path = key_path()
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created readable by its owner only, and never over a file that appeared meanwhile.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(generate_private_key_pem())
    return True
