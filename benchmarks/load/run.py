"""Load test: 200 simulated learners for 5 minutes against gunicorn + PostgreSQL + Redis + a worker.

    .venv/bin/python -m benchmarks.load.run [--users 200] [--minutes 5] [--workers 4]

Needs the benchmark data (benchmarks/README.md, "Reproduce": seed_demo and benchmarks.seed on
the `elearning_bench` database). Locust runs from its own virtual environment
(benchmarks/var/venv-load, created on first use with the version pinned in pyproject.toml's
`load` extra), so gevent never enters the application's environment. Writes
benchmarks/var/load.json and locust's CSV files; prints p50/p95 per request type next to the
budgets of the earlier issues, and fails when any request failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess  # noqa: S404 - starts gunicorn, celery and locust with fixed arguments
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_DIR / "benchmarks" / "var"
LOAD_VENV = VAR_DIR / "venv-load"
LOCUST_PIN = "locust==2.47.0"  # the same pin as pyproject.toml's `load` extra
HOST, PORT = "127.0.0.1", 8078

# p50 / p95 budgets in ms from the issues (None: no budget set).
BUDGETS = {
    "lesson page": (30, 80),
    "mark complete": (None, None),
    "quiz page": (None, None),
    "quiz start": (None, None),
    "quiz submission": (80, None),
}


def ensure_locust() -> Path:
    locust = LOAD_VENV / "bin" / "locust"
    if not locust.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOAD_VENV)], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [str(LOAD_VENV / "bin" / "pip"), "install", "--quiet", LOCUST_PIN], check=True
        )
    return locust


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {HOST}:{port}")


def environment() -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="benchmarks.settings")
    env.setdefault("SITE_URL", f"http://{HOST}:{PORT}")
    return env


def start(args, env) -> list[subprocess.Popen]:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    venv_bin = PROJECT_DIR / ".venv" / "bin"
    gunicorn = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [
            str(venv_bin / "gunicorn"),
            "elearning.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"{HOST}:{PORT}",
            "--log-file",
            str(VAR_DIR / "load-gunicorn.log"),
        ],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [
            str(venv_bin / "celery"),
            "-A",
            "elearning",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--logfile",
            str(VAR_DIR / "load-worker.log"),
        ],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
    )
    wait_for_port(PORT)
    return [gunicorn, worker]


def stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "rps": float(row["Requests/s"] or 0),
        }
        for row in rows
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    locust = ensure_locust()
    env = environment()
    prefix = VAR_DIR / "load"
    started = datetime.now(UTC)
    processes = start(args, env)
    try:
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                str(locust),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--host",
                f"http://{HOST}:{PORT}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            check=False,
            timeout=args.minutes * 60 + 120,
        )
    finally:
        stop(processes)
    stats = read_stats(prefix)
    commit = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    ).stdout.strip()
    result = {"started": started.isoformat(), "commit": commit, "args": vars(args), "stats": stats}
    (VAR_DIR / "load.json").write_text(json.dumps(result, indent=2))
    print(f"\n{'request':<18}{'count':>8}{'fail':>6}{'p50 ms':>9}{'p95 ms':>9}  budget p50/p95")
    failures = 0
    for row in stats:
        budget = BUDGETS.get(row["name"], (None, None))
        failures += row["failures"] if row["name"] != "Aggregated" else 0
        print(
            f"{row['name']:<18}{row['requests']:>8}{row['failures']:>6}"
            f"{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}  {budget[0] or '-'}/{budget[1] or '-'}"
        )
    print(f"\nfailed requests: {failures}  (written to {VAR_DIR / 'load.json'})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
