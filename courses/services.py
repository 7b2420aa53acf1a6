"""Writes for progress: enrolment, visits, step completion and course completion."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from wagtail.models import Page

from elearning.infrastructure.caching import PROGRESS

from .models import CoursePage, Enrollment, StepCompletion
from .selectors import LearnerProgress, course_required_keys
from .signals import course_completed

# A reload of the step last visited writes nothing unless the last visit is older than this:
# "Continue where you left off" needs the step, and a visit time this coarse is enough.
VISIT_REFRESH = timedelta(minutes=10)


def progress_changed(*, learner_id: int, course_key: UUID) -> None:
    """Retire the learner's cached progress in this course (courses.selectors.learner_progress),
    now and after the transaction commits."""
    PROGRESS.move_on(learner_id, course_key)


def enrollment_start(*, learner, course: CoursePage) -> Enrollment:
    """Enrol the learner (once; a second call returns the same enrolment)."""
    try:
        with transaction.atomic():
            enrollment, created = Enrollment.objects.get_or_create(
                learner=learner, course_key=course.translation_key
            )
    except IntegrityError:  # a concurrent request enrolled first
        enrollment = Enrollment.objects.get(learner=learner, course_key=course.translation_key)
        created = False
    if created:
        progress_changed(learner_id=learner.pk, course_key=course.translation_key)
    return enrollment


def step_visit(
    *, learner, course: CoursePage, step: Page, progress: LearnerProgress | None = None
) -> None:
    """Remember where the learner is (for "Continue where you left off"); enrols on first visit.

    With the learner's `progress` (as the lesson view has read it), a reload of the step last
    visited within VISIT_REFRESH writes nothing; otherwise one UPDATE.
    """
    now = timezone.now()
    enrollment = progress.enrollment if progress is not None else None
    if (
        enrollment is not None
        and enrollment.last_step_key == step.translation_key
        and now - enrollment.last_visited_at < VISIT_REFRESH
    ):
        return
    updated = Enrollment.objects.filter(learner=learner, course_key=course.translation_key).update(
        last_step_key=step.translation_key, last_visited_at=now
    )
    if not updated:
        enrollment = enrollment_start(learner=learner, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            last_step_key=step.translation_key, last_visited_at=now
        )
    progress_changed(learner_id=learner.pk, course_key=course.translation_key)


# One statement on PostgreSQL for what a completed step writes and then reads: the enrolment
# and the completion are inserted unless they exist (INSERT ... ON CONFLICT DO NOTHING, as
# bulk_create(ignore_conflicts=True) writes them), and the learner's completed required steps
# are read back. Data-modifying CTEs always run to completion, but the outer SELECT sees the
# table as it was before the statement, so the step just recorded is added in Python. Columns
# left out are nullable and have no default. A column added to either table without a database
# default must be added here too (the progress tests, which run on PostgreSQL in CI, would fail).
RECORD_STEP_SQL = """
WITH enrolment AS (
    INSERT INTO courses_enrollment (learner_id, course_key, started_at, last_visited_at)
    VALUES (%(learner)s, %(course)s, %(now)s, %(now)s)
    ON CONFLICT DO NOTHING
), completion AS (
    INSERT INTO courses_stepcompletion (learner_id, course_key, step_key, completed_at)
    VALUES (%(learner)s, %(course)s, %(step)s, %(now)s)
    ON CONFLICT DO NOTHING
)
SELECT step_key FROM courses_stepcompletion
WHERE learner_id = %(learner)s AND course_key = %(course)s AND step_key = ANY(%(required)s)
"""


# Two steps of the same course completed at the same moment (two tabs, a lesson and a quiz)
# would each miss the other's uncommitted completion, and neither would complete the course. A
# transaction-level lock per learner and course makes the second wait until the first commits;
# its statement then starts after that commit and sees both. (SQLite serialises writers anyway.)
LOCK_PROGRESS_SQL = "SELECT pg_advisory_xact_lock(%(learner)s, hashtext(%(course)s::text))"


def _record_step(*, learner_id: int, course_key: UUID, step_key: UUID, required) -> set[UUID]:
    """Enrol (if need be) and record the step (idempotent); the required steps now done."""
    if connection.vendor == "postgresql":
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
                },
            )
            return {row[0] for row in cursor.fetchall()} | {step_key}
    # Elsewhere (SQLite, the zero-setup default) the same in three statements.
    Enrollment.objects.bulk_create(
        [Enrollment(learner_id=learner_id, course_key=course_key)], ignore_conflicts=True
    )
    StepCompletion.objects.bulk_create(
        [StepCompletion(learner_id=learner_id, step_key=step_key, course_key=course_key)],
        ignore_conflicts=True,
    )
    return set(
        StepCompletion.objects.filter(
            learner_id=learner_id, course_key=course_key, step_key__in=required
        ).values_list("step_key", flat=True)
    )


# No savepoint: inside a caller's transaction (a quiz submission) an error here must roll the
# whole of it back anyway, and a savepoint pair is two more round trips to the database.
@transaction.atomic(savepoint=False)
def step_complete(*, learner, course: CoursePage, step: Page) -> bool:
    """Record a step as complete (idempotent) and complete the course when it is the last one.

    Used by "Mark as complete" and by quizzes when a graded quiz is passed. Returns True when
    this call completed the course. The course is completed exactly once: the conditional
    UPDATE below matches only while `completed_at` is empty, and `course_completed` is sent
    after the transaction commits. A fixed number of statements: two (the lock, the write and
    read), plus that UPDATE when every required step is done (a submitted quiz must cost the
    same for 10 or 30 questions).
    """
    course_key = course.translation_key
    required = course_required_keys(course=course)
    done = _record_step(
        learner_id=learner.pk,
        course_key=course_key,
        step_key=step.translation_key,
        required=required,
    )
    progress_changed(learner_id=learner.pk, course_key=course_key)
    if not required or required - done:
        return False
    completed_at = timezone.now()
    won = Enrollment.objects.filter(
        learner=learner, course_key=course_key, completed_at__isnull=True
    ).update(completed_at=completed_at)
    if won:
        learner_id = learner.pk
        transaction.on_commit(
            lambda: course_completed.send(
                sender=CoursePage,
                learner_id=learner_id,
                course_key=course_key,
                completed_at=completed_at,
            )
        )
    return bool(won)
