"""Writes for progress: enrolment, visits, step completion and course completion."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from elearning.infrastructure.caching import PROGRESS

from . import progress_store
from .models import CoursePage, Enrollment
from .selectors import LearnerProgress, course_required_keys, enrollment_not_reminded_since
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


def enrollment_assign(*, learner, course_key: UUID, due_on: date, by) -> bool:
    """Enrol the learner on someone else's behalf (a coordinator's bulk enrolment) with a due
    date; True when this created the enrolment. An enrolment already there takes the new due
    date and its assigner unless the course is completed (a finished course is not overdue
    again). Either change shows on the learner's pages, so their progress entry is retired."""
    enrollment, created = Enrollment.objects.get_or_create(
        learner=learner,
        course_key=course_key,
        defaults={"due_on": due_on, "enrolled_by": by, "started_at": timezone.now()},
    )
    changed = created or Enrollment.objects.filter(
        pk=enrollment.pk, completed_at__isnull=True
    ).update(due_on=due_on, enrolled_by=by)
    if changed:
        progress_changed(learner_id=learner.pk, course_key=course_key)
    return created


def enrollment_reminder_claim(
    *, enrollment_id: int, now: datetime, not_reminded_since: datetime
) -> bool:
    """Claim the overdue reminder of an enrolment (courses.selectors.enrollments_overdue)
    before it is sent: False when another run has reminded its learner since
    `not_reminded_since`. One conditional UPDATE, so two beat runs never send the same reminder
    twice. The reminder date is bookkeeping no page shows: the progress entry stays."""
    return bool(
        Enrollment.objects.filter(
            enrollment_not_reminded_since(not_reminded_since), pk=enrollment_id
        ).update(reminded_at=now)
    )


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


# No savepoint: inside a caller's transaction (a quiz submission) an error here must roll the
# whole of it back anyway, and a savepoint pair is two more round trips to the database.
@transaction.atomic(savepoint=False)
def step_complete(*, learner, course: CoursePage, step: Page) -> bool:
    """Record a step as complete (idempotent) and complete the course when it is the last one.

    Used by "Mark as complete" and by quizzes when a graded quiz is passed. Returns True when
    this call completed the course. The course is completed exactly once: the conditional
    UPDATE below matches only while `completed_at` is empty, and `course_completed` is sent
    after the transaction commits. A fixed number of statements: those of
    `progress_store.step_record` (two on PostgreSQL, three elsewhere), plus that UPDATE when
    every required step is done (a submitted quiz must cost the same for 10 or 30 questions).
    """
    course_key = course.translation_key
    required = course_required_keys(course=course)
    done = progress_store.step_record(
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
