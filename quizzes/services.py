"""Writes for quizzes: starting an attempt, submitting it (graded once), expiring it."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses import services as course_services
from courses.models import Enrollment
from courses.selectors import current_run_number

from .models import (
    Attempt,
    AttemptStatus,
    ItemResponse,
    MeasuredPair,
    QuestionKind,
    QuizKind,
    QuizPage,
)
from .selectors import (
    answered_right,
    pool_draw,
    question_source,
    quiz_answer_key,
    quiz_course_key,
    quiz_eligibility,
)
from .signals import attempt_submitted

_random = random.SystemRandom()


ALREADY_SUBMITTED = gettext_lazy("This attempt has already been submitted.")
SUBMITTED = gettext_lazy("Your answers have been submitted.")


class QuizError(Exception):
    """A request the rules refuse; `message` is translated and shown to the learner."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def attempt_expire_overdue(*, learner, quiz: QuizPage) -> None:
    """Close an attempt whose time limit has passed (it can no longer be submitted)."""
    Attempt.objects.filter(
        learner=learner,
        quiz_key=quiz.translation_key,
        status=AttemptStatus.IN_PROGRESS,
        deadline__lt=timezone.now(),
    ).update(status=AttemptStatus.EXPIRED)


def attempts_close_for_new_run(*, learner_id: int, course_key, **kwargs) -> None:
    """A new run of the course has started (courses.signals.run_started): attempts the
    earlier run left open expire with it, so the new run starts its own."""
    Attempt.objects.filter(
        learner_id=learner_id, course_key=course_key, status=AttemptStatus.IN_PROGRESS
    ).exclude(run=kwargs["run"]).update(status=AttemptStatus.EXPIRED)


def _in_progress(learner, quiz: QuizPage) -> Attempt | None:
    return Attempt.objects.filter(
        learner=learner, quiz_key=quiz.translation_key, status=AttemptStatus.IN_PROGRESS
    ).first()


def attempt_start(*, learner, quiz: QuizPage) -> Attempt:
    """Start an attempt, or return the one in progress.

    Draws and orders the questions and their choices now and stores them, so a reload or a
    language switch shows the same attempt. Attempt numbers are unique per learner and quiz,
    so concurrent starts cannot exceed the maximum.
    """
    attempt_expire_overdue(learner=learner, quiz=quiz)
    current = _in_progress(learner, quiz)
    if current is not None:
        return current
    eligibility = quiz_eligibility(learner=learner, quiz=quiz)
    if not eligibility.can_start:
        # A concurrent start may have just opened the attempt this one would be.
        current = _in_progress(learner, quiz)
        if current is not None:
            return current
        raise QuizError(eligibility.reason, status=403)

    course_key = quiz_course_key(quiz)
    run = current_run_number(learner=learner, course_key=course_key)
    questions, per_objective, avoid = _pool(learner=learner, quiz=quiz, course_key=course_key)
    if not questions:
        raise QuizError(_("This quiz has no questions yet."), status=409)
    drawn = questions
    if per_objective:
        drawn = pool_draw(questions, per_objective=per_objective, avoid=avoid)
        if quiz.shuffle_questions:
            drawn = _random.sample(drawn, len(drawn))
    elif quiz.draw_count and quiz.draw_count < len(questions):
        drawn = _random.sample(questions, quiz.draw_count)
        if not quiz.shuffle_questions:
            drawn.sort(key=lambda q: q.sort_order)
    elif quiz.shuffle_questions:
        drawn = _random.sample(questions, len(questions))
    choice_order = {}
    for question in drawn:
        keys = [str(c.key) for c in question.choices.all()]
        if quiz.shuffle_choices and question.kind != QuestionKind.TRUE_FALSE:
            _random.shuffle(keys)
        choice_order[str(question.key)] = keys

    now = timezone.now()
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                learner=learner,
                quiz_key=quiz.translation_key,
                course_key=course_key,
                run=run,
                number=eligibility.attempts_used + 1,
                page=quiz,
                started_at=now,
                deadline=deadline,
                question_keys=[str(q.key) for q in drawn],
                pool_key=_pool_key(quiz),
                choice_order=choice_order,
                answers_revealed=eligibility.answers_revealed,
            )
    except IntegrityError:
        # A concurrent request started one first: use it.
        current = _in_progress(learner, quiz)
        if current is None:
            raise QuizError(_("You have no attempts left for this quiz."), status=403) from None
        return current


def _pool(*, learner, quiz: QuizPage, course_key) -> tuple[list, int | None, frozenset]:
    """The questions an attempt draws from, how many per objective, and which to avoid.

    A matched post-test draws from the pre-test's questions, as many per objective as the
    pre-test does, avoiding those the learner saw in any pre-test attempt of this course
    (parallel items where the pool has enough, the same items where it does not)."""
    source = question_source(quiz)
    questions = list(source.questions.all().select_related("objective").prefetch_related("choices"))
    if not quiz.draws_from_pre_test or source.pk == quiz.pk:
        return questions, quiz.per_objective, frozenset()
    seen = Attempt.objects.filter(
        learner=learner, course_key=course_key, quiz_key=source.translation_key
    ).values_list("question_keys", flat=True)
    return questions, source.per_objective, frozenset(k for keys in seen for k in keys)


