"""Survey e-mails and the daily follow-up beat: tasks take ids and call services."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tasks import EMAIL_RETRY

from . import services


@shared_task
def send_follow_up_invitations() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the 90-day follow-ups that are due."""
    return services.follow_ups_send()


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_survey_invitation_email(invitation_id: int) -> None:
    """The invitation's e-mail, in the learner's language, with the survey's address. Sent
    only after the invitation was claimed (services.invitation_send), and only to a learner
    who can still be written to."""
    from accounts.services import email_send_to_user

    from .models import SurveyInvitation, SurveyKind
    from .selectors import course_title

    invitation = (
        SurveyInvitation.objects.select_related("enrollment__learner")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.answered_at is not None:
        return
    learner = invitation.enrollment.learner
    if not learner.is_active or learner.erased_at or not learner.email:
        return
    language = learner.preferred_language
    with translation.override(language):
        url = settings.SITE_URL + reverse("surveys:survey", args=[invitation.token])
    template = (
        "surveys/email/reaction"
        if invitation.kind == SurveyKind.REACTION
        else "surveys/email/follow_up"
    )
    email_send_to_user(
        user=learner,
        template=template,
        context={
            "course_title": course_title(invitation.enrollment.course_key, language),
            "survey_url": url,
            "open_until": timezone.localdate(invitation.expires_at),
        },
    )
