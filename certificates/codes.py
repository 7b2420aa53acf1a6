"""Verification codes: 16 Crockford base32 symbols (80 bits), printed in groups of four."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16
# What people type by mistake, read as what they meant.
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The code in canonical form, or None when it cannot be one (case and dashes forgiven)."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch.isalnum()).translate(CONFUSABLE)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
