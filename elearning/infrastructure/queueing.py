"""Queue a Celery task after the transaction commits, without ever failing the request.

When the broker cannot take the task (Redis stopped, network cut), the learner's action is
already saved; failing their request with a 500 would tell them it was not. Instead the task is
written to the `PendingTask` outbox in the database, and the beat task
`elearning.tasks.send_pending_tasks` hands it to the broker when it answers again.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a broker that is down raises when publishing (kombu wraps redis' ConnectionError).
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)

# After a failure, requests of this process put their tasks straight into the outbox for this
# long instead of trying the broker again: each try costs its connection attempts (about half a
# second, or the connect timeout for a broker host that does not answer at all). Beat sends the
# outbox once the broker is back, so a task waits no longer than it would have anyway.
BROKER_PAUSE = 10.0
_broker_down_until = 0.0


def send_now(task, args=(), kwargs=None) -> bool:
    """Hand the task to the broker; on failure keep it in the outbox. True if it was sent."""
    global _broker_down_until
    kwargs = kwargs or {}
    if time.monotonic() < _broker_down_until:
        _keep(task, args, kwargs, "broker unavailable (not tried again yet)")
        return False
    try:
        task.apply_async(args=list(args), kwargs=kwargs, retry=False)
        return True
    except BROKER_ERRORS as error:
        _broker_down_until = time.monotonic() + BROKER_PAUSE
        logger.warning("broker unavailable, %s kept for later: %s", task.name, error)
        _keep(task, args, kwargs, str(error))
        return False


def _keep(task, args, kwargs, error: str) -> None:
    from ..models import PendingTask

    PendingTask.objects.create(
        task=task.name, args=list(args), kwargs=kwargs, last_error=error[:1000]
    )


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once if none)."""
    transaction.on_commit(lambda: send_now(task, args, kwargs))


def enqueue_once_on_commit(task, *, key: str, countdown: int) -> None:
    """Run `task` (no arguments) `countdown` seconds after the transaction commits, unless a run
    asked for under `key` has not started yet: a burst of commits asks for one run.

    For work a beat task does anyway, only sooner: when the broker cannot take it, the run is
    dropped (not kept in the outbox) and the beat task does it on its next round."""
    transaction.on_commit(lambda: _enqueue_once(task, key, countdown))


def _enqueue_once(task, key: str, countdown: int) -> bool:
    global _broker_down_until
    # A flag, not a cached value: the first caller in the window adds it (cache.add is atomic
    # on Redis, shared by every process) and queues the run. It lives exactly `countdown`
    # seconds, while the run's ETA is `countdown` seconds after it was added: whatever commits
    # while it is set commits before the run starts, so the run sends it too; whatever commits
    # after it expired asks for a run of its own. A cache that is down adds nothing (False):
    # nothing is asked for, and beat does the work.
    if not cache.add(f"queueing:once:{key}", 1, timeout=countdown):
        return False
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(countdown=countdown, retry=False)
        return True
    except BROKER_ERRORS as error:
        _broker_down_until = time.monotonic() + BROKER_PAUSE
        logger.warning("broker unavailable, %s left to beat: %s", task.name, error)
        return False


def pending_tasks_send(*, limit: int = 500) -> int:
    """Queue what the outbox holds, oldest first; stop at the first broker failure."""
    from celery import current_app

    from ..models import PendingTask

    sent = 0
    for pending in PendingTask.objects.all()[:limit]:
        task = current_app.tasks.get(pending.task)
        if task is None:
            logger.error("unknown task %s in the outbox, dropped", pending.task)
            pending.delete()
            continue
        try:
            task.apply_async(args=pending.args, kwargs=pending.kwargs, retry=False)
        except BROKER_ERRORS as error:
            PendingTask.objects.filter(pk=pending.pk).update(
                attempts=pending.attempts + 1, last_error=str(error)[:1000]
            )
            break
        pending.delete()
        sent += 1
    return sent
