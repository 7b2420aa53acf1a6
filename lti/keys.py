"""Our tool's key pair: the private key signs deep linking responses and client assertions;
its public half is served as our key set (JWKS) for platforms to verify them.

Rotation without a gap: a platform caches our key set, and a token signed a moment before a
rotation is checked after it. So the previous key's PUBLIC half (LTI_TOOL_PREVIOUS_KEY or
LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE) is served beside the current one until the operator drops
it; we always sign with the current key (`manage.py lti_tool_key --rotate`)."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings
from jwcrypto import jwk

logger = logging.getLogger(__name__)


class ToolKeyMissing(Exception):
    """No private key is configured (LTI_TOOL_PRIVATE_KEY or LTI_TOOL_PRIVATE_KEY_FILE)."""


def _pem() -> bytes:
    if settings.LTI_TOOL_PRIVATE_KEY:
        return settings.LTI_TOOL_PRIVATE_KEY.encode()
    path = Path(settings.LTI_TOOL_PRIVATE_KEY_FILE or "")
    if settings.LTI_TOOL_PRIVATE_KEY_FILE and path.is_file():
        return path.read_bytes()
    raise ToolKeyMissing


def _previous_pem() -> bytes | None:
    """The previous key as configured (public PEM; a private one is accepted, only its public
    half is ever used), or None."""
    text = getattr(settings, "LTI_TOOL_PREVIOUS_KEY", "")
    if text:
        return text.encode()
    name = getattr(settings, "LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE", "")
    path = Path(name or "")
    if name and path.is_file():
        return path.read_bytes()
    return None


@functools.lru_cache(maxsize=8)
def _key_from(pem: bytes) -> jwk.JWK:
    key = jwk.JWK.from_pem(pem)
    # The key id is the key's own RFC 7638 thumbprint: a new key gets a new id by itself, and
    # the public half of a key has the same id as the key (the thumbprint is of public members).
    key.update({"kid": key.thumbprint(), "alg": "RS256", "use": "sig"})
    return key


def tool_key() -> jwk.JWK:
    """The private key (raises ToolKeyMissing when none is configured)."""
    return _key_from(_pem())


def previous_public_key() -> jwk.JWK | None:
    """The previous key's public half, served during a rotation; None when there is none or
    it cannot be read (a broken previous key must not take the current one's set down)."""
    pem = _previous_pem()
    if pem is None:
        return None
    try:
        return _key_from(pem)
    except (ValueError, TypeError, jwk.InvalidJWKValue) as error:
        logger.warning("LTI previous tool key cannot be read: %s", error)
        return None


def tool_jwks() -> dict:
    """Our public key set, as platforms fetch it: `{"keys": [...]}` (empty without a key): the
    current key first, then the previous one while a rotation is under way."""
    try:
        key = tool_key()
    except ToolKeyMissing:
        return {"keys": []}
    keys = [key.export_public(as_dict=True)]
    previous = previous_public_key()
    if previous is not None and previous.get("kid") != key.get("kid"):
        keys.append(previous.export_public(as_dict=True))
    return {"keys": keys}


def tool_key_configured() -> bool:
    try:
        tool_key()
    except ToolKeyMissing:
        return False
    return True


def private_key_pem_generate() -> bytes:
    """A new 2048-bit RSA private key, PEM (for `manage.py lti_tool_key`)."""
    return jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)


def key_id(pem: bytes) -> str:
    """The key id a PEM key is served with (its thumbprint; the same for both halves)."""
    return _key_from(pem).get("kid")


def public_pem(private_pem: bytes) -> bytes:
    """The public half of a PEM key, PEM (what a rotation keeps of the previous key)."""
    return jwk.JWK.from_pem(private_pem).export_to_pem(private_key=False)
