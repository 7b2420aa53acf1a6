from elearning.infrastructure.queueing import send_now

from .models import CertificateStatus
from .services import (
    certificate_request,
    certificates_recertification_clear,
    certificates_recertification_mark,
)
from .tasks import issue_certificate


def on_course_completed(sender, *, learner_id, course_key, completed_at, run=1, **kwargs):
    """A run of a course was completed (the transaction has committed): issue its certificate.
    With the broker down the task waits in the outbox (elearning.infrastructure.queueing) instead of
    failing the request that completed the course."""
    certificate = certificate_request(
        learner_id=learner_id, course_key=course_key, completed_at=completed_at, run=run
    )
    if certificate is not None and certificate.status != CertificateStatus.READY:
        send_now(issue_certificate, [str(certificate.pk)])


def on_recertification_started(sender, *, campaign, **kwargs):
    """A course's re-certification started (inside its transaction): mark the certificates it
    asks to renew; their holders are told after commit."""
    certificates_recertification_mark(campaign=campaign)


def on_recertification_closed(sender, *, campaign, **kwargs):
    certificates_recertification_clear(campaign=campaign)
