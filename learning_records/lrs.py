"""The one place that speaks HTTP to the learning record store (the statements resource of
xAPI 1.0.3). The standard library's client: one POST a batch, no new dependency."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .statements import XAPI_VERSION

TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (refused, timed out, not a URL we can reach)
    body: str = ""


def statements_url() -> str:
    return settings.XAPI_LRS_ENDPOINT.rstrip("/") + "/statements"


def endpoint_for_display() -> str:
    """The configured endpoint without anything secret in it: a user name or password written
    into the URL, a query string (some LRSs take a token there) and a fragment are left out."""
    parts = urllib.parse.urlsplit(settings.XAPI_LRS_ENDPOINT)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def statements_post(payloads: list[dict]) -> Answer:
    """POST the statements; the LRS's status, or 0 when it could not be reached."""
    credentials = f"{settings.XAPI_LRS_KEY}:{settings.XAPI_LRS_SECRET}".encode()
    request = urllib.request.Request(  # noqa: S310 - the configured endpoint, http(s) only
        statements_url(),
        data=json.dumps(payloads).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": XAPI_VERSION,
            "Authorization": "Basic " + base64.b64encode(credentials).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return Answer(response.status, response.read(2000).decode(errors="replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(2000).decode(errors="replace"))
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Answer(0, str(error))
