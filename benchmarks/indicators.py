"""Benchmark the donor indicators (issue 17): the Indicators report's first page and its XLSX
export, on the reports' data (`benchmarks/seed_reports.py`) extended with matched pre/post pairs
and survey answers (`benchmarks/seed_measurement.py`).

    flock /tmp/bench.lock .venv/bin/python -m benchmarks.indicators

1. Page: gunicorn (production settings, 2 sync workers) serves
   `/admin/learning-reports/indicators/` (overall, and by county) to the national coordinator
   and to the Cluj coordinator, one request at a time, interleaved with the minimal
   `/bench/ping/` view as the reference; several runs, p50 and p95 per run, median over runs.
   Budget: p50 <= 1 s.
2. XLSX: `reports.services.export_run` on a fresh Indicators export job (by county) of the
   national coordinator, in this process as the Celery worker runs it. Budget: <= 20 s.

Writes benchmarks/var/indicators.json.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import time

from benchmarks import common
from benchmarks.common import (
    PING,
    VAR_DIR,
    BenchmarkError,
    stop_server,
    wait_until_ready,
)
from benchmarks.lesson_page import Client
from benchmarks.reports import start_server, timed_runs
from benchmarks.seed_reports import (
    COUNTY_COORDINATOR,
    DATABASE_NAME,
    NATIONAL,
    configure_environment,
)

PAGE = "/admin/learning-reports/indicators/"
BUDGET_PAGE_P50 = 1.0
BUDGET_XLSX_SECONDS = 20.0


def check_page(body: str) -> bool:
    # The overall row is there, with a figure or "< 5" in its cells.
    return "report-table" in body and body.count("<tr>") >= 2


def page_runs(clients: dict, runs: int, requests: int, warmup: int) -> dict:
    targets = [("ping", clients["national"], PING)]
    for name, client in clients.items():
        targets.append((f"{name}", client, PAGE))
        targets.append((f"{name}-by-county", client, PAGE + "?group_by=county"))
    return timed_runs(targets, runs, requests, warmup, lambda path, body: check_page(body))


def xlsx_run() -> dict:
    from accounts.models import User
    from reports import services
    from reports.models import ExportJob

    user = User.objects.get(email=NATIONAL)
    job = ExportJob.objects.create(
        requested_by=user,
        report=ExportJob.Report.INDICATORS,
        format=ExportJob.Format.XLSX,
        filters={"group_by": "county"},
        language="ro",
        fingerprint=secrets.token_hex(32),
    )
    started = time.perf_counter()
    services.export_run(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ExportJob.Status.READY:
        raise BenchmarkError(f"XLSX export {job.pk}: {job.status} {job.error}")
    job.file.delete(save=False)
    figures = {"seconds": round(elapsed, 2), "rows": job.rows_done}
    print(f"  XLSX: {figures['rows']} rows in {figures['seconds']} s")
    return figures


def data_sizes() -> dict:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in (
            "courses_enrollment",
            "courses_stepcompletion",
            "quizzes_measuredpair",
            "surveys_reactionanswer",
            "surveys_followupanswer",
            "retention_retentioncheck",
        ):
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names above
            sizes[table] = cursor.fetchone()[0]
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=10, help="per URL and run")
    parser.add_argument("--warmup", type=int, default=2, help="requests per URL")
    parser.add_argument("--xlsx-runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8079)
    args = parser.parse_args()
    configure_environment()
    common.setup_django(database=DATABASE_NAME)
    common.stop_on_signals()

    VAR_DIR.mkdir(exist_ok=True)
    log_path = VAR_DIR / "gunicorn-indicators.log"
    result = {"load_average_before": common.load_average(), "data": data_sizes()}
    print("Data:", result["data"])
    commit = common.announce()
    server = start_server(args.port, args.workers, log_path)
    try:
        wait_until_ready(server, args.port, log_path)
        clients = {}
        for name, email in (("national", NATIONAL), ("county", COUNTY_COORDINATOR)):
            clients[name] = Client(args.port)
            clients[name].login(email)
        print("Indicators report, first page:")
        result["page"] = page_runs(clients, args.runs, args.requests, args.warmup)
    finally:
        stop_server(server)
    print("Indicators XLSX (by county), export job:")
    result["xlsx"] = [xlsx_run() for _ in range(args.xlsx_runs)]

    page = result["page"]
    slowest = max(v["median_p50_ms"] for k, v in page.items() if k != "ping")
    xlsx_median = (
        statistics.median(r["seconds"] for r in result["xlsx"]) if result["xlsx"] else None
    )
    result["summary"] = {
        "ping_p50_ms": page["ping"]["median_p50_ms"],
        **{f"{k}_p50_ms": v["median_p50_ms"] for k, v in page.items() if k != "ping"},
        "xlsx_median_seconds": xlsx_median,
        "budgets_met": {
            "page": slowest <= BUDGET_PAGE_P50 * 1000,
            "xlsx": xlsx_median is not None and xlsx_median <= BUDGET_XLSX_SECONDS,
        },
    }
    print(json.dumps(result["summary"], indent=2))
    common.save_record(
        "indicators.json", args=args, commit=common.commit_after_run(commit), results=result
    )
    return 0 if all(result["summary"]["budgets_met"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
