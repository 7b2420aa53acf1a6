"""What the load benchmarks share: their options, running one with gunicorn stopped on any exit,
the summary they print, and the JSON record they save."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess  # noqa: S404 - asks git for the commit, fixed arguments
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(__file__).resolve().parent / "var"


class BenchmarkError(Exception):
    pass


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def git_commit() -> str:
    """The commit measured, and whether the app code (outside benchmarks/) had local changes."""

    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", *args],  # noqa: S607 - git from PATH
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" + uncommitted changes outside benchmarks/" if dirty else "")


def parse_arguments(
    description: str, *, requests: int, warmup: int, time_limit: float
) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=requests, help="per URL and run")
    parser.add_argument("--warmup", type=int, default=warmup, help="per URL, before the first run")
    parser.add_argument(
        "--run-seconds", type=float, default=20, help="cap per URL and run (keeps it bounded)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument(
        "--time-limit", type=float, default=time_limit, help="seconds, all included"
    )
    return parser.parse_args()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_benchmark(benchmark: Callable[[argparse.Namespace], dict], args) -> tuple[dict, str] | int:
    """Run `benchmark(args)`: its results and the commit measured, or the exit code on failure.

    Ctrl-C or a TERM signal ends the run through the benchmark's own `finally`, which stops
    gunicorn.
    """
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    commit = git_commit()  # the code gunicorn is about to load
    print(f"Code: {commit}; {os.cpu_count()} CPUs, load average {load_average()}")
    try:
        results = benchmark(args)
    except BenchmarkError as exc:
        print(f"Benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; gunicorn stopped.", file=sys.stderr)
        return 130
    if git_commit() != commit:
        commit += f"; changed during the run, to {git_commit()}"
        print(f"Warning: the code changed during the run ({commit}).")
    return results, commit


def print_summary(results: dict, args, *, show_paths: bool) -> None:
    """The median per URL over the runs, and a warning when runs were not clean."""
    width = max(len(label) for label in results) + 1
    print(
        f"\nMedian of {args.runs} runs (each {args.requests} requests or {args.run_seconds:.0f} s, "
        f"whichever comes first), concurrency {args.concurrency}:"
    )
    print(
        f"{'':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}" + ("  URL" if show_paths else "")
    )
    for label, result in results.items():
        print(
            f"{label:<{width}} {result['p50_ms']:8.1f} {result['p95_ms']:8.1f} "
            f"{result['req_per_s']:7.0f}" + (f"  {result['path']}" if show_paths else "")
        )
    not_clean = sum(result["runs_not_clean"] for result in results.values())
    if not_clean:
        print(
            f"Warning: {not_clean} of {args.runs * len(results)} runs were not clean (another "
            "program used the CPU); measure again on a quiet machine."
        )


def save_record(filename: str, *, args, commit: str, results: dict, **extra) -> None:
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "settings": vars(args),
        "results": results,
        **extra,
    }
    out = VAR_DIR / filename
    out.write_text(json.dumps(record, indent=2))
    print(f"Saved {out.relative_to(PROJECT_DIR)}")
