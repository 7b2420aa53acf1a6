from .services import invitations_create


def on_course_completed(sender, *, learner_id, course_key, completed_at, run=1, **kwargs):
    """A run was completed (the transaction has committed): invite the learner to the
    end-of-course survey now and to the follow-up in 90 days."""
    invitations_create(
        learner_id=learner_id, course_key=course_key, run=run, completed_at=completed_at
    )
