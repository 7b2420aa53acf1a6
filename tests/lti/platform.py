"""An LTI 1.3 platform we did not write: lti1p3platform 0.1.8 (PyPI), driven by its own code.

It signs the launches (its `MessageLaunch`), answers its token endpoint (`get_access_token`,
which checks our RFC 7523 client assertion against our public key set), and receives scores
and serves memberships through its `AssignmentsGradesService` and
`NamesRoleProvisioningService` (which check the bearer token it issued). Those endpoints and
its key set are served by a small HTTP server on 127.0.0.1, so our code reaches them with
`requests`, as it reaches Moodle. The only code of ours it sees is what a real platform sees:
our URLs and our public key set.

One piece is ours: lti1p3platform leaves line item storage to the platform, so the line items
a tool creates (`POST /lineitems`) and finds (`GET /lineitems?resource_link_id=&tag=`) are
kept in `TestPlatform.lineitems` by `Grades.find_lineitems` / `create_lineitem`, written to
AGS 2.0; the library still checks the bearer token and shapes the answers.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)

TOOL = "http://testserver"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
CLIENT_ID = "moodle-client-1"
DEPLOYMENT_ID = "1"


def rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class _Request(Request):
    def build_metadata(self, request):
        return request


class PlatformConfig(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs):
        return self._registration


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


class Grades(AssignmentsGradesService):
    def __init__(self, request, platform_config, lineitems_url, lineitem_url, platform):
        super().__init__(request, platform_config, lineitems_url, lineitem_url)
        self.platform = platform

    # The line items store is ours (lti1p3platform leaves storage to the platform): a list
    # on the TestPlatform, filtered as AGS 2.0 (3.2.4) says a platform filters a GET of the
    # container (resource_link_id, resource_id, tag); the HTTP handling, the token check and
    # the response are lti1p3platform's `handle_get_lineitems` / `handle_create_lineitem`.
    def find_lineitems(
        self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None,
        tag=None,
    ):  # fmt: skip
        wanted = {"resourceLinkId": resource_link_id, "resourceId": resource_id, "tag": tag}
        items = [
            item
            for item in self.platform.lineitems
            if all(value is None or item.get(key) == value for key, value in wanted.items())
        ]
        return {"content": items, "has_next": False}

    def create_lineitem(self, lineitem):
        item = {
            **lineitem,
            "id": f"{self.platform.url}/lineitems/{len(self.platform.lineitems) + 100}",
        }
        self.platform.lineitems.append(item)
        return item

    def find_lineitem(self, line_item_id):
        return {"id": line_item_id}

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        return {"content": [], "has_next": False}

    def update_lineitem(self, line_item_id, lineitem):
        raise NotImplementedError

    def delete_lineitem(self, line_item_id):
        raise NotImplementedError

    def update_score(self, line_item_id, score):
        self.platform.scores.append((line_item_id, score))
        return UpdateScoreStatus.SUCCESS


class Roster(NamesRoleProvisioningService):
    def __init__(self, request, platform_config, url, platform):
        super().__init__(request, platform_config, url)
        self.platform = platform

    def get_context_by_id(self):
        return Context(id="course-7", label="C7", title="Moodle course 7")

    def get_member_data_page(self, page=1, limit=None, role=None, since=None):
        return {"content": list(self.platform.members), "has_next": False}


class TestPlatform:
    """One Moodle-like platform: its keys, its registration of our tool, its HTTP endpoints."""

    def __init__(self, tool_jwks: dict, *, client_id: str = CLIENT_ID, deployment: str = "1"):
        self.private_key, self.public_key = rsa_pem()
        self.scores: list = []
        self.lineitems: list = []  # line items created by the tool (POST /lineitems)
        self.members: list = []
        self.failures_left = 0  # score posts answered 500 before the platform accepts one
        self.token_requests = 0
        # Pages a browser sees (tests/browser): path → function of the query → HTML.
        self.pages: dict = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # shutdown() waits for the server's next poll: 0.5 s by default, after every LTI test.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        self.registration = (
            Registration()
            .set_iss(self.url)
            .set_client_id(client_id)
            .set_deployment_id(deployment)
            .set_oidc_login_url(f"{TOOL}/lti/login/")
            .set_launch_url(f"{TOOL}/lti/launch/")
            .set_deeplink_launch_url(f"{TOOL}/lti/deep-link/")
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
            .set_tool_key_set(tool_jwks)
        )

    def config(self) -> PlatformConfig:
        return PlatformConfig(registration=self.registration)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # What our registration form gets from the platform's administrator.
    def registration_values(self) -> dict:
        return {
            "issuer": self.url,
            "client_id": CLIENT_ID,
            "deployment_ids": DEPLOYMENT_ID,
            "jwks_url": f"{self.url}/jwks",
            "auth_url": f"{self.url}/auth",
            "token_url": f"{self.url}/token",
        }

    def login_url(self, *, user_id: str, deep_linking: bool = False) -> str:
        login = Login(None, self.config())
        login.set_lti_message_hint(hint="resource-1")
        if deep_linking:
            login.set_deeplinking_launch_url()
        return login.initiate_login(user_id)

    def launch_form(self, auth_params: dict, *, prepare=None) -> dict:
        """The platform's answer to our authentication request: the auto-posted form's fields
        and its action (our redirect_uri)."""
        request = _Request(
            {
                "method": "GET",
                "get_data": auth_params,
                "form_data": {},
                "headers": {},
                "content_type": None,
                "path": "/auth",
                "json": None,
            }
        )
        launch = Launch(request, self.config())
        if prepare:
            prepare(launch)
        return launch.lti_launch()

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, data, content_type="application/json"):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _request(self, method, body=b""):
                parts = urlsplit(self.path)
                content_type = self.headers.get("Content-Type", "")
                return _Request(
                    {
                        "method": method,
                        "get_data": dict(parse_qsl(parts.query)),
                        "form_data": dict(parse_qsl(body.decode()))
                        if "form" in content_type
                        else {},
                        "headers": dict(self.headers),
                        "content_type": content_type,
                        "path": parts.path,
                        "json": json.loads(body) if "json" in content_type and body else None,
                    }
                )

            def do_GET(self):
                config = platform.config()
                config.get_registration()
                path = urlsplit(self.path).path
                if path in platform.pages:
                    html = platform.pages[path](dict(parse_qsl(urlsplit(self.path).query)))
                    body = html.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    return self.wfile.write(body)
                if path == "/jwks":
                    return self._answer(200, config.get_jwks())
                if path == "/lineitems":
                    # Ours: the route. lti1p3platform answers a page ({"content", "has_next"});
                    # the container the specification defines is the array of line items.
                    service = Grades(
                        self._request("GET"), config, platform.url + path, None, platform
                    )
                    response = service.handle_resp(service.handle_get_lineitems)
                    body = response.result["content"] if response.code == 200 else {}
                    return self._answer(response.code, body)
                if path == "/memberships":
                    service = Roster(self._request("GET"), config, platform.url + path, platform)
                    response = service.handle_resp(service.handle_get_members)
                    return self._answer(response.code, response.result or {})
                return self._answer(404, {})

            def do_POST(self):
                try:
                    return self._post()
                except Exception:  # a bug in this harness: shown, not swallowed
                    import traceback

                    traceback.print_exc()
                    return self._answer(599, {})

            def _post(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                config = platform.config()
                config.get_registration()
                path = urlsplit(self.path).path
                request = self._request("POST", body)
                if path == "/token":
                    platform.token_requests += 1
                    try:
                        return self._answer(200, config.get_access_token(request.form_data))
                    except Exception as error:  # the platform refuses the assertion
                        return self._answer(400, {"error": str(error)})
                if path == "/lineitems":
                    # Ours: the route, and creating needs the `lineitem` scope itself (the
                    # library accepts a token with any of the service's scopes).
                    token = request.headers.get("Authorization", "").partition(" ")[2]
                    try:
                        allowed = config.validate_token(token, [LINEITEM_SCOPE])
                    except Exception:  # the library raises on a token it cannot verify
                        allowed = False
                    if not allowed:
                        return self._answer(401, {})
                    service = Grades(request, config, platform.url + path, None, platform)
                    response = service.handle_resp(service.handle_create_lineitem)
                    return self._answer(response.code, response.result or {})
                match = re.fullmatch(r"/lineitems/(\w+)/scores", path)
                if match:
                    if platform.failures_left:
                        platform.failures_left -= 1
                        return self._answer(500, {"error": "down"})
                    service = Grades(
                        request,
                        config,
                        f"{platform.url}/lineitems",
                        f"{platform.url}/lineitems/{match[1]}",
                        platform,
                    )
                    response = service.handle_resp(
                        service.handle_update_score, line_item_id=match[1]
                    )
                    return self._answer(response.code, {"status": response.message})
                return self._answer(404, {})

        return Handler
