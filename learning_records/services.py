"""Writes: statements into the outbox (live events and the backfill), sending them to the LRS,
and a learner's erasure."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from elearning.infrastructure.queueing import enqueue_once_on_commit

from . import lrs, statements
from .models import LearnerPseudonym, Statement, StatementStatus
from .selectors import ActivityNames, lrs_configured, sharing_learner_ids

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# A claimed batch is the claimer's for this long; a worker killed mid-send frees it then.
CLAIM_SECONDS = 120
# After the n-th failed send, wait min(2**n minutes, a day): an LRS down for a night is
# asked a dozen times, not a thousand, and gets everything once it is back.
MAX_BACKOFF = timedelta(days=1)


def pseudonyms_for(learner_ids) -> dict[int, uuid.UUID]:
    """Each learner's pseudonym, created on first use. Two queries (three the first time)."""
    learner_ids = set(learner_ids)
    found = dict(
        LearnerPseudonym.objects.filter(learner_id__in=learner_ids).values_list(
            "learner_id", "pseudonym"
        )
    )
    missing = learner_ids - set(found)
    if missing:
        LearnerPseudonym.objects.bulk_create(
            [LearnerPseudonym(learner_id=pk) for pk in missing], ignore_conflicts=True
        )
        found.update(
            LearnerPseudonym.objects.filter(learner_id__in=missing).values_list(
                "learner_id", "pseudonym"
            )
        )
    return found


def statements_queue(built: list[statements.Built]) -> int:
    """Write the statements into the outbox, in the caller's transaction; those already
    there (same event, same id) are left alone. Returns how many were new."""
    if not built:
        return 0
    ids = [b.id for b in built]
    existing = set(Statement.objects.filter(pk__in=ids).values_list("pk", flat=True))
    new = [b for b in {b.id: b for b in built}.values() if b.id not in existing]
    Statement.objects.bulk_create(
        [
            Statement(
                id=b.id,
                learner_id=b.learner_id,
                verb=b.verb,
                occurred_at=b.occurred_at,
                payload=b.payload,
            )
            for b in new
        ],
        ignore_conflicts=True,  # a concurrent writer of the same event
    )
    if new:
        statements_send_soon()
    return len(new)


def statements_send_soon() -> None:
    """Ask for a send a few seconds (settings.XAPI_SEND_DELAY_SECONDS) after the transaction
    commits, so a learner's statements reach the LRS in seconds rather than at the next beat.
    One send per burst: the quiz's answers, the transactions of a backfill and everyone's
    events in those seconds share it. Nothing when no LRS is configured or sending is left to
    beat (None); the beat task stays the safety net (a lost run, a broker down)."""
    delay = settings.XAPI_SEND_DELAY_SECONDS
    if delay is None or not lrs_configured():
        return
    from .tasks import send_learning_records

    # Whole seconds, at least one: the flag that debounces the burst lives that long.
    enqueue_once_on_commit(
        send_learning_records, key="learning_records.send", countdown=max(1, int(delay))
    )


def _sharing_pseudonym(learner_id: int):
    """The learner's pseudonym when their statements are to be recorded, else None."""
    if not lrs_configured() or not sharing_learner_ids([learner_id]):
        return None
    return pseudonyms_for([learner_id])[learner_id]


# Live events (called by receivers) ----------------------------------------------------------


def record_registered(*, learner) -> int:
    pseudonym = _sharing_pseudonym(learner.pk)
    if pseudonym is None:
        return 0
    return statements_queue(
        [
            statements.registered(
                learner_id=learner.pk, pseudonym=pseudonym, joined_at=learner.date_joined
            )
        ]
    )


def record_step_visited(*, learner_id, course_key, step, visited_at) -> int:
    pseudonym = _sharing_pseudonym(learner_id)
    if pseudonym is None:
        return 0
    names = ActivityNames()
    pages = names.pages([course_key, step.translation_key])
    kind, step_names = pages[step.translation_key]
    return statements_queue(
        [
            statements.step_visited(
                learner_id=learner_id,
                pseudonym=pseudonym,
                course_key=course_key,
                course_names=pages[course_key][1],
                step_key=step.translation_key,
                step_kind=kind,
                step_names=step_names,
                visited_at=visited_at,
            )
        ]
    )


def record_step_completed(*, learner_id, course_key, step, run) -> int:
    from courses.models import StepCompletion

    pseudonym = _sharing_pseudonym(learner_id)
    if pseudonym is None:
        return 0
    # The stored time, so the backfill builds the very same statement.
    completed_at = (
        StepCompletion.objects.filter(learner_id=learner_id, step_key=step.translation_key, run=run)
        .values_list("completed_at", flat=True)
        .first()
    ) or timezone.now()
    pages = ActivityNames().pages([course_key, step.translation_key])
    kind, step_names = pages[step.translation_key]
    return statements_queue(
        [
            statements.step_completed(
                learner_id=learner_id,
                pseudonym=pseudonym,
                course_key=course_key,
                course_names=pages[course_key][1],
                step_key=step.translation_key,
                step_kind=kind,
                step_names=step_names,
                run=run,
                completed_at=completed_at,
            )
        ]
    )


