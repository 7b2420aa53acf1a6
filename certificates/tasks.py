"""Issuing runs in the worker: acknowledged late (a killed worker's task is redelivered),
retried with back-off, and idempotent (the service renders a certificate once)."""

import logging

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from accounts.tasks import EMAIL_RETRY

from . import services
from .models import CertificateStatus
from .sealing import SealError

logger = logging.getLogger(__name__)

# Rendering tasks: acknowledged after they finish (a killed worker's task is redelivered) and
# retried with back-off; the services make a second run harmless.
RENDER_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


def _my_learning_url(language: str) -> str:
    """The absolute address of "My learning" in `language`, for the certificate e-mails."""
    with translation.override(language):
        return settings.SITE_URL + reverse("courses:my_learning")


@shared_task(bind=True, **RENDER_TASK)
def issue_certificate(self, certificate_id: str) -> None:
    try:
        certificate = services.certificate_issue(certificate_id=certificate_id)
    except SealError as error:
        # The seal as configured cannot work (no key, wrong key, expired certificate): retrying
        # would not help, and an unsealed PDF is never stored. Failed at once, with the reason
        # for the administrator, who retries once the seal is fixed.
        services.certificate_mark_failed(certificate_id=certificate_id, reason=str(error))
        logger.error("Certificate %s could not be sealed: %s", certificate_id, error)
        return
    except Exception as error:
        if self.request.retries >= self.max_retries:
            services.certificate_mark_failed(certificate_id=certificate_id, reason=repr(error))
            logger.exception("Certificate %s could not be issued", certificate_id)
            return
        raise
    if (
        certificate is not None
        and certificate.status == CertificateStatus.READY
        and certificate.learner_id
    ):
        send_certificate_ready_email.delay(str(certificate.pk))


@shared_task(**RENDER_TASK)
def reissue_certificate(
    certificate_id: str, by_id: int | None = None, requested_at: str | None = None
) -> None:
    """Render a certificate again (bulk re-issue from the admin); a revoked one stays as it is.

    `requested_at` makes a redelivered or duplicated task a no-op once the certificate has been
    re-issued since the request.
    """
    from accounts.models import User

    from .models import Certificate

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.is_revoked:
        return
    try:
        services.certificate_reissue(
            certificate=certificate,
            by=User.objects.filter(pk=by_id).first() if by_id else None,
            requested_at=parse_datetime(requested_at) if requested_at else None,
        )
    except SealError as error:
        # Not retried (see issue_certificate); the certificate keeps its earlier sealed PDF.
        services.certificate_reissue_failed(certificate_id=certificate_id, reason=str(error))
        logger.error("Certificate %s could not be re-issued: %s", certificate_id, error)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_certificate_ready_email(certificate_id: str) -> None:
    from accounts.services import email_send_to_user

    from .models import Certificate

    certificate = Certificate.objects.select_related("learner").filter(pk=certificate_id).first()
    if certificate is None or certificate.learner is None:
        return
    email_send_to_user(
        user=certificate.learner,
        template="certificates/email/ready",
        context={
            "certificate": certificate,
            "course_title": certificate.course_title(certificate.learner.preferred_language),
            "dashboard_url": _my_learning_url(certificate.learner.preferred_language),
        },
    )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_certificate_revoked_email(certificate_id: str) -> None:
    """Tell the holder, in their language, that their certificate was revoked, why, and whom to
    ask (queued once, after the revocation commits: certificates.services.certificate_revoke)."""
    from accounts.services import email_send_to_user

    from .models import Certificate
    from .selectors import certificate_revocation_contact

    certificate = (
        Certificate.objects.select_related("learner", "revoked_by")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.learner is None or not certificate.is_revoked:
        return
    if certificate.learner.erased_at:  # the account was erased: nobody to write to
        return
    language = certificate.learner.preferred_language
    email_send_to_user(
        user=certificate.learner,
        template="certificates/email/revoked",
        context={
            "certificate": certificate,
            "course_title": certificate.course_title(language),
            "contact": certificate_revocation_contact(certificate),
            "dashboard_url": _my_learning_url(language),
        },
    )


# Reminders: the beat tasks claim each reminder and queue its e-mail (certificates.services);
# the e-mail tasks check again that the certificate still asks for it (renewed in between, say).


@shared_task
def remind_expiring_certificates() -> int:
    return services.expiry_reminders_send()


@shared_task
def remind_recertification() -> int:
    return services.renewal_reminders_send()


@shared_task(acks_late=True)
def announce_recertification(campaign_id: int) -> int:
    return services.recertification_announcements_send(campaign_id=campaign_id)


def _holder(certificate):
    """The certificate's holder if they can still be written to, else None."""
    learner = certificate.learner if certificate is not None else None
    if learner is None or not learner.is_active or learner.erased_at or not learner.email:
        return None
    if certificate.is_revoked or certificate.superseded_by_id is not None:
        return None
    return learner


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_certificate_expiry_email(certificate_id: str) -> None:
    """Tell the holder when their certificate expires, and where to renew it."""
    from accounts.services import email_send_to_user

    from .models import Certificate

    certificate = Certificate.objects.select_related("learner").filter(pk=certificate_id).first()
    learner = _holder(certificate)
    if learner is None or certificate.expires_at is None:
        return
    language = learner.preferred_language
    email_send_to_user(
        user=learner,
        template="certificates/email/expiring",
        context={
            "certificate": certificate,
            "course_title": certificate.course_title(language),
            "expires_on": timezone.localdate(certificate.expires_at),
            "dashboard_url": _my_learning_url(language),
        },
    )


@shared_task(acks_late=True, **EMAIL_RETRY)
def send_recertification_email(certificate_id: str, first: bool = False) -> None:
    """Ask the holder to renew their certificate by the re-certification's date, with its
    reason: the announcement (`first`) or a reminder."""
    from accounts.services import email_send_to_user

    from .models import Certificate

    certificate = (
        Certificate.objects.select_related("learner", "recertification")
        .filter(pk=certificate_id)
        .first()
    )
    learner = _holder(certificate)
    if learner is None or certificate.renew_by is None or certificate.recertification is None:
        return
    language = learner.preferred_language
    email_send_to_user(
        user=learner,
        template="certificates/email/recertification",
        context={
            "certificate": certificate,
            "first": first,
            "course_title": certificate.course_title(language),
            "required_by": certificate.renew_by,
            "reason": certificate.recertification.reason(language),
            "dashboard_url": _my_learning_url(language),
        },
    )
