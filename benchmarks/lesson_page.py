"""Latency of the logged-in lesson page and the catalogue, next to a minimal Django view.

Serves the site with gunicorn (production settings, PostgreSQL, Redis) on 127.0.0.1, logs in
seeded learners, then for each URL runs a closed loop at concurrency 8 (one thread per learner,
one persistent connection each) and reports p50 and p95 per URL, the median over the runs.
Needs the data of benchmarks/seed.py. Run from the project folder:

    .venv/bin/python -m benchmarks.lesson_page

See benchmarks/README.md for the set-up and the figures.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess  # noqa: S404 - the gunicorn process (benchmarks.common starts it)
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.common import (
    HOST,
    PING,
    VAR_DIR,
    BenchmarkError,
    CpuMeter,
    Run,
    parse_arguments,
    print_summary,
    run_benchmark,
    save_record,
    server_environment,
    stop_server,
    summarise_runs,
    wait_until_ready,
)
from benchmarks.common import start_server as common_start_server
from benchmarks.seed import PASSWORD, learner_email

CATALOGUE = "/ro/cursuri/"
LESSON = "/ro/cursuri/teachers/teachers-what-to-do-whom-to-notify/"
LOGIN = "/ro/accounts/login/"

# Proof that a page is the logged-in one, in Romanian (the lesson's "Mark as complete" button or
# its "completed" status; the header's "Log out" link). Looked for in the response's bytes, so
# the client does not decode every page it measures.
LESSON_MARKERS = tuple(m.encode() for m in ("Marcați ca terminată", "Ați terminat această lecție"))
LOGGED_IN_MARKER = b"Deconectare"

BUDGET_P50_MS = 30.0
BUDGET_P95_MS = 80.0


def check_ping(body: bytes) -> bool:
    return body == b"ok"


def check_catalogue(body: bytes) -> bool:
    return LOGGED_IN_MARKER in body and b"course-card" in body


def check_lesson(body: bytes) -> bool:
    return LOGGED_IN_MARKER in body and any(marker in body for marker in LESSON_MARKERS)


TARGETS = [
    ("minimal view", PING, check_ping),
    ("catalogue", CATALOGUE, check_catalogue),
    ("lesson page", LESSON, check_lesson),
]


class Client:
    """One learner's browser: a persistent connection and a cookie jar.

    gunicorn's sync workers close the connection after each response; http.client then opens a
    new one for the next request (a loopback connect, well under a tenth of a millisecond).
    """

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self._set_cookie_seen: set[bytes] = set()

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = {"Accept-Language": "ro", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, content.decode("utf-8", "replace"), elapsed, response

    def fetch(self, path: str) -> tuple[int, bytes, float]:
        """GET `path` as `request` would, and return the status, the body and the time taken.

        The measuring loop uses this. It sends the very bytes http.client sends for `request`
        (request line, Host, Accept-Encoding, Accept-Language, the cookies), on a new loopback
        connection as http.client opens after each response of gunicorn's sync workers, but
        reads the answer itself: http.client parses every response's headers with the e-mail
        package, `request` parses every Set-Cookie with http.cookies and decodes the body, and
        this client shares the 2 cores with the server it measures. Set-Cookie headers are
        parsed only when they change (Django sends the same CSRF cookie with every page).
        """
        cookies = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nAccept-Encoding: identity\r\n"
            "Accept-Language: ro\r\n" + (f"Cookie: {cookies}\r\n" if cookies else "") + "\r\n"
        ).encode("latin-1")
        started = time.perf_counter()
        with socket.create_connection((HOST, self.port), timeout=30) as sock:
            sock.sendall(head)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    raise BenchmarkError(f"GET {path}: connection closed in the headers")
                data += chunk
            header_block, _, body = data.partition(b"\r\n\r\n")
            lines = header_block.split(b"\r\n")
            length = None
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"transfer-encoding":
                    raise BenchmarkError(f"GET {path}: chunked responses are not handled")
            parts = [body]
            received = len(body)
            while length is None or received < length:
                chunk = sock.recv(262144)
                if not chunk:
                    break
                parts.append(chunk)
                received += len(chunk)
        elapsed = time.perf_counter() - started
        for line in lines[1:]:
            if line[:11].lower() == b"set-cookie:" and line not in self._set_cookie_seen:
                self._set_cookie_seen.add(line)
                cookie = SimpleCookie()
                cookie.load(line[11:].decode("latin-1").strip())
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
        return int(lines[0].split(b" ", 2)[1]), b"".join(parts), elapsed

    def login(self, email: str) -> None:
        status, _body, _elapsed, _response = self.request("GET", LOGIN)
        if status != 200 or "csrftoken" not in self.cookies:
            raise BenchmarkError(f"GET {LOGIN} gave {status} without a CSRF cookie")
        origin = f"http://{HOST}:{self.port}"
        form = {
            "username": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
        }
        status, _body, _elapsed, response = self.request(
            "POST",
            LOGIN,
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": origin + LOGIN,
                "Origin": origin,
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchmarkError(f"login as {email} failed: {status} {response.reason}")

    def close(self) -> None:
        self.connection.close()


def load(
    clients: list[Client],
    path: str,
    check,
    requests: int,
    seconds: float,
    deadline: float,
    meter: CpuMeter,
) -> Run:
    """A closed loop: every client sends its next request as soon as the last one returns.

    Stops after `requests` requests or `seconds` seconds, whichever comes first.
    """
    stop_at = min(time.monotonic() + seconds, deadline)
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    failures: list[str] = []
    barrier = threading.Barrier(len(clients) + 1)

    def work(client: Client) -> None:
        nonlocal issued
        barrier.wait()
        while True:
            with lock:
                if issued >= requests or failures or time.monotonic() > stop_at:
                    return
                issued += 1
            try:
                status, body, elapsed = client.fetch(path)
            except (OSError, ValueError, BenchmarkError) as exc:
                failures.append(f"{path}: {exc!r}")
                return
            if status != 200 or not check(body):
                failures.append(f"{path}: status {status}, content check failed: {body[:200]!r}")
                return
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    with meter:
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    if failures:
        raise BenchmarkError(failures[0])
    if time.monotonic() > deadline:
        raise BenchmarkError("time limit reached")
    return Run.measured(latencies, seconds, meter)


def start_server(
    port: int, workers: int, log_path: Path, secret_key: str | None = None
) -> subprocess.Popen:
    """gunicorn on the page benchmarks' database and Redis database (benchmarks.common), or on
    the services of the environment (a benchmark's own copy of the data, say). A benchmark that
    writes sessions itself passes its `secret_key`, so the server can read them."""
    overrides = {
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/elearning_bench"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
    }
    if secret_key:
        overrides["SECRET_KEY"] = secret_key
    env = server_environment(port, **overrides)
    return common_start_server(port, workers, log_path, env=env)


def benchmark(args) -> dict:
    deadline = time.monotonic() + args.time_limit
    VAR_DIR.mkdir(exist_ok=True)
    log_path = VAR_DIR / "gunicorn.log"
    server = start_server(args.port, args.workers, log_path)
    clients: list[Client] = []
    try:
        wait_until_ready(server, args.port, log_path)
        for i in range(args.concurrency):
            client = Client(args.port)
            client.login(learner_email(i))
            clients.append(client)
        print(
            f"gunicorn: {args.workers} sync workers on {HOST}:{args.port}; "
            f"{args.concurrency} learners logged in."
        )
        meter = CpuMeter(server.pid)
        for _label, path, check in TARGETS:
            load(clients, path, check, args.warmup, args.run_seconds, deadline, meter)
        runs: dict[str, list[Run]] = {label: [] for label, _path, _check in TARGETS}
        for number in range(1, args.runs + 1):
            for label, path, check in TARGETS:  # interleaved, so drift hits every URL alike
                run = load(clients, path, check, args.requests, args.run_seconds, deadline, meter)
                runs[label].append(run)
                print(run.line(number, label))
    finally:
        for client in clients:
            client.close()
        stop_server(server)
    return {label: summarise_runs(runs[label], path=path) for label, path, _check in TARGETS}


def main() -> int:
    args = parse_arguments(__doc__.split("\n\n")[0], requests=400, warmup=50, time_limit=300)
    outcome = run_benchmark(benchmark, args)
    if isinstance(outcome, int):
        return outcome
    results, commit = outcome
    ping, lesson = results["minimal view"], results["lesson page"]
    print_summary(results, args, show_paths=True)
    ratio = lesson["p50_ms"] / ping["p50_ms"]
    within = lesson["p50_ms"] <= BUDGET_P50_MS and lesson["p95_ms"] <= BUDGET_P95_MS
    print(f"lesson p50 / minimal view p50: {ratio:.1f}")
    print(
        f"budget (lesson p50 <= {BUDGET_P50_MS:.0f} ms, p95 <= {BUDGET_P95_MS:.0f} ms): "
        + ("met" if within else "MISSED")
    )
    save_record(
        "lesson_page.json",
        args=args,
        commit=commit,
        results=results,
        lesson_to_minimal_p50=ratio,
        within_budget=within,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
