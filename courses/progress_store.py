"""Where progress is stored: the project's only database-specific SQL.

`step_record` enrols a learner (if need be) and records a completed step in their current run
(courses.models.Enrollment), idempotently, and returns that run's number and the course's
required steps the learner has done in it. It is the hot write of a quiz
submission and of "Mark as complete", so on PostgreSQL (production, CI) it is one statement
behind a lock; everywhere else (SQLite, the zero-setup default) the same through the ORM.
Both paths are public so that tests/courses/test_progress_store.py runs them side by side on
PostgreSQL and asserts they agree; why the raw one is kept: benchmarks/README.md, "Progress
store".

A column added to `courses_enrollment` or `courses_stepcompletion` without a database default
must be added to RECORD_STEP_SQL too (that test fails on PostgreSQL until it is).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db import connection
from django.utils import timezone

from .models import Enrollment, RunKind, StepCompletion

# Two steps of the same course completed at the same moment (two tabs, a lesson and a quiz)
# would each miss the other's uncommitted completion, and neither would complete the course. A
# transaction-level lock per learner and course makes the second wait until the first commits;
# its statement then starts after that commit and sees both. (SQLite serialises writers anyway.)
LOCK_PROGRESS_SQL = "SELECT pg_advisory_xact_lock(%(learner)s, hashtext(%(course)s::text))"

# One statement for what a completed step writes and then reads: run 1 is inserted unless the
# learner has a current run (INSERT ... ON CONFLICT DO NOTHING, as
# bulk_create(ignore_conflicts=True) writes it; the partial unique index on the current run is
# the conflict), the completion is inserted into the current run unless it is there, and the
# run's number and its completed required steps are read back. Data-modifying CTEs always run
# to completion, but every part sees the tables as they were before the statement: `current`
# finds the current run that was there, or none, and then run 1 is the one inserted. The step
# just recorded is added in Python. Columns left out are nullable and have no default.
RECORD_STEP_SQL = """
WITH current_run AS (
    SELECT COALESCE(
        (SELECT run FROM courses_enrollment
         WHERE learner_id = %(learner)s AND course_key = %(course)s AND current),
        1
    ) AS run
), enrolment AS (
    INSERT INTO courses_enrollment
        (learner_id, course_key, run, current, kind, started_at, last_visited_at)
    VALUES (%(learner)s, %(course)s, 1, TRUE, %(first)s, %(now)s, %(now)s)
    ON CONFLICT DO NOTHING
), completion AS (
    INSERT INTO courses_stepcompletion
        (learner_id, course_key, step_key, run, completed_at, carried_over)
    SELECT %(learner)s, %(course)s, %(step)s, run, %(now)s, FALSE FROM current_run
    ON CONFLICT DO NOTHING
)
SELECT run, ARRAY(
    SELECT step_key FROM courses_stepcompletion
    WHERE learner_id = %(learner)s AND course_key = %(course)s
      AND run = current_run.run AND step_key = ANY(%(required)s)
) FROM current_run
"""


def step_record(
    *, learner_id: int, course_key: UUID, step_key: UUID, required: Iterable[UUID]
) -> tuple[int, set[UUID]]:
    """Enrol (if need be) and record the step in the current run (idempotent); the run's
    number and its required steps now done.

    Runs in the caller's transaction; on PostgreSQL it holds the learner's progress lock for
    this course until that transaction ends."""
    if connection.vendor == "postgresql":
        return step_record_postgresql(
            learner_id=learner_id, course_key=course_key, step_key=step_key, required=required
        )
    return step_record_orm(
        learner_id=learner_id, course_key=course_key, step_key=step_key, required=required
    )


def step_record_postgresql(
    *, learner_id: int, course_key: UUID, step_key: UUID, required: Iterable[UUID]
) -> tuple[int, set[UUID]]:
    """`step_record` on PostgreSQL: the lock, then one statement (two round trips)."""
    required = set(required)
    with connection.cursor() as cursor:
        cursor.execute(LOCK_PROGRESS_SQL, {"learner": learner_id, "course": course_key})
        cursor.execute(
            RECORD_STEP_SQL,
            {
                "learner": learner_id,
                "course": course_key,
                "step": step_key,
                "now": timezone.now(),
                "required": list(required),
                "first": RunKind.FIRST.value,
            },
        )
        run, keys = cursor.fetchone()
    done = set(keys)
    # The outer SELECT did not see the step this statement inserted.
    return run, (done | {step_key}) if step_key in required else done


def step_record_orm(
    *, learner_id: int, course_key: UUID, step_key: UUID, required: Iterable[UUID]
) -> tuple[int, set[UUID]]:
    """`step_record` through the ORM, in four statements and without the lock: right where
    writers are serialised (SQLite), and for one writer at a time elsewhere."""
    Enrollment.objects.bulk_create(
        [Enrollment(learner_id=learner_id, course_key=course_key)], ignore_conflicts=True
    )
    run = Enrollment.objects.filter(
        learner_id=learner_id, course_key=course_key, current=True
    ).values_list("run", flat=True)[0]
    StepCompletion.objects.bulk_create(
        [StepCompletion(learner_id=learner_id, step_key=step_key, course_key=course_key, run=run)],
        ignore_conflicts=True,
    )
    return run, set(
        StepCompletion.objects.filter(
            learner_id=learner_id, course_key=course_key, run=run, step_key__in=required
        ).values_list("step_key", flat=True)
    )
