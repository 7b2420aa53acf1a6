"""Benchmark the coordinator reports: the completion report's first page, the streamed CSV export
and the XLSX export job, on the data of `benchmarks/seed_reports.py`.

Run from the project folder, after seeding `elearning_bench_reports`, one benchmark at a time on
the machine:

    flock /tmp/bench.lock .venv/bin/python -m benchmarks.reports

1. Page: gunicorn (production settings through benchmarks/settings.py, 2 sync workers) serves
   `/admin/learning-reports/completion/` to a national coordinator (a superuser) and to a county
   coordinator (Cluj), one request at a time, interleaved with the minimal `/bench/ping/` view as
   the reference. Several runs; p50 and p95 per run, then the median over the runs.
   Budget: p50 <= 1 s.
2. CSV: the national coordinator downloads `/admin/learning-reports/export/completion/?format=csv`
   (every enrolment, ~100,000 rows) from the same gunicorn. Time to the last byte, and the
   serving worker's memory growth: the resident set size (RSS) of each worker is sampled every
   10 ms during the download; growth is the largest sample minus that worker's RSS before.
   Budgets: <= 5 s and <= 50 MB.
3. XLSX: `reports.services.export_run` on a fresh completion export job of the national
   coordinator, in this process (as the Celery worker would run it), after gunicorn has stopped.
   Budget: <= 20 s.

Writes everything to benchmarks/var/reports.json and gunicorn's log to
benchmarks/var/gunicorn-reports.log.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess  # noqa: S404 - the gunicorn process (benchmarks.common starts it)
import sys
import threading
import time
from pathlib import Path

from benchmarks import common
from benchmarks.common import (
    PING,
    VAR_DIR,
    BenchmarkError,
    child_pids,
    percentile,
    rss_bytes,
    server_environment,
    stop_server,
    wait_until_ready,
)
from benchmarks.lesson_page import Client
from benchmarks.seed_reports import (
    COUNTY_COORDINATOR,
    DATABASE_NAME,
    ENVIRONMENT,
    NATIONAL,
    configure_environment,
)

PAGE = "/admin/learning-reports/completion/"
CSV = "/admin/learning-reports/export/completion/?format=csv"
BUDGET_PAGE_P50 = 1.0
BUDGET_CSV_SECONDS = 5.0
BUDGET_CSV_MB = 50.0
BUDGET_XLSX_SECONDS = 20.0


def start_server(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    """gunicorn on the reports' database and Redis database (benchmarks.common)."""
    env = server_environment(port, **ENVIRONMENT)
    # The CSV of every enrolment takes seconds; gunicorn's default worker timeout is 30 s.
    return common.start_server(port, workers, log_path, env=env, timeout=120)


def check_page(body: str) -> bool:
    return 'class="listing report-table"' in body and body.count("<tr>") >= 50


def page_runs(clients: dict[str, Client], runs: int, requests: int, warmup: int) -> dict:
    """Interleaved, one request at a time: ping, national page, county page, ping, ..."""
    targets = [("ping", clients["national"], PING)] + [
        (name, client, PAGE) for name, client in clients.items()
    ]
    return timed_runs(targets, runs, requests, warmup, lambda path, body: check_page(body))


def timed_runs(targets: list, runs: int, requests: int, warmup: int, check) -> dict:
    """(name, client, path) targets requested in turn, one request at a time, after `warmup`
    rounds; p50 and p95 per run and their medians over the runs. `check(path, body)` says
    whether a page is the one expected (ping pages are not checked)."""
    for _ in range(warmup):
        for _name, client, path in targets:
            client.request("GET", path)
    result: dict[str, list] = {name: [] for name, _c, _p in targets}
    for run in range(runs):
        times: dict[str, list[float]] = {name: [] for name, _c, _p in targets}
        for _ in range(requests):
            for name, client, path in targets:
                status, body, elapsed, _response = client.request("GET", path)
                if status != 200 or (path != PING and not check(path, body)):
                    raise BenchmarkError(f"{name} {path}: {status}, unexpected page")
                times[name].append(elapsed)
        for name, values in times.items():
            figures = {
                "p50_ms": round(1000 * percentile(values, 50), 1),
                "p95_ms": round(1000 * percentile(values, 95), 1),
                "n": len(values),
            }
            result[name].append(figures)
            print(f"  run {run + 1} {name:18s} p50 {figures['p50_ms']:7.1f} ms  "
                  f"p95 {figures['p95_ms']:7.1f} ms")  # fmt: skip
    return {
        name: {
            "runs": figures,
            "median_p50_ms": statistics.median(f["p50_ms"] for f in figures),
            "median_p95_ms": statistics.median(f["p95_ms"] for f in figures),
        }
        for name, figures in result.items()
    }


