"""Fault: SIGKILL a Celery worker while it issues certificates; still exactly one per completion.

    export DJANGO_SETTINGS_MODULE=benchmarks.certificates_settings   # after migrate + seed_demo
    flock /tmp/bench.lock .venv/bin/python -m benchmarks.faults.kill_worker --n 300

N learners who completed the benchmark course get a pending certificate. Two workers (each
`--pool=prefork --concurrency=1`, so two rendering processes) start issuing; once a third are
ready, worker A and its pool child are SIGKILLed (no warm shutdown, no chance to reject its
message), and a new worker C takes A's place. Redis hands A's unacknowledged message back after
`visibility_timeout`, set to 10 s here (BENCH_VISIBILITY_TIMEOUT) instead of production's hour.

Each task is queued with the certificate's id as its task id, so the workers' logs tell which
certificates A had received and not finished when it died: those must be pending right after
the kill (the render's transaction died with it) and ready at the end.

Passes when every learner has exactly one certificate, all ready, each with exactly one "issued"
event and one PDF file named after it, and no other file. Prints a JSON line; exit status 1 on
failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

from benchmarks import common
from benchmarks.certificates import (
    LOGS,
    bench_course,
    ensure_learners,
    machine,
    ready_count,
    request_certificates,
    reset_certificates,
    setup_django,
    start_worker,
    verify_one_each,
)

VISIBILITY_TIMEOUT = "10"


def in_flight(log: Path) -> set[str]:
    """Issue tasks the worker writing `log` had received and not finished."""
    text = log.read_text(errors="replace")
    received = set(re.findall(r"issue_certificate\[([0-9a-f-]{36})\] received", text))
    finished = set(re.findall(r"issue_certificate\[([0-9a-f-]{36})\] (?:succeeded|retry)", text))
    return received - finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--kill-at", type=float, default=1 / 3, help="fraction ready at the kill")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    os.environ["BENCH_VISIBILITY_TIMEOUT"] = VISIBILITY_TIMEOUT  # before Django reads settings
    setup_django()
    from certificates.models import Certificate, CertificateStatus
    from certificates.tasks import issue_certificate

    course = bench_course()
    learner_ids = ensure_learners(args.n, course)
    reset_certificates(course)
    certificate_ids = request_certificates(course, learner_ids)
    LOGS.mkdir(parents=True, exist_ok=True)
    logs = {name: LOGS / f"fault-worker-{name}.log" for name in "ABC"}
    for log in logs.values():
        log.unlink(missing_ok=True)

    def worker(name: str):
        return start_worker(
            logs[name], "--pool=prefork", "--concurrency=1", "-n", f"fault-{name}@%h"
        )

    workers = {name: worker(name) for name in "AB"}
    result: dict = {"benchmark": "fault: kill -9 a worker while issuing", "n": args.n}
    try:
        start = time.perf_counter()
        for certificate_id in certificate_ids:
            issue_certificate.apply_async(args=[certificate_id], task_id=certificate_id)
        while ready_count(course) < args.n * args.kill_at:
            if time.perf_counter() - start > args.timeout:
                sys.exit("timed out before the kill")
            time.sleep(0.05)
        os.killpg(workers["A"].pid, signal.SIGKILL)
        workers["A"].wait()
        killed_at = time.perf_counter() - start
        lost = in_flight(logs["A"])
        result.update(
            killed_after_s=round(killed_at, 1),
            ready_at_kill=ready_count(course),
            in_flight_in_killed_worker=sorted(lost),
            in_flight_pending_after_kill=Certificate.objects.filter(
                pk__in=lost, status=CertificateStatus.PENDING
            ).count(),
        )
        workers["C"] = worker("C")
        while ready_count(course) < args.n and time.perf_counter() - start < args.timeout:
            time.sleep(0.2)
        result["all_ready_after_s"] = round(time.perf_counter() - start, 1)
        # Let any duplicate delivery run before counting (it must find the certificate ready).
        time.sleep(int(VISIBILITY_TIMEOUT) + 5)
        survivors = logs["B"].read_text(errors="replace") + logs["C"].read_text(errors="replace")
        result["lost_tasks_redelivered"] = sum(
            f"issue_certificate[{c}] received" in survivors for c in lost
        )
    finally:
        for process in workers.values():
            common.stop_server(process, timeout=60)
    result.update(verify_one_each(course, learner_ids))
    ready_now = Certificate.objects.filter(pk__in=lost, status=CertificateStatus.READY)
    result["lost_ready"] = ready_now.count()
    ok = (
        result["certificates"] == result["ready"] == result["pdf_files"] == args.n
        and result["issued_events_not_1"] == 0
        and result["files_match_certificates"]
        and result["in_flight_pending_after_kill"] == len(lost)
        and result["lost_ready"] == len(lost)
    )
    result["passed"] = ok
    print(json.dumps({**result, "machine": machine()}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
