"""Our tool's key pair: the private key signs deep linking responses and client assertions;
its public half is served as our key set (JWKS) for platforms to verify them."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from jwcrypto import jwk


class ToolKeyMissing(Exception):
    """No private key is configured (LTI_TOOL_PRIVATE_KEY or LTI_TOOL_PRIVATE_KEY_FILE)."""


def _pem() -> bytes:
    if settings.LTI_TOOL_PRIVATE_KEY:
        return settings.LTI_TOOL_PRIVATE_KEY.encode()
    path = Path(settings.LTI_TOOL_PRIVATE_KEY_FILE or "")
    if settings.LTI_TOOL_PRIVATE_KEY_FILE and path.is_file():
        return path.read_bytes()
    raise ToolKeyMissing


@functools.lru_cache(maxsize=4)
def _key_from(pem: bytes) -> jwk.JWK:
    key = jwk.JWK.from_pem(pem)
    # The key id is the key's own RFC 7638 thumbprint: a new key gets a new id by itself.
    key.update({"kid": key.thumbprint(), "alg": "RS256", "use": "sig"})
    return key


def tool_key() -> jwk.JWK:
    """The private key (raises ToolKeyMissing when none is configured)."""
    return _key_from(_pem())


def tool_jwks() -> dict:
    """Our public key set, as platforms fetch it: `{"keys": [...]}` (empty without a key)."""
    try:
        key = tool_key()
    except ToolKeyMissing:
        return {"keys": []}
    return {"keys": [key.export_public(as_dict=True)]}


def tool_key_configured() -> bool:
    try:
        tool_key()
    except ToolKeyMissing:
        return False
    return True


def private_key_pem_generate() -> bytes:
    """A new 2048-bit RSA private key, PEM (for `manage.py lti_tool_key`)."""
    return jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)