def csv_run(client: Client, server_pid: int) -> dict:
    """Download the CSV once; sample the workers' RSS while it streams."""
    workers = child_pids(server_pid)
    before = {pid: rss_bytes(pid) for pid in workers}
    peak = dict(before)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], rss_bytes(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    status, body, elapsed, response = client.request("GET", CSV)
    done.set()
    sampler.join()
    if status != 200 or not response.headers.get("Content-Type", "").startswith("text/csv"):
        raise BenchmarkError(f"CSV export: {status} {response.headers.get('Content-Type')}")
    lines = body.count("\n")
    growth = {pid: peak[pid] - before[pid] for pid in workers}
    served_by = max(growth, key=growth.get)
    figures = {
        "seconds": round(elapsed, 2),
        "wall_seconds": round(time.perf_counter() - started, 2),
        "rows": lines - 1,
        "bytes": len(body.encode()),
        "rss_before_mb": round(before[served_by] / 2**20, 1),
        "rss_peak_mb": round(peak[served_by] / 2**20, 1),
        "rss_growth_mb": round(growth[served_by] / 2**20, 1),
    }
    print(f"  CSV: {figures['rows']} rows in {figures['seconds']} s, worker RSS "
          f"{figures['rss_before_mb']} -> {figures['rss_peak_mb']} MB "
          f"(+{figures['rss_growth_mb']} MB)")  # fmt: skip
    return figures


def xlsx_run() -> dict:
    """One completion export job of the national coordinator, as the Celery task runs it."""
    from accounts.models import User
    from reports import services
    from reports.models import ExportJob

    user = User.objects.get(email=NATIONAL)
    job = ExportJob.objects.create(
        requested_by=user,
        report=ExportJob.Report.COMPLETION,
        format=ExportJob.Format.XLSX,
        filters={},
        language="ro",
        fingerprint=secrets.token_hex(32),  # a new job each run, never joined to an old one
    )
    started = time.perf_counter()
    services.export_run(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ExportJob.Status.READY:
        raise BenchmarkError(f"XLSX export {job.pk}: {job.status} {job.error}")
    size = job.file.size
    job.file.delete(save=False)
    figures = {"seconds": round(elapsed, 2), "rows": job.rows_done, "bytes": size}
    print(f"  XLSX: {figures['rows']} rows in {figures['seconds']} s ({size / 2**20:.1f} MB)")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20, help="per URL and run")
    parser.add_argument("--warmup", type=int, default=3, help="requests per URL")
    parser.add_argument("--csv-runs", type=int, default=3)
    parser.add_argument("--xlsx-runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8078)
    args = parser.parse_args()
    configure_environment()
    common.setup_django(database=DATABASE_NAME)
    common.stop_on_signals()  # a TERM signal too stops gunicorn, through the `finally` below

    VAR_DIR.mkdir(exist_ok=True)
    log_path = VAR_DIR / "gunicorn-reports.log"
    result = {"load_average_before": common.load_average()}
    commit = common.announce()
    server = start_server(args.port, args.workers, log_path)
    try:
        wait_until_ready(server, args.port, log_path)
        clients = {}
        for name, email in (("national", NATIONAL), ("county", COUNTY_COORDINATOR)):
            clients[name] = Client(args.port)
            clients[name].login(email)
        print("Completion report, first page:")
        result["page"] = page_runs(clients, args.runs, args.requests, args.warmup)
        print("Completion CSV, streamed:")
        result["csv"] = [csv_run(clients["national"], server.pid) for _ in range(args.csv_runs)]
    finally:
        stop_server(server)
    print("Completion XLSX, export job:")
    result["xlsx"] = [xlsx_run() for _ in range(args.xlsx_runs)]

    page = result["page"]
    csv_median = statistics.median(r["seconds"] for r in result["csv"])
    csv_growth = max(r["rss_growth_mb"] for r in result["csv"])
    xlsx_median = (
        statistics.median(r["seconds"] for r in result["xlsx"]) if result["xlsx"] else None
    )
    result["summary"] = {
        "ping_p50_ms": page["ping"]["median_p50_ms"],
        "national_p50_ms": page["national"]["median_p50_ms"],
        "county_p50_ms": page["county"]["median_p50_ms"],
        "csv_median_seconds": csv_median,
        "csv_max_rss_growth_mb": csv_growth,
        "xlsx_median_seconds": xlsx_median,
        "budgets_met": {
            "page": max(page["national"]["median_p50_ms"], page["county"]["median_p50_ms"])
            <= BUDGET_PAGE_P50 * 1000,
            "csv_time": csv_median <= BUDGET_CSV_SECONDS,
            "csv_memory": csv_growth <= BUDGET_CSV_MB,
            "xlsx": xlsx_median is not None and xlsx_median <= BUDGET_XLSX_SECONDS,
        },
    }
    print(json.dumps(result["summary"], indent=2))
    common.save_record(
        "reports.json", args=args, commit=common.commit_after_run(commit), results=result
    )
    return 0 if all(result["summary"]["budgets_met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
