"""Learning events → statements in the outbox. Each receiver is one line into a service; the
service returns at once (no query) when no LRS is configured."""

from __future__ import annotations

from django.db.models.signals import post_save

from . import services
from .selectors import lrs_configured


def on_user_saved(sender, *, instance, created, raw=False, **kwargs):
    if created and not raw and lrs_configured():
        services.record_registered(learner=instance)


def on_step_visited(sender, *, learner_id, course_key, step, visited_at, **kwargs):
    if lrs_configured():
        services.record_step_visited(
            learner_id=learner_id, course_key=course_key, step=step, visited_at=visited_at
        )


def on_step_completed(sender, *, learner_id, course_key, step, run, **kwargs):
    if lrs_configured():
        services.record_step_completed(
            learner_id=learner_id, course_key=course_key, step=step, run=run
        )


def on_attempt_submitted(sender, *, attempt, **kwargs):
    if lrs_configured():
        services.record_attempt_submitted(attempt=attempt)


def on_course_completed(sender, *, learner_id, course_key, completed_at, run=1, **kwargs):
    # Sent after commit: the statement is written in a transaction of its own.
    if lrs_configured():
        services.record_course_completed(
            learner_id=learner_id, course_key=course_key, completed_at=completed_at, run=run
        )


def on_certificate_saved(sender, *, instance, created, raw=False, update_fields=None, **kwargs):
    # Created inside certificates.services.certificate_request's transaction: the statement
    # commits (or rolls back) with the certificate. Revoked by certificates.services.
    # certificate_revoke, which saves `revoked_at` once: the "earned" is voided.
    if raw or not lrs_configured():
        return
    if created:
        services.record_certificate_earned(certificate=instance)
    elif update_fields and "revoked_at" in update_fields and instance.revoked_at:
        services.record_certificate_revoked(certificate=instance)


def connect() -> None:
    from accounts.models import User
    from certificates.models import Certificate
    from courses.signals import course_completed, step_completed, step_visited
    from quizzes.signals import attempt_submitted

    post_save.connect(on_user_saved, sender=User, dispatch_uid="learning_records.registered")
    step_visited.connect(on_step_visited, dispatch_uid="learning_records.visited")
    step_completed.connect(on_step_completed, dispatch_uid="learning_records.step_completed")
    attempt_submitted.connect(on_attempt_submitted, dispatch_uid="learning_records.attempt")
    course_completed.connect(on_course_completed, dispatch_uid="learning_records.completed")
    post_save.connect(
        on_certificate_saved, sender=Certificate, dispatch_uid="learning_records.earned"
    )
