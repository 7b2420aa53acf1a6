"""The HTTP calls the tool makes to a platform, each with LTI_HTTP_TIMEOUT: its key set, an
access token (client credentials with a signed client assertion, RFC 7523), a score (AGS) and
a roster page (NRPS)."""

from __future__ import annotations

import hashlib
import time
import uuid

import requests
from django.conf import settings
from django.core.cache import cache
from jwcrypto import jwk, jwt

from . import keys
from .models import platform_url_allowed

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
MEMBERSHIPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
# A key set is a few kilobytes; more is not one.
MAX_RESPONSE_BYTES = 512 * 1024


class PlatformError(Exception):
    """The platform did not answer as the specification says (or not at all)."""


class InsecurePlatformUrl(PlatformError):
    """An http address where only https is allowed (LTI_ALLOW_INSECURE_PLATFORM_URLS off)."""


def _require_allowed(url: str) -> None:
    # Defence in depth: the registration form refuses http, but a registration stored before
    # the rule, or an address a launch gave us (line items, rosters), is checked here, where
    # the request would leave.
    if not platform_url_allowed(url):
        raise InsecurePlatformUrl(
            f"{url}: not called, it is not https (LTI_ALLOW_INSECURE_PLATFORM_URLS is off); "
            "the platform's registration or its launch must give https addresses"
        )


