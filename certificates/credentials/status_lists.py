"""W3C Bitstring Status Lists of the digital credentials.

Two lists per block of LIST_SIZE certificates, each a position per certificate
(`Certificate.status_list_index`):

- "revocation" (statusPurpose "revocation"): 1 = revoked. Wallets and verifiers read it as
  "not valid", as the verification page says.
- "renewal" (statusPurpose "message", one bit, with its messages in the credential's entry):
  1 = renewed by a later certificate. Not "suspension": a renewed certificate is not
  suspended, it stays true with its own dates (the verification page says "renewed", not
  "invalid"), and suspension would have wallets show it as not valid. A message list says
  exactly what happened without a verifier treating it as a failure.

Both are computed from the register at request time with the same rule as
`certificates.selectors.certificate_state` (revoked wins; renewed when superseded), so the
lists, the verification page and "My learning" never disagree.
"""

import base64
import gzip

# 131,072 positions (16 KB uncompressed): the minimum the specification sets, so that one
# certificate's bit hides among many (herd privacy).
LIST_SIZE = 131_072
# A list takes new certificates until half full, so a random position rarely collides.
LIST_FILL = LIST_SIZE // 2

REVOCATION = "revocation"
RENEWAL = "renewal"
PURPOSES = {REVOCATION: "revocation", RENEWAL: "message"}
RENEWAL_MESSAGES = [
    {"status": "0x0", "message": "current"},
    {"status": "0x1", "message": "renewed: superseded by a later certificate"},
]


def position(index: int) -> tuple[int, int]:
    """(list number, position in it) of a status list index."""
    return divmod(index, LIST_SIZE)


def encode(set_positions) -> str:
    """The bitstring with these positions set, GZIP-compressed, as a base64url multibase
    ("u" prefix, no padding). Position 0 is the most significant bit of the first byte."""
    bits = bytearray(LIST_SIZE // 8)
    for pos in set_positions:
        bits[pos // 8] |= 0x80 >> (pos % 8)
    # mtime=0: the same list always compresses to the same bytes.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")
