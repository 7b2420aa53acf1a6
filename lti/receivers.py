from elearning.infrastructure.queueing import send_now

from .services import passbacks_request
from .tasks import send_score


def on_course_completed(sender, *, learner_id, course_key, completed_at, run=1, **kwargs):
    """A run was completed (after commit): when the learner launched the course from a platform
    that gave us a line item, queue its score (the task outbox keeps it if the broker is down)."""
    for passback_id in passbacks_request(
        learner_id=learner_id, course_key=course_key, run=run, completed_at=completed_at
    ):
        send_now(send_score, [passback_id])
