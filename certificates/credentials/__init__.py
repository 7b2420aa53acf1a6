"""The certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential), for wallets
and registries that read badges rather than PDFs.

Secured as a VC-JWT (a compact JWS whose payload is the credential, OB 3.0 section 8.2), not with
an embedded Data Integrity proof: a JWS needs no RDF canonicalisation, so any JOSE library
(jwcrypto, PyJWT, jose in JavaScript) verifies it independently with the key published at the
`kid` URL, and a JSON-LD processor is needed only to read the terms, never to check the
signature. The credential is small and built on request, from the register's snapshot.

- keys: the signing key (settings.CREDENTIALS_SIGNING_KEY) and its public JWKS.
- badges: the OpenBadgeCredential, its Achievement and the issuer's Profile.
- status_lists: the Bitstring Status Lists that say, at request time, which are revoked or
  renewed.
- contexts/: the JSON-LD contexts the credentials name, shipped with the platform.
"""