def record_attempt_submitted(*, attempt) -> int:
    """An answered statement per question of the graded attempt, then passed or failed."""
    pseudonym = _sharing_pseudonym(attempt.learner_id)
    if pseudonym is None:
        return 0
    return statements_queue(
        _attempt_statements(attempt, {attempt.learner_id: pseudonym}, ActivityNames())
    )


def _attempt_statements(attempt, pseudonyms, names: ActivityNames, responses=None) -> list:
    from quizzes.models import ItemResponse

    if responses is None:
        responses = list(
            ItemResponse.objects.filter(attempt=attempt).values_list(
                "question_key", "credit", "selected"
            )
        )
    pages = names.pages([attempt.course_key, attempt.quiz_key])
    course_names, quiz_names = pages[attempt.course_key][1], pages[attempt.quiz_key][1]
    questions = names.questions([key for key, _credit, _selected in responses])
    common = {
        "learner_id": attempt.learner_id,
        "pseudonym": pseudonyms[attempt.learner_id],
        "course_key": attempt.course_key,
        "course_names": course_names,
        "quiz_key": attempt.quiz_key,
        "quiz_names": quiz_names,
        "run": attempt.run,
        "attempt_number": attempt.number,
        "submitted_at": attempt.submitted_at,
    }
    built = [
        statements.answered(
            **common,
            question_key=key,
            question_names=questions[key],
            credit=credit,
            selected=selected,
        )
        for key, credit, selected in responses
    ]
    built.append(statements.assessed(**common, score=attempt.score, passed=bool(attempt.passed)))
    return built


def record_course_completed(*, learner_id, course_key, completed_at, run) -> int:
    pseudonym = _sharing_pseudonym(learner_id)
    if pseudonym is None:
        return 0
    return statements_queue(
        [
            statements.course_completed(
                learner_id=learner_id,
                pseudonym=pseudonym,
                course_key=course_key,
                course_names=ActivityNames().page(course_key)[1],
                run=run,
                completed_at=completed_at,
            )
        ]
    )


def _is_renewal(certificate) -> bool:
    # certificates.services.certificate_request carries the first certification date over
    # from the certificate a later run renews.
    return bool(
        certificate.first_certified_at
        and certificate.first_certified_at != certificate.completed_at
    )


def record_certificate_earned(*, certificate) -> int:
    pseudonym = _sharing_pseudonym(certificate.learner_id)
    if pseudonym is None:
        return 0
    return statements_queue(
        [
            statements.certificate_earned(
                learner_id=certificate.learner_id,
                pseudonym=pseudonym,
                course_key=certificate.course_key,
                course_names=ActivityNames().page(certificate.course_key)[1],
                run=certificate.run,
                renewal=_is_renewal(certificate),
                issued_at=certificate.issued_at,
            )
        ]
    )


def record_certificate_revoked(*, certificate) -> int:
    """A revoked certificate's "earned" statement voided (sent after it, if both wait)."""
    pseudonym = _sharing_pseudonym(certificate.learner_id)
    if pseudonym is None or certificate.revoked_at is None:
        return 0
    return statements_queue(
        [
            statements.certificate_revoked(
                learner_id=certificate.learner_id,
                pseudonym=pseudonym,
                course_key=certificate.course_key,
                run=certificate.run,
                revoked_at=certificate.revoked_at,
            )
        ]
    )


# The backfill --------------------------------------------------------------------------------


@dataclass
class BackfillResult:
    built: int = 0
    queued: int = 0
    by_verb: dict = field(default_factory=dict)


