"""Background e-mail. Tasks take ids, load the objects and call a service."""

from celery import shared_task
from django.core.mail import send_mail

from .models import User
from .services import activation_url, email_deliverable, email_send_to_user

EMAIL_RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_welcome_email(user_id: int) -> None:
    """Welcome a new learner and ask them to confirm their address."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.is_active or not user.awaiting_activation:
        return  # deleted, or already confirmed: nothing to say
    email_send_to_user(
        user=user,
        template="accounts/email/welcome",
        context={"activation_url": activation_url(user=user)},
    )


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_account_exists_notice(user_id: int) -> None:
    """Someone tried to register with an address that already has an account."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    # A link only for an account still awaiting its confirmation: not for one an administrator
    # deactivated (no link would work for it).
    awaiting = user.awaiting_activation and not user.is_active
    context = {"activation_url": activation_url(user=user)} if awaiting else {}
    email_send_to_user(user=user, template="accounts/email/account_exists", context=context)


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_email(*, to: str, subject: str, body: str) -> None:
    """Send an e-mail rendered by the request that queued it (not to an address that names no
    mailbox)."""
    if email_deliverable(to):
        send_mail(subject, body, None, [to])
