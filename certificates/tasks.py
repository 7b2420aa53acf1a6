"""Issuing runs in the worker: acknowledged late (a killed worker's task is redelivered),
retried with back-off, and idempotent (the service renders a certificate once)."""

import logging

from celery import shared_task
from django.conf import settings

from . import services
from .models import CertificateStatus

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def issue_certificate(self, certificate_id: str) -> None:
    try:
        certificate = services.certificate_issue(certificate_id=certificate_id)
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


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_certificate_ready_email(certificate_id: str) -> None:
    from elearning.services import email_send_to_user

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
            "dashboard_url": (
                f"{settings.SITE_URL}/{certificate.learner.preferred_language}/learning/"
            ),
        },
    )
