"""The platform's background work: the outbox of tasks kept while the broker was down."""

from celery import shared_task


@shared_task
def send_pending_tasks() -> int:
    """Queue the tasks kept while the broker was down (see elearning.infrastructure.queueing)."""
    from .infrastructure.queueing import pending_tasks_send

    return pending_tasks_send()
