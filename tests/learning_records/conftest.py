"""Ralph, a real learning record store, on a free local port for the tests that send to it.

Ralph runs from its own virtual environment (var/venv-ralph, `make lrs-venv`, which `make test`
calls) on its filesystem backend, which needs no server. The fixture builds that environment
when it is missing and skips the tests, saying why, only when it cannot be built."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess  # noqa: S404 - starts make and Ralph with fixed arguments
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)
RALPH = ROOT / "var" / "venv-ralph" / "bin" / "ralph"
# Ralph 5.1.0's filesystem LRS backend writes every POST to one file with the "create"
# operation, which refuses a file that exists: its second POST answers 500. Its data backend
# supports "append"; Ralph's app is served by uvicorn (as `ralph runserver` does, in-process so
# the patch holds) with that as the backend's default, and nothing else changed: its API,
# validation, authentication, duplicate checks and queries are Ralph's own.
RALPH_FS_APPEND = (
    "import sys, uvicorn;"
    "from ralph.backends.data.base import BaseOperationType;"
    "from ralph.backends.lrs.fs import FSLRSBackend;"
    "FSLRSBackend.default_operation_type = BaseOperationType.APPEND;"
    "uvicorn.run('ralph.api:app', host='127.0.0.1', port=int(sys.argv[1]), log_level='info')"
)
USER, PASSWORD = "platform", "a-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Ralph:
    endpoint: str
    process: subprocess.Popen

    def statements(self, **query) -> list[dict]:
        """GET /xAPI/statements (all pages), as Ralph answers them."""
        found, url = (
            [],
            f"{self.endpoint}/statements?" + urllib.parse.urlencode({"limit": 500, **query}),
        )
        while url:
            request = urllib.request.Request(  # noqa: S310 - the local Ralph
                url,
                headers={
                    "X-Experience-API-Version": "1.0.3",
                    "Authorization": "Basic "
                    + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                body = json.load(response)
            found += body["statements"]
            more = body.get("more")
            url = urllib.parse.urljoin(self.endpoint, more) if more else None
        return found

    def statements_of(self, pseudonym) -> list[dict]:
        agent = {
            "objectType": "Agent",
            "account": {"homePage": django_settings.SITE_URL, "name": str(pseudonym)},
        }
        return self.statements(agent=json.dumps(agent))


def _ensure_ralph() -> None:
    if RALPH.exists():
        return
    built = subprocess.run(  # noqa: S603, S607 - fixed arguments
        ["make", "--no-print-directory", "lrs-venv"], cwd=ROOT, capture_output=True, text=True
    )
    if built.returncode or not RALPH.exists():
        pytest.skip(
            "Ralph's virtual environment (var/venv-ralph) could not be built by `make lrs-venv`: "
            + (built.stderr or built.stdout)[-300:]
        )


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    _ensure_ralph()
    home = tmp_path_factory.mktemp("ralph")
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(home / "app"),
        "RALPH_AUTH_FILE": str(home / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
    }
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            str(RALPH),
            "auth",
            "-u",
            USER,
            "-p",
            PASSWORD,
            "-s",
            "all",
            "-M",
            "mailto:lrs@example.org",
            "-w",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    (home / "lrs").mkdir()
    log = open(home / "ralph.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(RALPH.with_name("python")), "-c", RALPH_FS_APPEND, str(port)],
        env={**env, "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(home / "lrs")},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"Ralph did not start: {(home / 'ralph.log').read_text()[-2000:]}")
            time.sleep(0.2)
    yield Ralph(endpoint=f"http://127.0.0.1:{port}/xAPI", process=process)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def lrs_settings(settings, ralph):
    """The platform configured to send to the session's Ralph."""
    settings.XAPI_LRS_ENDPOINT = ralph.endpoint
    settings.XAPI_LRS_KEY, settings.XAPI_LRS_SECRET = USER, PASSWORD
    return settings
