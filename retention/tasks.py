"""The daily invitations (beat) and each invitation's e-mail; both take ids and call services."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tasks import EMAIL_RETRY

from . import services


@shared_task
def send_retention_invitations() -> int:
    return services.retention_invitations_send()


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_retention_invitation_email(check_id: int) -> None:
    """Invite the learner, in their language, to their check (sent once: the check was
    claimed before this was queued)."""
    from accounts.services import email_send_to_user

    from .models import RetentionCheck

    check = RetentionCheck.objects.select_related("learner").filter(pk=check_id).first()
    # Taken or closed since it was queued (the outbox may deliver it late): nothing to ask.
    if check is None or check.submitted_at is not None or timezone.now() > check.expires_at:
        return
    learner = check.learner
    if not learner.is_active or learner.erased_at or not learner.email:
        return
    language = learner.preferred_language
    with translation.override(language):
        url = settings.SITE_URL + reverse("retention:check", kwargs={"token": check.token})
    email_send_to_user(
        user=learner,
        template="retention/email/invitation",
        context={
            "check": check,
            "course_title": _course_title(check.course_key, language),
            "check_url": url,
        },
    )


def _course_title(course_key, language: str) -> str:
    from courses.models import CoursePage

    pages = CoursePage.objects.filter(translation_key=course_key).select_related("locale")
    titles = {p.locale.language_code: p.title for p in pages}
    return titles.get(language) or titles.get("ro") or next(iter(titles.values()), "")
