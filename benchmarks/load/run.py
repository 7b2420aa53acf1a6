"""Load test: 200 simulated learners for 5 minutes against gunicorn + PostgreSQL + Redis + a worker.

    flock /tmp/bench.lock .venv/bin/python -m benchmarks.load.run    # ~7 min with the defaults

Needs the seeded benchmark data (benchmarks/README.md, "Reproduce": seed_demo and
benchmarks.seed on the `elearning_bench` database). Each run works on a fresh copy of it,
`elearning_bench_load` (so every run starts from the same progress and unused quiz attempts, and
`elearning_bench` stays as the page benchmarks expect it), with Redis database 5 emptied
beforehand as cache and broker, and benchmarks/load/settings.py.

The clock: the learners log in at `--spawn-rate` per second; once all have logged in and
`--settle-seconds` more have passed, locust's statistics are reset and the run measures
`--minutes` of steady state (benchmarks/load/locustfile.py). The ramp-up's own figures (the
logins) are kept apart, and its failures count too.

Locust runs from its own virtual environment (benchmarks/var/venv-load, or $BENCH_LOAD_VENV;
created on first use with the version pinned in pyproject.toml's `load` extra), so gevent never
enters the application's environment. Writes benchmarks/var/load.json (and locust's CSV files,
benchmarks/var/load_*.csv); prints p50/p95 per request type next to the budgets of the earlier
issues; exits 1 when any request failed or a learner could not log in.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess  # noqa: S404 - starts locust (and a venv) with fixed arguments
import sys
from pathlib import Path

from benchmarks import common
from benchmarks.common import HOST, VAR_DIR, BenchmarkError

LOAD_VENV = Path(os.environ.get("BENCH_LOAD_VENV", VAR_DIR / "venv-load"))
LOCUST_PIN = "locust==2.47.0"  # the same pin as pyproject.toml's `load` extra
PORT = 8078
DATABASE = "elearning_bench_load"
REDIS_URL = "redis://127.0.0.1:6379/5"

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


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "name": row["Name"],
            "method": row["Type"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "max_ms": float(row["Max Response Time"] or 0),
            "rps": round(float(row["Requests/s"] or 0), 2),
        }
        for row in rows
        if row["Name"] == "Aggregated" or int(row["Request Count"])
    ]


def within(value: float, budget: int | None) -> bool | None:
    return None if budget is None else value <= budget


def report(stats: list[dict], phases: dict) -> tuple[list[dict], int]:
    """Print the steady-state table; the rows with their budgets, and the failures (both
    phases)."""
    print(
        f"\nSteady state, {phases.get('measure_seconds', 0):.0f} s after the ramp-up:\n"
        f"{'request':<18}{'count':>8}{'fail':>6}{'req/s':>7}{'p50 ms':>9}{'p95 ms':>9}"
        "  budget p50/p95  met"
    )
    failures = 0
    for row in stats:
        p50_budget, p95_budget = BUDGETS.get(row["name"], (None, None))
        row["budget_p50_ms"], row["budget_p95_ms"] = p50_budget, p95_budget
        row["p50_met"] = within(row["p50_ms"], p50_budget)
        row["p95_met"] = within(row["p95_ms"], p95_budget)
        if row["name"] != "Aggregated":
            failures += row["failures"]
        met = [m for m in (row["p50_met"], row["p95_met"]) if m is not None]
        print(
            f"{row['name']:<18}{row['requests']:>8}{row['failures']:>6}{row['rps']:>7.1f}"
            f"{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}  "
            f"{p50_budget or '-':>6}/{p95_budget or '-':<8}"
            + ("  " + ("yes" if all(met) else "NO") if met else "")
        )
    ramp = phases.get("ramp_up", {})
    login = ramp.get("by_request", {}).get("POST login", {})
    print(
        f"\nRamp-up: {phases.get('logged_in', 0)} of {phases.get('users', '?')} learners logged in "
        f"after {phases.get('all_logged_in_after_s', '?')} s (login p50 {login.get('p50_ms', '?')} "
        f"ms, p95 {login.get('p95_ms', '?')} ms); statistics reset at "
        f"{phases.get('stats_reset_after_s', '?')} s; {ramp.get('requests', 0)} requests, "
        f"{ramp.get('failures', 0)} failed."
    )
    return stats, failures + ramp.get("failures", 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10, help="learners started per s")
    parser.add_argument("--minutes", type=float, default=5, help="measured, after the ramp-up")
    parser.add_argument("--settle-seconds", type=float, default=15, help="after the last login")
    parser.add_argument("--ramp-up-limit", type=float, default=300, help="seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    args = parser.parse_args()
    common.stop_on_signals()
    locust = ensure_locust()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    prefix, phases_file = VAR_DIR / "load", VAR_DIR / "load-phases.json"
    phases_file.unlink(missing_ok=True)
    result = {"load_average_before": common.load_average()}
    commit = common.announce()
    copied = common.copy_database(DATABASE)
    print(f"Database {DATABASE}: fresh copy of elearning_bench ({copied}).")
    common.flush_redis(REDIS_URL)
    env = common.server_environment(
        PORT,
        DJANGO_SETTINGS_MODULE="benchmarks.load.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS_URL,
    )
    gunicorn_log = VAR_DIR / "load-gunicorn.log"
    processes = []
    try:
        processes.append(common.start_server(PORT, args.workers, gunicorn_log, env=env))
        processes.append(
            common.start_worker(
                VAR_DIR / "load-worker.log", "--concurrency", "1", "--loglevel", "WARNING", env=env
            )
        )
        common.wait_until_ready(processes[0], PORT, gunicorn_log)
        measure = args.minutes * 60
        cap = args.ramp_up_limit + args.settle_seconds + measure + 30  # never runs away
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
                f"{int(cap)}s",
                "--measure-seconds",
                str(measure),
                "--settle-seconds",
                str(args.settle_seconds),
                "--ramp-up-limit",
                str(args.ramp_up_limit),
                "--phases-file",
                str(phases_file),
                "--host",
                f"http://{HOST}:{PORT}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            check=False,
            timeout=cap + 120,
        )
    except (BenchmarkError, subprocess.TimeoutExpired) as exc:
        print(f"Load run failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; servers stopped.", file=sys.stderr)
        return 130
    finally:
        for process in processes:
            common.stop_server(process, timeout=30)
    if not phases_file.exists():
        print("The ramp-up did not finish: no statistics were reset.", file=sys.stderr)
        return 1
    phases = json.loads(phases_file.read_text())
    stats, failures = report(read_stats(prefix), phases)
    all_in = phases["logged_in"] == phases["users"]
    result.update(
        phases={k: v for k, v in phases.items() if k != "ramp_up"},
        ramp_up=phases["ramp_up"],
        steady_state=stats,
        failed_requests=failures,
        passed=failures == 0 and all_in,
    )
    print(f"Failed requests (ramp-up and steady state): {failures}.")
    common.save_record(
        "load.json", args=args, commit=common.commit_after_run(commit), results=result
    )
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