def statements_backfill(*, start: datetime, end: datetime, chunk: int = 2000) -> BackfillResult:
    """Build the statements of what happened in [start, end) from the database and queue those
    the outbox does not hold yet: registrations, visits (an enrolment's last one: earlier
    visits are not kept), completed steps (not those carried over into a renewal), graded
    attempts with their answers, completed runs and certificates. Only learners who share
    (their institution opted in, their account not erased). Idempotent: the ids are the
    live ones, so running it twice, or after the live receivers, queues nothing new."""
    from certificates.models import Certificate
    from courses.models import Enrollment, StepCompletion
    from quizzes.models import Attempt, AttemptStatus, ItemResponse

    result = BackfillResult()
    names = ActivityNames()
    sharing = Q(learner__institution__share_learning_records=True, learner__erased_at__isnull=True)
    pending: list[statements.Built] = []

    def flush():
        if pending:
            result.built += len(pending)
            for b in pending:
                result.by_verb[b.verb] = result.by_verb.get(b.verb, 0) + 1
            with transaction.atomic():
                result.queued += statements_queue(pending)
            pending.clear()

    def learners(rows, attribute="learner_id"):
        return pseudonyms_for({getattr(row, attribute) for row in rows})

    def chunks(queryset):
        batch = []
        for row in queryset.iterator(chunk_size=chunk):
            batch.append(row)
            if len(batch) == chunk:
                yield batch
                batch = []
        if batch:
            yield batch

    from accounts.models import User

    users = User.objects.filter(
        date_joined__gte=start,
        date_joined__lt=end,
        institution__share_learning_records=True,
        erased_at__isnull=True,
    ).only("pk", "date_joined")
    for rows in chunks(users):
        pseudonyms = learners(rows, "pk")
        pending.extend(
            statements.registered(
                learner_id=u.pk, pseudonym=pseudonyms[u.pk], joined_at=u.date_joined
            )
            for u in rows
        )
        flush()

    visits = Enrollment.objects.filter(
        sharing, last_visited_at__gte=start, last_visited_at__lt=end, last_step_key__isnull=False
    ).only("learner_id", "course_key", "last_step_key", "last_visited_at")
    for rows in chunks(visits):
        pseudonyms = learners(rows)
        pages = names.pages({r.course_key for r in rows} | {r.last_step_key for r in rows})
        for r in rows:
            kind, step_names = pages[r.last_step_key]
            pending.append(
                statements.step_visited(
                    learner_id=r.learner_id,
                    pseudonym=pseudonyms[r.learner_id],
                    course_key=r.course_key,
                    course_names=pages[r.course_key][1],
                    step_key=r.last_step_key,
                    step_kind=kind,
                    step_names=step_names,
                    visited_at=r.last_visited_at,
                )
            )
        flush()

    steps = StepCompletion.objects.filter(
        sharing, completed_at__gte=start, completed_at__lt=end, carried_over=False
    )
    for rows in chunks(steps):
        pseudonyms = learners(rows)
        pages = names.pages({r.course_key for r in rows} | {r.step_key for r in rows})
        for r in rows:
            kind, step_names = pages[r.step_key]
            pending.append(
                statements.step_completed(
                    learner_id=r.learner_id,
                    pseudonym=pseudonyms[r.learner_id],
                    course_key=r.course_key,
                    course_names=pages[r.course_key][1],
                    step_key=r.step_key,
                    step_kind=kind,
                    step_names=step_names,
                    run=r.run,
                    completed_at=r.completed_at,
                )
            )
        flush()

    attempts = Attempt.objects.filter(
        sharing,
        status=AttemptStatus.SUBMITTED,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).defer("answers", "choice_order", "question_keys")
    for rows in chunks(attempts):
        pseudonyms = learners(rows)
        responses: dict = {}
        for attempt_id, key, credit, selected in ItemResponse.objects.filter(
            attempt__in=rows
        ).values_list("attempt_id", "question_key", "credit", "selected"):
            responses.setdefault(attempt_id, []).append((key, credit, selected))
        for attempt in rows:
            pending.extend(
                _attempt_statements(attempt, pseudonyms, names, responses.get(attempt.pk, []))
            )
        flush()

    completed = Enrollment.objects.filter(
        sharing, completed_at__gte=start, completed_at__lt=end
    ).only("learner_id", "course_key", "run", "completed_at")
    for rows in chunks(completed):
        pseudonyms = learners(rows)
        pages = names.pages({r.course_key for r in rows})
        pending.extend(
            statements.course_completed(
                learner_id=r.learner_id,
                pseudonym=pseudonyms[r.learner_id],
                course_key=r.course_key,
                course_names=pages[r.course_key][1],
                run=r.run,
                completed_at=r.completed_at,
            )
            for r in rows
        )
        flush()

    certificates = Certificate.objects.filter(
        sharing, issued_at__gte=start, issued_at__lt=end
    ).only("learner_id", "course_key", "run", "issued_at", "first_certified_at", "completed_at")
    for rows in chunks(certificates):
        pseudonyms = learners(rows)
        pages = names.pages({r.course_key for r in rows})
        pending.extend(
            statements.certificate_earned(
                learner_id=r.learner_id,
                pseudonym=pseudonyms[r.learner_id],
                course_key=r.course_key,
                course_names=pages[r.course_key][1],
                run=r.run,
                renewal=_is_renewal(r),
                issued_at=r.issued_at,
            )
            for r in rows
        )
        flush()

    revoked = Certificate.objects.filter(sharing, revoked_at__gte=start, revoked_at__lt=end).only(
        "learner_id", "course_key", "run", "revoked_at"
    )
    for rows in chunks(revoked):
        pseudonyms = learners(rows)
        pending.extend(
            statements.certificate_revoked(
                learner_id=r.learner_id,
                pseudonym=pseudonyms[r.learner_id],
                course_key=r.course_key,
                run=r.run,
                revoked_at=r.revoked_at,
            )
            for r in rows
        )
        flush()
    return result


