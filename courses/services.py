"""Writes for progress: enrolment, visits, step completion and course completion."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from .models import CoursePage, Enrollment, StepCompletion
from .selectors import course_steps
from .signals import course_completed


def enrollment_start(*, learner, course: CoursePage) -> Enrollment:
    """Enrol the learner (once; a second call returns the same enrolment)."""
    try:
        with transaction.atomic():
            enrollment, _created = Enrollment.objects.get_or_create(
                learner=learner, course_key=course.translation_key
            )
    except IntegrityError:  # a concurrent request enrolled first
        enrollment = Enrollment.objects.get(learner=learner, course_key=course.translation_key)
    return enrollment


def step_visit(*, learner, course: CoursePage, step: Page) -> None:
    """Remember where the learner is (for "Continue where you left off"); enrols on first visit.

    One UPDATE on every visit after the first.
    """
    now = timezone.now()
    updated = Enrollment.objects.filter(learner=learner, course_key=course.translation_key).update(
        last_step_key=step.translation_key, last_visited_at=now
    )
    if not updated:
        enrollment = enrollment_start(learner=learner, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            last_step_key=step.translation_key, last_visited_at=now
        )


@transaction.atomic
def step_complete(*, learner, course: CoursePage, step: Page) -> bool:
    """Record a step as complete (idempotent) and complete the course when it is the last one.

    Used by "Mark as complete" and by quizzes when a graded quiz is passed. Returns True when
    this call completed the course. The course is completed exactly once: the conditional
    UPDATE below matches only while `completed_at` is empty, and `course_completed` is sent
    after the transaction commits.
    """
    # Both inserts are INSERT ... ON CONFLICT DO NOTHING: idempotent and race-free, and the
    # query count stays fixed (a submitted quiz must cost the same for 10 or 30 questions).
    course_key = course.translation_key
    Enrollment.objects.bulk_create(
        [Enrollment(learner=learner, course_key=course_key)], ignore_conflicts=True
    )
    StepCompletion.objects.bulk_create(
        [StepCompletion(learner=learner, step_key=step.translation_key, course_key=course_key)],
        ignore_conflicts=True,
    )
    required = {p.translation_key for p in course_steps(course=course) if p.counts_for_completion}
    done = set(
        StepCompletion.objects.filter(
            learner=learner, course_key=course_key, step_key__in=required
        ).values_list("step_key", flat=True)
    )
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