def _pool_key(quiz: QuizPage):
    """The pre-test whose questions the attempt draws from (see Attempt.pool_key), or None."""
    if quiz.kind == QuizKind.PRE_TEST:
        return quiz.translation_key
    source = question_source(quiz)
    return source.translation_key if source.pk != quiz.pk else None


def item_credits(questions: dict, attempt: Attempt, answers: dict[str, list[str]]) -> dict:
    """Each drawn question's credit, 0 to 1, by question key."""
    credits = {}
    for question_key in attempt.question_keys:
        question = questions[question_key]
        correct = {c.key for c in question.choices if c.is_correct}
        wrong = {c.key for c in question.choices if not c.is_correct}
        selected = set(answers.get(question_key, []))
        if question.kind == QuestionKind.MULTIPLE and question.partial_credit and correct:
            earned = Decimal(len(selected & correct)) / len(correct)
            if wrong:
                earned -= Decimal(len(selected & wrong)) / len(wrong)
            credits[question_key] = max(Decimal(0), earned)
        else:
            credits[question_key] = Decimal(1 if answered_right(question, selected) else 0)
    return credits


def measured_pair_record(post: Attempt, post_score: Decimal) -> None:
    """Fix the run's matched pair when its first measured post-test attempt is graded: with the
    run's first pre-test attempt of the same pool, unrevealed (a later post-test attempt finds
    the pair there and changes nothing). Three statements, post-tests only."""
    pre = (
        Attempt.objects.filter(
            learner_id=post.learner_id,
            course_key=post.course_key,
            run=post.run,
            quiz_key=post.pool_key,
            pool_key=post.pool_key,
            status=AttemptStatus.SUBMITTED,
            answers_revealed=False,
        )
        .order_by("number", "pk")
        .values_list("pk", "score")
        .first()
    )
    enrollment_id = (
        Enrollment.objects.filter(
            learner_id=post.learner_id, course_key=post.course_key, run=post.run
        )
        .values_list("pk", flat=True)
        .first()
    )
    if pre is None or enrollment_id is None:
        return
    MeasuredPair.objects.bulk_create(
        [
            MeasuredPair(
                enrollment_id=enrollment_id,
                learner_id=post.learner_id,
                course_key=post.course_key,
                run=post.run,
                pool_key=post.pool_key,
                pre_attempt_id=pre[0],
                post_attempt_id=post.pk,
                pre_score=pre[1],
                post_score=post_score,
            )
        ],
        ignore_conflicts=True,
    )


def _responses(questions: dict, attempt: Attempt, answers: dict, credits: dict) -> list:
    rows = []
    for question_key, credit in credits.items():
        question = questions[question_key]
        picked = set(answers.get(question_key, []))
        selected = sum(1 << n for n, c in enumerate(question.choices) if c.key in picked)
        rows.append(
            ItemResponse(
                attempt_id=attempt.pk,
                learner_id=attempt.learner_id,
                quiz_key=attempt.quiz_key,
                course_key=attempt.course_key,
                question_key=question_key,
                objective_key=question.objective_key,
                credit=credit.quantize(Decimal("0.0001")),
                selected=selected,
            )
        )
    return rows


def attempt_submit(
    *,
    attempt: Attempt,
    quiz: QuizPage,
    answers: dict[str, list[str]],
    learner=None,
    questions: dict | None = None,
) -> Attempt:
    """Grade an attempt from stored data, exactly once, and record a passed step.

    `answers` maps question keys to choice keys, already checked against the attempt by the
    form (which passes the `questions` it loaded, so they are read once). The conditional
    UPDATE accepts only the first of any number of concurrent submissions; the others get a
    409 and change nothing. A fixed number of queries, whatever the number of questions.
    """
    now = timezone.now()
    if attempt.is_past_deadline(now):
        raise QuizError(
            _("The time for this attempt has run out; it can no longer be submitted."), status=409
        )
    if questions is None:
        questions = quiz_answer_key(quiz)
    credits = item_credits(questions, attempt, answers)
    total = sum(credits.values(), Decimal(0))
    score = (100 * total / len(attempt.question_keys)).quantize(Decimal("0.01"))
    passed = score >= quiz.pass_mark
    with transaction.atomic():
        won = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
            status=AttemptStatus.SUBMITTED,
            submitted_at=now,
            answers=answers,
            score=score,
            passed=passed,
            page=quiz,
        )
        if not won:
            raise QuizError(ALREADY_SUBMITTED, status=409)
        # What item analysis and the measures by objective read (one INSERT).
        ItemResponse.objects.bulk_create(_responses(questions, attempt, answers, credits))
        attempt.status, attempt.submitted_at, attempt.answers = (
            AttemptStatus.SUBMITTED,
            now,
            answers,
        )
        attempt.score, attempt.passed, attempt.page = score, passed, quiz
        # Inside the transaction: what listeners write (learning records) commits with it.
        attempt_submitted.send(sender=Attempt, attempt=attempt, quiz=quiz)
        if passed or quiz.kind == QuizKind.PRE_TEST:
            course = quiz.get_course()
            course_services.step_complete(
                learner=learner or attempt.learner, course=course, step=quiz
            )
        if quiz.kind == QuizKind.POST_TEST and attempt.pool_key and not attempt.answers_revealed:
            measured_pair_record(attempt, score)
    return attempt
