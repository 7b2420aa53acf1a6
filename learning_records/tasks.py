from celery import shared_task


@shared_task
def send_learning_records() -> int:
    """Send the statements waiting in the outbox to the LRS: a few seconds after statements
    are queued (services.statements_send_soon) and, as the safety net, by beat every minute.
    Claimed in batches, so two of these running at once send each statement once."""
    from .services import statements_send

    return statements_send().sent