def _get_json(url: str, *, headers: dict | None = None) -> dict:
    _require_allowed(url)
    try:
        response = requests.get(url, headers=headers or {}, timeout=settings.LTI_HTTP_TIMEOUT)
    except requests.RequestException as error:
        raise PlatformError(f"{url}: {error}") from error
    if response.status_code != 200 or len(response.content) > MAX_RESPONSE_BYTES:
        raise PlatformError(f"{url}: HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as error:
        raise PlatformError(f"{url}: not JSON") from error


def _jwks_cache_key(url: str) -> str:
    # The key set is the platform's, with its own lifetime (not a version of our data), so it
    # is cached by Django's cache for a fixed time rather than through elearning's versions.
    return "lti-jwks:" + hashlib.sha256(url.encode()).hexdigest()


def platform_keys(url: str, *, refresh: bool = False) -> jwk.JWKSet:
    """The platform's key set, cached LTI_JWKS_CACHE_SECONDS; `refresh` fetches it again (a
    launch signed with a key id we do not know: the platform may have rotated its key)."""
    _require_allowed(url)  # a key set cached before the rule changed is not used either
    data = None if refresh else cache.get(_jwks_cache_key(url))
    if data is None:
        data = _get_json(url)
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise PlatformError(f"{url}: not a key set")
        cache.set(_jwks_cache_key(url), data, settings.LTI_JWKS_CACHE_SECONDS)
    keyset = jwk.JWKSet()
    for item in data["keys"]:
        try:
            keyset.add(jwk.JWK(**item))
        except (TypeError, ValueError, jwk.InvalidJWKValue):
            continue  # a key we cannot read cannot have signed anything we accept
    return keyset


def signed_jwt(claims: dict) -> str:
    """Claims signed RS256 with our key, with our key id in the header."""
    key = keys.tool_key()
    token = jwt.JWT(header={"alg": "RS256", "typ": "JWT", "kid": key.get("kid")}, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def access_token(registration, scopes: list[str]) -> str:
    """An OAuth2 access token from the platform's token URL: client credentials, the client
    authenticated by a JWT signed with our key (RFC 7523; LTI Security Framework 4.1)."""
    _require_allowed(registration.token_url)
    now = int(time.time())
    assertion = signed_jwt(
        {
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.token_audience,
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
    )
    try:
        response = requests.post(
            registration.token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
                "scope": " ".join(scopes),
            },
            timeout=settings.LTI_HTTP_TIMEOUT,
        )
        data = response.json() if response.status_code == 200 else {}
    except (requests.RequestException, ValueError) as error:
        raise PlatformError(f"token: {error}") from error
    token = data.get("access_token") if isinstance(data, dict) else None
    if not token:
        raise PlatformError(f"token: HTTP {response.status_code}")
    return token


def score_post(registration, *, lineitem_url: str, score: dict) -> None:
    """POST a score to the line item's /scores endpoint (AGS 2.0, 3.4)."""
    base, _, query = lineitem_url.partition("?")
    url = base.rstrip("/") + "/scores" + (f"?{query}" if query else "")
    _require_allowed(url)
    token = access_token(registration, [SCORE_SCOPE])
    try:
        response = requests.post(
            url,
            json=score,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/vnd.ims.lis.v1.score+json",
            },
            timeout=settings.LTI_HTTP_TIMEOUT,
        )
    except requests.RequestException as error:
        raise PlatformError(f"scores: {error}") from error
    if not 200 <= response.status_code < 300:
        raise PlatformError(f"scores: HTTP {response.status_code}")


def line_item_find_or_create(
    registration, *, lineitems_url: str, line_item: dict, max_pages: int = 10
) -> str:
    """The id (URL) of the line item of `line_item["resourceLinkId"]` tagged
    `line_item["tag"]` in the platform's line items container, created with `line_item` when
    there is none (AGS 2.0, 3.2): GET filtered by resource_link_id and tag, then POST."""
    _require_allowed(lineitems_url)
    token = access_token(registration, [LINEITEM_SCOPE])
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.ims.lis.v2.lineitemcontainer+json",
    }
    link, tag = line_item["resourceLinkId"], line_item["tag"]
    url, params = lineitems_url, {"resource_link_id": link, "tag": tag}
    for _page in range(max_pages):
        _require_allowed(url)
        try:
            response = requests.get(
                url, params=params, headers=headers, timeout=settings.LTI_HTTP_TIMEOUT
            )
            data = response.json() if response.status_code == 200 else None
        except (requests.RequestException, ValueError) as error:
            raise PlatformError(f"lineitems: {error}") from error
        if not isinstance(data, list):
            raise PlatformError(f"lineitems: HTTP {response.status_code}")
        for item in data:
            # Filtered again here: a platform may ignore the filters (they are hints to it),
            # and a line item of another link or course must never get this grade.
            if (
                isinstance(item, dict)
                and item.get("id")
                and item.get("tag") == tag
                and item.get("resourceLinkId", link) == link
            ):
                return str(item["id"])
        url, params = response.links.get("next", {}).get("url"), None
        if not url:
            break
    try:
        response = requests.post(
            lineitems_url,
            json=line_item,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/vnd.ims.lis.v2.lineitem+json",
                "Accept": "application/vnd.ims.lis.v2.lineitem+json",
            },
            timeout=settings.LTI_HTTP_TIMEOUT,
        )
        created = response.json() if response.status_code in (200, 201) else None
    except (requests.RequestException, ValueError) as error:
        raise PlatformError(f"lineitems (create): {error}") from error
    if not isinstance(created, dict) or not created.get("id"):
        raise PlatformError(f"lineitems (create): HTTP {response.status_code}")
    return str(created["id"])


def memberships(registration, *, url: str, max_pages: int = 20) -> list[dict]:
    """The context's members (NRPS 2.0), following `rel=next` links up to `max_pages`."""
    _require_allowed(url)
    token = access_token(registration, [MEMBERSHIPS_SCOPE])
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
    }
    members: list[dict] = []
    for _page in range(max_pages):
        _require_allowed(url)  # a next page's address too
        try:
            response = requests.get(url, headers=headers, timeout=settings.LTI_HTTP_TIMEOUT)
            data = response.json() if response.status_code == 200 else None
        except (requests.RequestException, ValueError) as error:
            raise PlatformError(f"memberships: {error}") from error
        if not isinstance(data, dict) or not isinstance(data.get("members"), list):
            raise PlatformError(f"memberships: HTTP {response.status_code}")
        members += [m for m in data["members"] if isinstance(m, dict)]
        url = response.links.get("next", {}).get("url") or data.get("next")
        if not url:
            break
    return members
