"""Writes for progress: enrolment, visits, step completion and course completion."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from elearning.page_cache import bump

from .models import CoursePage, Enrollment, StepCompletion
from .selectors import LearnerProgress, course_step_links, progress_version_key
from .signals import course_completed

# A reload of the step last visited writes nothing unless the last visit is older than this:
# "Continue where you left off" needs the step, and a visit time this coarse is enough.
VISIT_REFRESH = timedelta(minutes=10)


def progress_changed(*, learner_id: int, course_key: UUID) -> None:
    """Retire the learner's cached progress in this course (courses.selectors.learner_progress).

    Now, so the next read sees the write, and again after the transaction commits, so a
    concurrent request that read the old rows just before the commit cannot keep them cached.
    """
    key = progress_version_key(learner_id=learner_id, course_key=course_key)
    bump(key)
    transaction.on_commit(lambda: bump(key))


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
    progress_changed(learner_id=learner.pk, course_key=course_key)
    links = course_step_links(course=course)
    required = {link.translation_key for link in links if link.counts_for_completion}
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
