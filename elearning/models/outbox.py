"""Tasks that could not be queued because the broker was down, kept until it answers again."""

from django.db import models
from django.utils import timezone


class PendingTask(models.Model):
    """A Celery task the web process could not hand to the broker (Redis down, say).

    The learner's action has already been saved; only the follow-up (an e-mail, a certificate,
    an export) waits here, and `elearning.tasks.send_pending_tasks` queues it once the broker is
    back. Nothing is lost and nobody sees an error for it."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.task
