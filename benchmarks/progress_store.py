"""The two paths of courses.progress_store.step_record, side by side, in this process.

What a quiz submission pays to record its step: on PostgreSQL the lock plus one statement
(`step_record_postgresql`), or the ORM's three statements (`step_record_orm`). Each call
records a new step for a seeded learner already enrolled in the teachers' course, with that
course's required steps, inside a transaction rolled back at the end of each round (commits
cost the same for both: the same rows are written). The paths alternate, round after round, so
whatever else the machine does hits both alike; the medians of wall and CPU time per call are
printed, with the statements each makes. Run from the project folder on the benchmark database:

    DJANGO_SETTINGS_MODULE=benchmarks.settings .venv/bin/python -m benchmarks.progress_store

See benchmarks/README.md, "Progress store".
"""

from __future__ import annotations

import os
import statistics
import time
import uuid

ROUNDS = 20
CALLS = 50  # per path and round


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from courses import progress_store
    from courses.models import CoursePage, Enrollment
    from courses.selectors import course_required_keys

    if connection.vendor != "postgresql":
        raise SystemExit("the raw path needs PostgreSQL: point DATABASE_URL at the bench data")
    course = CoursePage.objects.get(slug="teachers", locale__language_code="ro")
    required = course_required_keys(course=course)
    learner_id = (
        Enrollment.objects.filter(course_key=course.translation_key)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
        .first()
    )
    paths = {
        "postgresql": progress_store.step_record_postgresql,
        "orm": progress_store.step_record_orm,
    }
    wall: dict[str, list[float]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    statements: dict[str, int] = {}
    for _round in range(ROUNDS):
        for name, record in paths.items():
            with transaction.atomic():
                counted: list[str] = []
                with connection.execute_wrapper(
                    lambda execute, sql, *rest, counted=counted: (
                        counted.append(sql) or execute(sql, *rest)
                    )
                ):
                    record(
                        learner_id=learner_id,
                        course_key=course.translation_key,
                        step_key=uuid.uuid4(),
                        required=required,
                    )
                statements[name] = len(counted)
                for _call in range(CALLS):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    record(
                        learner_id=learner_id,
                        course_key=course.translation_key,
                        step_key=uuid.uuid4(),
                        required=required,
                    )
                    wall[name].append(1000 * (time.perf_counter() - started))
                    cpu[name].append(1000 * (time.process_time() - started_cpu))
                transaction.set_rollback(True)
    print(f"load average {os.getloadavg()[0]:.2f}; {ROUNDS} rounds of {CALLS} calls per path")
    for name in paths:
        print(
            f"{name:>10}: wall p50 {statistics.median(wall[name]):.3f} ms, "
            f"p95 {statistics.quantiles(wall[name], n=20)[-1]:.3f} ms; "
            f"CPU p50 {statistics.median(cpu[name]):.3f} ms; {statements[name]} statements"
        )


if __name__ == "__main__":
    main()