# Sending ------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 11)), MAX_BACKOFF)


def statements_claim(*, now: datetime, limit: int = BATCH_SIZE) -> list[Statement]:
    """Claim up to `limit` pending statements that are due: a conditional UPDATE takes only
    those nobody holds (or whose holder's claim ran out), so concurrent senders never send the
    same statement. On PostgreSQL the candidates are read with SKIP LOCKED, so a second sender
    takes the next rows instead of waiting for the first's."""
    token = uuid.uuid4()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    due = Statement.objects.filter(free, status=StatementStatus.PENDING, next_attempt_at__lte=now)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        candidates = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        Statement.objects.filter(free, pk__in=candidates, status=StatementStatus.PENDING).update(
            claim=token, claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
        )
    return list(Statement.objects.filter(claim=token).order_by("occurred_at"))


def _mark_sent(ids, now) -> None:
    Statement.objects.filter(pk__in=ids).update(
        status=StatementStatus.SENT,
        sent_at=now,
        sent_to=lrs.statements_url(),
        claim=None,
        claimed_until=None,
        last_error="",
    )


def _mark_failed(rows, now, error: str) -> None:
    for row in rows:
        Statement.objects.filter(pk=row.pk).update(
            attempts=row.attempts + 1,
            next_attempt_at=now + _backoff(row.attempts + 1),
            claim=None,
            claimed_until=None,
            last_error=error[:1000],
            last_failed_at=now,
        )


def _accepted(status: int) -> bool:
    # 200: stored; 204: Ralph's answer when every id was already there; 409: the LRS holds a
    # statement with this id (xAPI forbids changing one): as good as sent.
    return status in (200, 204, 409)


def statements_send_batch(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> SendResult:
    """Send one claimed batch. A batch the LRS refuses as a whole (409: one id it holds with
    other content rejects all; 400: one statement it cannot take) is sent again one statement
    at a time, so one bad statement neither blocks nor loses the others."""
    now = now or timezone.now()
    result = SendResult()
    rows = statements_claim(now=now, limit=limit)
    if not rows:
        return result
    answer = lrs.statements_post([row.payload for row in rows])
    if answer.status in (200, 204):
        _mark_sent([row.pk for row in rows], now)
        result.sent = len(rows)
        return result
    if answer.status == 0 or answer.status >= 500 or answer.status in (401, 403, 429):
        # The LRS is down, overloaded or refuses us: everything waits and is asked again.
        logger.warning("LRS unavailable (%s): %s", answer.status, answer.body[:200])
        _mark_failed(rows, now, f"{answer.status} {answer.body}")
        result.failed = len(rows)
        return result
    for row in rows:
        single = answer if len(rows) == 1 else lrs.statements_post([row.payload])
        if _accepted(single.status):
            _mark_sent([row.pk], now)
            result.sent += 1
        else:
            _mark_failed([row], now, f"{single.status} {single.body}")
            result.failed += 1
    return result


def statements_send(*, max_batches: int = 50) -> SendResult:
    """Send what is due, batch after batch, until none is left or the LRS fails."""
    total = SendResult()
    if not lrs_configured():
        return total
    for _batch in range(max_batches):
        result = statements_send_batch()
        total.sent += result.sent
        total.failed += result.failed
        if not result.sent:
            break
    return total


def statements_retry_failed(*, now: datetime | None = None) -> int:
    """An administrator's "Retry now": every statement that failed and waits out its backoff
    is due at once, and a send is asked for. The attempts are kept, so one that fails again
    backs off from where it was. Returns how many were made due."""
    now = now or timezone.now()
    due = Statement.objects.filter(
        status=StatementStatus.PENDING, attempts__gt=0, next_attempt_at__gt=now
    ).update(next_attempt_at=now)
    if due:
        statements_send_soon()
    return due


def learner_learning_records_erase(user) -> None:
    """Account erasure: nothing more is sent about the learner (their statements waiting in
    the outbox are deleted) and their pseudonym goes, so what the LRS already holds points at
    nobody. The record of what was sent goes too: it named the pseudonym."""
    Statement.objects.filter(learner=user).delete()
    LearnerPseudonym.objects.filter(learner=user).delete()
