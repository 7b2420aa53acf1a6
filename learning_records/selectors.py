"""Reads: who shares, the names of activities in both languages, what a learner's data file
says about the statements sent about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from accounts.models import User

from . import lrs
from .models import Statement, StatementStatus
from .statements import STEP_KINDS, language_map

# What the learner's data file and the account deletion page say about the LRS.
LRS_NOTE = _(
    "When your institution shares learning records, the platform sends what you do in "
    "courses (lessons, answers, quiz results, completions, certificates) to the programme's "
    "learning record store, under a pseudonym: never your name or e-mail address. The "
    "learning record store keeps the statements already sent; deleting your account stops "
    "any further sending and removes the link between the pseudonym and you."
)


def lrs_configured() -> bool:
    """The global switch: nothing is recorded or sent unless an LRS endpoint is configured."""
    return bool(settings.XAPI_LRS_ENDPOINT)


def sharing_learner_ids(learner_ids) -> set[int]:
    """Of these learners, those whose institution shares learning records (its opt-in), with
    an account not erased. One query."""
    return set(
        User.objects.filter(
            pk__in=list(learner_ids),
            institution__share_learning_records=True,
            erased_at__isnull=True,
        ).values_list("pk", flat=True)
    )


class ActivityNames:
    """Names of courses, steps and questions by translation key, as language maps, read once
    per key (a backfill of thousands of events asks for the same few courses)."""

    def __init__(self):
        self._pages: dict = {}
        self._questions: dict = {}

    def pages(self, keys) -> dict:
        """{translation_key: (kind, language map)}; kind is the step's kind ("lesson", …)."""
        missing = {key for key in keys if key not in self._pages}
        if missing:
            found: dict = {}
            rows = Page.objects.filter(translation_key__in=missing).values_list(
                "translation_key", "locale__language_code", "title", "content_type__model"
            )
            for key, language, title, model in rows:
                kind, names = found.setdefault(key, [STEP_KINDS.get(model, "lesson"), {}])
                names[language] = title
            for key in missing:
                kind, names = found.get(key, ("lesson", {}))
                self._pages[key] = (kind, language_map(names))
        return {key: self._pages[key] for key in keys}

    def page(self, key) -> tuple[str, dict]:
        return self.pages([key])[key]

    def questions(self, keys) -> dict:
        from quizzes.models import Question

        missing = {key for key in keys if key not in self._questions}
        if missing:
            found: dict = {}
            for key, language, text in Question.objects.filter(key__in=missing).values_list(
                "key", "page__locale__language_code", "text"
            ):
                found.setdefault(key, {})[language] = text[:200]
            for key in missing:
                self._questions[key] = language_map(found.get(key, {}))
        return {key: self._questions[key] for key in keys}


def learner_learning_records_data(user) -> dict:
    """For the learner's data file: which statements about them went to which LRS (count per
    verb and the dates of the first and last), how many wait to be sent, and what an LRS keeps."""
    sent = (
        Statement.objects.filter(learner=user, status=StatementStatus.SENT)
        .values("sent_to", "verb")
        .annotate(count=Count("pk"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("sent_to", "verb")
    )
    return {
        "sent": [
            {
                "learning_record_store": row["sent_to"],
                "verb": row["verb"],
                "count": row["count"],
                "from": row["first"].isoformat(),
                "to": row["last"].isoformat(),
            }
            for row in sent
        ],
        "waiting_to_be_sent": Statement.objects.filter(
            learner=user, status=StatementStatus.PENDING
        ).count(),
        "note": str(LRS_NOTE),
    }


# The outbox, for administrators ------------------------------------------------------------

_WAITING = Q(status=StatementStatus.PENDING)
_FAILED = Q(status=StatementStatus.PENDING, attempts__gt=0)


@dataclass(frozen=True)
class OutboxSummary:
    configured: bool
    endpoint: str  # without credentials (lrs.endpoint_for_display)
    pending: int  # waiting, never refused
    failed: int  # refused or missed at least once, waiting for their next attempt
    sent: int
    oldest_pending_at: datetime | None  # queued first, of everything waiting
    last_sent_at: datetime | None
    last_error: str  # of the statements still waiting
    last_error_at: datetime | None


def outbox_summary() -> OutboxSummary:
    """What the outbox holds and how sending goes. Two queries, whatever its size."""
    totals = Statement.objects.aggregate(
        pending=Count("pk", filter=_WAITING & Q(attempts=0)),
        failed=Count("pk", filter=_FAILED),
        sent=Count("pk", filter=Q(status=StatementStatus.SENT)),
        oldest_pending_at=Min("created_at", filter=_WAITING),
        last_sent_at=Max("sent_at"),
    )
    last_error = (
        Statement.objects.filter(_FAILED, last_failed_at__isnull=False)
        .order_by("-last_failed_at")
        .values("last_error", "last_failed_at")
        .first()
    ) or {"last_error": "", "last_failed_at": None}
    return OutboxSummary(
        configured=lrs_configured(),
        endpoint=lrs.endpoint_for_display() if lrs_configured() else "",
        last_error=last_error["last_error"],
        last_error_at=last_error["last_failed_at"],
        **totals,
    )


def statements_failed():
    """The statements waiting after a failure, the latest failure first, without their
    payload (nor anything naming a learner: the outbox page shows the verb and the error)."""
    return (
        Statement.objects.filter(_FAILED)
        # Rows that failed before last_failed_at was kept have none: after the others.
        .order_by(F("last_failed_at").desc(nulls_last=True), "-created_at", "pk")
        .only(
            "pk",
            "verb",
            "occurred_at",
            "attempts",
            "last_error",
            "last_failed_at",
            "next_attempt_at",
        )
    )
