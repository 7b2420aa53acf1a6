"""Writes for retention checks: inviting (claim, draw, e-mail), grading once, erasure."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from courses.models import Enrollment
from elearning.infrastructure.queueing import send_now
from quizzes.models import Attempt, QuestionKind
from quizzes.selectors import live_quiz, pool_draw, questions_by_key
from quizzes.services import QuizError, item_credits

from .models import OPEN_DAYS, CheckAge, RetentionCheck, RetentionResponse, new_token
from .selectors import RetentionPool, retention_pools

_random = random.SystemRandom()

ALREADY_SUBMITTED = gettext_lazy("This retention check has already been submitted.")
EXPIRED = gettext_lazy(
    "This retention check has closed: it was open for a limited time after it was sent."
)


def moment_of(today: date) -> datetime:
    """The moment the daily run happens on `today` (beat's 09:15, local time): what
    `send_retention_checks --today` moves time forward to."""
    return timezone.make_aware(datetime.combine(today, time(9, 15)))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def runs_due(*, age: int, now: datetime, course_keys):
    """Completed runs whose `age`-day check falls due by today and is still open, not yet
    claimed, of learners who can still be written to. By calendar day (a run completed on day
    C is due from day C + age, whatever the hour the daily run happens) until the check's
    window closes (C + age + OPEN_DAYS), so a late first run never sends a stale check."""
    today = timezone.localdate(now)
    return Enrollment.objects.filter(
        completed_at__lt=_start_of(today - timedelta(days=age - 1)),
        completed_at__gte=_start_of(today - timedelta(days=age + OPEN_DAYS[age] - 1)),
        course_key__in=course_keys,
        learner__is_active=True,
        learner__erased_at__isnull=True,
    ).exclude(Exists(RetentionCheck.objects.filter(enrollment=OuterRef("pk"), age_days=age)))


def check_draw(*, enrollment: Enrollment, pool: RetentionPool) -> tuple[list, dict]:
    """The check's questions and their choices' order: per objective, one or two of the
    pre-test pool's questions, preferring those the learner did not see in the run's post-test
    (parallel items where the pool has them: quizzes.selectors.pool_draw)."""
    page_id = pool.pre_tests.get("ro") or next(iter(pool.pre_tests.values()))
    questions = list(questions_by_key(live_quiz(page_id=page_id)).values())
    post_test_keys = Attempt.objects.filter(
        learner_id=enrollment.learner_id,
        course_key=enrollment.course_key,
        run=enrollment.run,
        pool_key=pool.pool_key,
    ).exclude(quiz_key=pool.pool_key)
    seen = frozenset(
        key for keys in post_test_keys.values_list("question_keys", flat=True) for key in keys
    )
    drawn = pool_draw(questions, per_objective=pool.questions_per_objective, avoid=seen)
    drawn = _random.sample(drawn, len(drawn))
    choice_order = {}
    for question in drawn:
        keys = [str(c.key) for c in question.choices.all()]
        if question.kind != QuestionKind.TRUE_FALSE:
            _random.shuffle(keys)
        choice_order[str(question.key)] = keys
    return [str(q.key) for q in drawn], choice_order


def check_claim(*, enrollment: Enrollment, age: int, pool: RetentionPool, now: datetime):
    """Create the run's `age`-day check, or None when it exists already: the unique constraint
    (one check per run and age) makes one of any number of concurrent runs the sender."""
    question_keys, choice_order = check_draw(enrollment=enrollment, pool=pool)
    if not question_keys:
        return None
    due = enrollment.completed_at + timedelta(days=age)
    try:
        with transaction.atomic():
            return RetentionCheck.objects.create(
                enrollment=enrollment,
                learner_id=enrollment.learner_id,
                course_key=enrollment.course_key,
                age_days=age,
                pool_key=pool.pool_key,
                invited_at=now,
                expires_at=due + timedelta(days=OPEN_DAYS[age]),
                question_keys=question_keys,
                choice_order=choice_order,
                pass_mark=pool.pass_mark,
            )
    except IntegrityError:
        return None


def retention_invitations_send(*, now: datetime | None = None) -> int:
    """Invite each learner to the 30-day and 180-day checks of the runs they completed, in
    courses with an objective-tagged pool: each check claimed before its e-mail is queued, so
    a second run (or two at once) sends nothing again. Returns how many were sent."""
    from .tasks import send_retention_invitation_email

    now = now or timezone.now()
    pools = retention_pools()
    if not pools:
        return 0
    sent = 0
    for age in CheckAge.values:
        runs = runs_due(age=age, now=now, course_keys=list(pools)).only(
            "pk", "learner_id", "course_key", "run", "completed_at"
        )
        for enrollment in runs.iterator(chunk_size=500):
            check = check_claim(
                enrollment=enrollment, age=age, pool=pools[enrollment.course_key], now=now
            )
            if check is not None:
                send_now(send_retention_invitation_email, [check.pk])
                sent += 1
    return sent


def check_submit(*, check: RetentionCheck, answers: dict, questions: dict) -> RetentionCheck:
    """Grade a check from its stored draw, exactly once (a conditional UPDATE: a second or
    concurrent submission gets a 409 and changes nothing), and keep each answer's credit with
    its objective. `answers` were read by quizzes.forms.parse_submission against the check."""
    now = timezone.now()
    if now > check.expires_at:
        raise QuizError(str(EXPIRED), status=410)
    credits = item_credits(questions, check, answers)
    total = sum(credits.values(), Decimal(0))
    score = (100 * total / len(check.question_keys)).quantize(Decimal("0.01"))
    passed = score >= check.pass_mark
    with transaction.atomic():
        won = RetentionCheck.objects.filter(
            pk=check.pk, submitted_at__isnull=True, expires_at__gte=now
        ).update(submitted_at=now, answers=answers, score=score, passed=passed)
        if not won:
            raise QuizError(str(ALREADY_SUBMITTED), status=409)
        RetentionResponse.objects.bulk_create(
            RetentionResponse(
                retention_check_id=check.pk,
                learner_id=check.learner_id,
                course_key=check.course_key,
                question_key=key,
                objective_key=questions[key].objective_key,
                credit=credit.quantize(Decimal("0.0001")),
            )
            for key, credit in credits.items()
        )
    check.submitted_at, check.answers, check.score, check.passed = now, answers, score, passed
    return check


def learner_retention_erase(learner) -> None:
    """Account erasure: checks never taken go (nothing to count, and their links die with
    them); taken ones keep their score and per-item credit, which the aggregates count, but
    lose the choices picked and their link."""
    RetentionCheck.objects.filter(learner=learner, submitted_at__isnull=True).delete()
    for check in RetentionCheck.objects.filter(learner=learner).only("pk"):
        RetentionCheck.objects.filter(pk=check.pk).update(answers={}, token=new_token())
