"""Latency of the logged-in lesson page and the catalogue, next to a minimal Django view.

Serves the site with gunicorn (production settings, PostgreSQL, Redis) on 127.0.0.1, logs in
seeded learners, then for each URL runs a closed loop at concurrency 8 (one thread per learner,
one persistent connection each) and reports p50 and p95 per URL, the median over the runs.
Needs the data of benchmarks/seed.py. Run from the project folder:

    .venv/bin/python -m benchmarks.lesson_page

See benchmarks/README.md for the set-up and the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess  # noqa: S404 - starts gunicorn and asks git for the commit, fixed arguments
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.seed import PASSWORD, learner_email

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(__file__).resolve().parent / "var"
HOST = "127.0.0.1"

PING = "/bench/ping/"
CATALOGUE = "/ro/cursuri/"
LESSON = "/ro/cursuri/teachers/teachers-what-to-do-whom-to-notify/"
LOGIN = "/ro/accounts/login/"

# Proof that a page is the logged-in one, in Romanian (the lesson's "Mark as complete" button or
# its "completed" status; the header's "Log out" link).
LESSON_MARKERS = ("Marcați ca terminată", "Ați terminat această lecție")
LOGGED_IN_MARKER = "Deconectare"

BUDGET_P50_MS = 30.0
BUDGET_P95_MS = 80.0


class BenchmarkError(Exception):
    pass


def check_ping(body: str) -> bool:
    return body == "ok"


def check_catalogue(body: str) -> bool:
    return LOGGED_IN_MARKER in body and "course-card" in body


def check_lesson(body: str) -> bool:
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


@dataclass
class Run:
    latencies: list[float]  # seconds
    seconds: float

    def percentile(self, p: float) -> float:
        """Milliseconds; linear interpolation between the closest ranks."""
        values = sorted(self.latencies)
        rank = (len(values) - 1) * p / 100
        low = int(rank)
        high = min(low + 1, len(values) - 1)
        return 1000 * (values[low] + (values[high] - values[low]) * (rank - low))

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds


def load(clients: list[Client], path: str, check, requests: int, deadline: float) -> Run:
    """A closed loop: every client sends its next request as soon as the last one returns."""
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
                if issued >= requests or failures:
                    return
                issued += 1
            if time.monotonic() > deadline:
                failures.append("time limit reached")
                return
            try:
                status, body, elapsed, _response = client.request("GET", path)
            except (OSError, http.client.HTTPException) as exc:
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
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise BenchmarkError(failures[0])
    return Run(latencies, seconds)


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def start_server(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    if port_in_use(port):
        raise BenchmarkError(f"something already listens on {HOST}:{port}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/elearning_bench",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "SITE_URL": f"http://{HOST}:{port}",
        "SECURE_SSL_REDIRECT": "0",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "elearning.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
    ]
    log = log_path.open("w")
    # Own session: a Ctrl-C reaches only this script, which then stops gunicorn itself.
    return subprocess.Popen(  # noqa: S603 - fixed command, no shell
        command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=log, start_new_session=True
    )


def wait_until_ready(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn exited: see {log_path}\n{log_path.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", PING)
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchmarkError("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def git_commit() -> str:
    try:
        commit = subprocess.run(  # noqa: S603 - fixed command, no shell
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603 - fixed command, no shell
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" (with uncommitted changes)" if dirty else "")


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
        for label, path, check in TARGETS:
            load(clients, path, check, args.warmup, deadline)
        runs: dict[str, list[Run]] = {label: [] for label, _path, _check in TARGETS}
        for number in range(1, args.runs + 1):
            for label, path, check in TARGETS:  # interleaved, so drift hits every URL alike
                run = load(clients, path, check, args.requests, deadline)
                runs[label].append(run)
                print(
                    f"run {number}  {label:<13} p50 {run.percentile(50):6.1f} ms  "
                    f"p95 {run.percentile(95):6.1f} ms  {run.throughput:6.0f} req/s"
                )
    finally:
        for client in clients:
            client.close()
        stop_server(server)
    return {
        label: {
            "path": path,
            "p50_ms": statistics.median(r.percentile(50) for r in runs[label]),
            "p95_ms": statistics.median(r.percentile(95) for r in runs[label]),
            "req_per_s": statistics.median(r.throughput for r in runs[label]),
        }
        for label, path, _check in TARGETS
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="per URL and run")
    parser.add_argument("--warmup", type=int, default=50, help="per URL, before the first run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--time-limit", type=float, default=300, help="seconds, all included")
    args = parser.parse_args()

    try:
        results = benchmark(args)
    except BenchmarkError as exc:
        print(f"Benchmark failed: {exc}", file=sys.stderr)
        return 1
    ping, lesson = results["minimal view"], results["lesson page"]
    print(
        f"\nMedian of {args.runs} runs, {args.requests} requests each, "
        f"concurrency {args.concurrency}:"
    )
    print(f"{'URL':<42} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}")
    for label, result in results.items():
        print(
            f"{label + ' ' + result['path']:<42} {result['p50_ms']:8.1f} "
            f"{result['p95_ms']:8.1f} {result['req_per_s']:7.0f}"
        )
    ratio = lesson["p50_ms"] / ping["p50_ms"]
    within = lesson["p50_ms"] <= BUDGET_P50_MS and lesson["p95_ms"] <= BUDGET_P95_MS
    print(f"lesson p50 / minimal view p50: {ratio:.1f}")
    print(
        f"budget (lesson p50 <= {BUDGET_P50_MS:.0f} ms, p95 <= {BUDGET_P95_MS:.0f} ms): "
        + ("met" if within else "MISSED")
    )
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "cpus": os.cpu_count(),
        "settings": vars(args),
        "results": results,
        "lesson_to_minimal_p50": ratio,
        "within_budget": within,
    }
    out = VAR_DIR / "lesson_page.json"
    out.write_text(json.dumps(record, indent=2))
    print(f"Saved {out.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
