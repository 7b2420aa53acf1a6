"""Where a request's time goes: its SQL queries and a cProfile summary, per URL.

A quick check next to the load test, in one process with Django's test client (no gunicorn, one
request at a time), on the benchmark database and settings, logged in as the first benchmark
learner. Run from the project folder:

    .venv/bin/python -m benchmarks.profile_requests [--repeat 20] [--queries] [--top 40]
        [--also /ro/cursuri/police/police-indicators/]

For each URL: the median time per request and the number of SQL queries with the time from
execute() to result (no profiler), the most frequent query shapes, then the share of cProfile
self time by area (PostgreSQL round trips, Django ORM, templates, Wagtail, project code...).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
import traceback
from collections import Counter

from benchmarks.common import HOST, PROJECT_DIR, setup_django

AREAS = [  # (label, substring of the code's file name), first match wins
    ("psycopg: the driver, waiting for PostgreSQL", "/psycopg/"),
    ("Django ORM: building SQL, making objects", "/django/db/"),
    ("Django templates", "/django/template/"),
    ("Django, other (middleware, i18n, urls...)", "/django/"),
    ("Wagtail (routing, page URLs, StreamField)", "/wagtail/"),
    ("other libraries", "site-packages"),
    ("this project (elearning/, courses/...)", str(PROJECT_DIR)),
]


def area(filename: str) -> str:
    for label, marker in AREAS:
        if marker in filename:
            return label
    return "Python itself (standard library, built-ins)"


def caller() -> str:
    """Who ran a query: the innermost frame in the project's code, else in Wagtail or Django."""
    frames = traceback.extract_stack()[:-3]
    for wanted in (_project_frame, _library_frame):
        for frame in reversed(frames):
            if wanted(frame.filename):
                name = frame.filename.split("site-packages/")[-1].replace(f"{PROJECT_DIR}/", "")
                return f"{name}:{frame.lineno} {frame.name}"
    return "?"


def _project_frame(filename: str) -> bool:
    return (
        filename.startswith(str(PROJECT_DIR))
        and "site-packages" not in filename
        and "/benchmarks/" not in filename
        and not filename.endswith("middleware.py")
    )


def _library_frame(filename: str) -> bool:
    return any(
        part in filename
        for part in ("/wagtail/", "/django/contrib/", "/django/middleware/", "/django/template/")
    )


def self_time_by_area(profiler: cProfile.Profile) -> list[tuple[str, float]]:
    totals: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in (
        pstats.Stats(profiler).stats.items()  # type: ignore[attr-defined]
    ):
        totals[area(filename)] += tottime
    whole = sum(totals.values())
    return [(label, t / whole) for label, t in totals.most_common()]


def count_redis_round_trips() -> list[int]:
    """A counter of the commands and pipelines sent to Redis ([0] is reset per request): the CPU
    time figure leaves out Redis's and PostgreSQL's own, so the round trips are worth watching."""
    from redis.client import Pipeline, Redis

    counter = [0]
    for cls, name in ((Redis, "execute_command"), (Pipeline, "execute")):
        original = getattr(cls, name)

        def counted(self, *args, _original=original, **kwargs):
            counter[0] += 1
            return _original(self, *args, **kwargs)

        setattr(cls, name, counted)
    return counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=0, help="also list the top N functions")
    parser.add_argument(
        "--queries", action="store_true", help="list each URL's queries with the code that ran them"
    )
    parser.add_argument("--also", action="append", default=[], help="another path to measure")
    args = parser.parse_args()

    setup_django()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from benchmarks.lesson_page import TARGETS
    from benchmarks.seed import learner_email

    queries: list[tuple[str, float, str]] = []
    redis_calls = count_redis_round_trips()

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            queries.append((sql, seconds, caller() if args.queries else ""))

    client = Client(HTTP_ACCEPT_LANGUAGE="ro", HTTP_HOST=HOST)
    client.force_login(User.objects.get(email=learner_email(0)))
    targets = [*TARGETS, *((path, path, lambda body: True) for path in args.also)]
    for label, path, check in targets:
        response = client.get(path)  # warm-up: imports, template loading, first connection
        assert response.status_code == 200 and check(response.content), label
        totals, cpu_times, sql_times, counts, round_trips = [], [], [], [], []
        for _ in range(args.repeat):
            queries.clear()
            redis_calls[0] = 0
            with connection.execute_wrapper(timed):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(path)
                cpu_times.append(1000 * (time.process_time() - cpu_started))
                totals.append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200, label
            counts.append(len(queries))
            round_trips.append(redis_calls[0])
            sql_times.append(1000 * sum(t for _sql, t, _caller in queries))
        print(f"\n=== {label} {path}")
        print(
            f"{statistics.median(totals):.1f} ms per request ({statistics.median(cpu_times):.2f} "
            f"ms of CPU in this process), {statistics.median(counts):.0f} queries taking "
            f"{statistics.median(sql_times):.1f} ms from execute() to result, "
            f"{statistics.median(round_trips):.0f} Redis round trips (medians of {args.repeat} "
            "requests, one at a time, no profiler)"
        )
        shapes = Counter(sql.split(" WHERE ")[0][:100] for sql, _t, _caller in queries)
        for sql, n in shapes.most_common(6):
            print(f"  {n:3d} x {sql}")
        if args.queries:
            for sql, seconds, where in queries:
                print(f"  {1000 * seconds:5.2f} ms  {where:<58} {sql[:90]}")
        profiler = cProfile.Profile()
        for _ in range(args.repeat):
            profiler.enable()
            client.get(path)
            profiler.disable()
        print("  where the time goes (share of self time under cProfile):")
        for name, share in self_time_by_area(profiler):
            print(f"    {100 * share:5.1f} %  {name}")
        if args.top:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
