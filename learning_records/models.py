"""The outbox of xAPI statements and the learners' pseudonyms in them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LearnerPseudonym(models.Model):
    """The name a learner's statements carry (the actor's account name): random, so the LRS
    can link a learner's statements together but nobody can link them back to the person
    without our database. Neither the e-mail address (personal data, and it changes) nor the
    primary key (guessable, and it counts our accounts). Deleted when the account is erased:
    what the LRS keeps then points at nobody."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_pseudonym"
    )
    pseudonym = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("learner pseudonym")
        verbose_name_plural = _("learner pseudonyms")

    def __str__(self):
        return str(self.pseudonym)


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")


class Statement(models.Model):
    """One xAPI statement, written in the transaction of the event it records and sent to the
    LRS later (learning_records.services.statements_send). The primary key is the statement's
    own id, derived from the event (uuid5): recording or backfilling an event twice writes one
    row, and the LRS, asked twice, keeps one statement."""

    id = models.UUIDField(primary_key=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    verb = models.CharField(_("verb"), max_length=32)
    occurred_at = models.DateTimeField(_("occurred"))
    payload = models.JSONField()
    status = models.CharField(
        _("status"), max_length=16, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Not before this time: a failed send backs off (services.RETRY_BACKOFF).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Who is sending it, until when: a batch is claimed by a conditional UPDATE, so two
    # workers never send the same statements, and a worker that dies frees them at this time.
    claim = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When the LRS last refused or missed it: the outbox page says when its error happened.
    last_failed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Where it went (the learner's data file says so); the endpoint, never the credentials.
    sent_to = models.CharField(_("sent to"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("learning record")
        verbose_name_plural = _("learning records")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="statement_pending_due",
            ),
            models.Index(fields=["learner", "status"], name="statement_learner_status"),
        ]

    def __str__(self):
        return f"{self.verb} · {self.id}"
