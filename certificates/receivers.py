from .services import certificate_request
from .tasks import issue_certificate


def on_course_completed(sender, *, learner_id, course_key, completed_at, **kwargs):
    """A course was completed (the transaction has committed): issue its certificate."""
    certificate = certificate_request(
        learner_id=learner_id, course_key=course_key, completed_at=completed_at
    )
    if certificate is not None and certificate.status != "ready":
        issue_certificate.delay(str(certificate.pk))
