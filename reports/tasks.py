"""Background work for coordinators. Tasks take ids and call a service."""

from uuid import UUID

from celery import shared_task

from accounts.models import User
from accounts.services import email_send_to_user, password_set_url
from accounts.tasks import EMAIL_RETRY

from . import selectors, services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_export(job_id: str) -> None:
    services.export_run(job_id)


@shared_task
def delete_expired_exports() -> int:
    return services.exports_delete_expired()


@shared_task
def remind_overdue_learners() -> int:
    return services.overdue_reminders_send()


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_enrollment_invitation(user_id: int) -> None:
    """A coordinator enrolled a new learner: invite them to set a password (the reset link
    proves they own the address)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.has_usable_password():
        return  # deleted, or already set their password
    email_send_to_user(
        user=user,
        template="reports/email/invitation",
        context={"set_password_url": password_set_url(user=user)},
    )


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_enrollment_elsewhere_notice(user_id: int, course_keys: list[str]) -> None:
    """A coordinator listed the address of an account outside their scope: the account was
    left alone; its owner is told which courses, and may start them from their account."""
    user = User.objects.filter(pk=user_id, is_active=True, erased_at__isnull=True).first()
    if user is None:
        return
    courses = selectors.course_titles_and_urls()
    found = [courses[UUID(key)] for key in course_keys if UUID(key) in courses]
    email_send_to_user(
        user=user,
        template="reports/email/enrollment_elsewhere",
        context={
            "courses": [
                course.get(user.preferred_language) or next(iter(course.values()))
                for course in found
            ]
        },
    )


@shared_task
def remind_stale_directory_entries() -> int:
    return services.directory_reminders_send()
