"""Reads for quizzes: eligibility, results and knowledge gain."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from uuid import UUID

from django.db.models import Max
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from courses.selectors import course_outline, course_step_links, current_run_expression
from elearning.infrastructure import caching
from elearning.infrastructure.caching.serving import view_restrictions

from .models import Attempt, AttemptStatus, QuizKind, QuizPage, ReviewPolicy

_random = random.SystemRandom()


@dataclass
class Eligibility:
    can_start: bool
    reason: str
    attempts_used: int
    attempts_left: int | None
    next_start_at: datetime | None
    passed: bool
    best_score: Decimal | None
    # The correct answers of this quiz are, or were, open to the learner: an attempt started
    # now would be taken knowing them (Attempt.answers_revealed).
    answers_revealed: bool = False

    @property
    def next_start_in_words(self) -> str:
        return moment_in_words(self.next_start_at) if self.next_start_at else ""


def moment_in_words(value: datetime) -> str:
    """A moment written out, never as 03/12 (which reads as March to some): "3 December 2026,
    13:55", "3 decembrie 2026, 13:55" (Romanian month names are lower-case through locale/ro:
    elearning/infrastructure/django_strings.py)."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def quiz_eligibility(*, learner, quiz: QuizPage, now: datetime | None = None) -> Eligibility:
    now = now or timezone.now()
    # One query whatever the number of runs: every attempt at this quiz, each with the number
    # of the learner's current run. Limits, cooldowns and "passed" count within the current
    # run; answers once revealed stay revealed in every later run.
    every_run = list(
        Attempt.objects.filter(learner=learner, quiz_key=quiz.translation_key)
        .annotate(
            current_run=current_run_expression(learner=learner, course_key=quiz_course_key(quiz))
        )
        .order_by("run", "number")
    )
    attempts = [a for a in every_run if a.run == a.current_run]
    used = len(attempts)
    closed = [a for a in attempts if a.status != AttemptStatus.IN_PROGRESS]
    passed = any(a.passed for a in closed)
    scores = [a.score for a in closed if a.score is not None]
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - used)
    next_start = None
    if quiz.cooldown_minutes and closed:
        last = max(a.submitted_at or a.deadline or a.started_at for a in closed)
        next_start = last + timedelta(minutes=quiz.cooldown_minutes)
        if next_start <= now:
            next_start = None
    reason = ""
    if quiz.kind == QuizKind.PRE_TEST and closed:
        reason = _("The pre-test is taken once, before the lessons.")
    elif left == 0:
        reason = _("You have no attempts left for this quiz.")
    elif next_start is not None:
        reason = _("You can try again from %(time)s.") % {"time": moment_in_words(next_start)}
    return Eligibility(
        can_start=not reason,
        reason=reason,
        attempts_used=used,
        attempts_left=left,
        next_start_at=next_start,
        passed=passed,
        best_score=max(scores) if scores else None,
        # Once seen, always seen: an earlier flag stands even if the policy has since changed,
        # and what any run (this one or an earlier) let the learner review stays seen.
        answers_revealed=any(a.answers_revealed for a in every_run)
        or _policy_revealed_in_a_run(quiz, every_run),
    )


def _policy_revealed_in_a_run(quiz: QuizPage, attempts: list[Attempt]) -> bool:
    """Whether the review policy let the learner see the correct answers in any run of these
    attempts, as each run stands (or stood when it ended): its attempts, its passes."""
    runs: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        runs.setdefault(attempt.run, []).append(attempt)
    for run in runs.values():
        closed = [a for a in run if a.status != AttemptStatus.IN_PROGRESS]
        if not any(a.status == AttemptStatus.SUBMITTED for a in closed):
            continue
        left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - len(run))
        if policy_reveals(quiz=quiz, passed=any(a.passed for a in closed), attempts_left=left):
            return True
    return False


def quiz_course_key(quiz: QuizPage) -> UUID:
    """The translation key of the quiz's course (its parent), from the cached page tree."""
    return quiz.get_course().translation_key


def current_run_attempts(*, learner, quiz: QuizPage):
    """The learner's attempts at this quiz in their current run of the course (one query)."""
    return Attempt.objects.filter(
        learner=learner,
        quiz_key=quiz.translation_key,
        run=current_run_expression(learner=learner, course_key=quiz_course_key(quiz)),
    )


def policy_reveals(*, quiz: QuizPage, passed: bool, attempts_left: int | None) -> bool:
    """The review policy, in one place: whether a learner who has passed (or not) and has
    this many attempts left may see the correct answers of their submitted attempts."""
    policy = quiz.review_policy
    if policy == ReviewPolicy.AFTER_EACH:
        return True
    if policy == ReviewPolicy.ONCE_PASSED:
        return passed
    if policy == ReviewPolicy.AFTER_LAST:
        return attempts_left == 0 or passed
    return False


def review_allowed(*, attempt: Attempt, quiz: QuizPage, eligibility: Eligibility) -> bool:
    """Whether this submitted attempt may show the correct answers, per the quiz's policy."""
    if attempt.status != AttemptStatus.SUBMITTED:
        return False
    return policy_reveals(
        quiz=quiz, passed=eligibility.passed, attempts_left=eligibility.attempts_left
    )


class LessonsToReview(NamedTuple):
    lessons: list  # courses' StepLinks, in course order and the quiz page's language
    cover_missed: bool  # linked to the questions missed; else the course's lessons, all of them


def answered_right(question, selected) -> bool:
    """Whether the choices `selected` (keys) are exactly the question's correct ones: full
    marks (quizzes.services grades by it; partial credit aside) and no lesson to review."""
    return set(selected) == {c.key for c in question.choices if c.is_correct}


def lessons_to_review(*, learner, quiz: QuizPage, eligibility: Eligibility) -> LessonsToReview:
    """While the learner waits to try the quiz again: the lessons linked to the questions they
    missed in their last attempt, else every lesson of the course. None when there is no wait
    or they passed."""
    if eligibility.next_start_at is None or eligibility.passed:
        return LessonsToReview([], cover_missed=False)
    last = (
        current_run_attempts(learner=learner, quiz=quiz)
        .filter(status=AttemptStatus.SUBMITTED)
        .order_by("-number")
        .first()
    )
    lessons = [s for s in course_step_links(course=quiz.get_course()) if not s.kind]
    if last is None:
        return LessonsToReview(lessons, cover_missed=False)
    answer_key, questions = quiz_answer_key(quiz), questions_by_key(quiz)
    missed = [
        key
        for key in last.question_keys
        if key in answer_key and not answered_right(answer_key[key], last.answers.get(key, []))
    ]
    lesson_ids = {questions[key].lesson_id for key in missed} - {None}
    # The question may name the lesson in another language: its translation key finds this one.
    keys = set(Page.objects.filter(pk__in=lesson_ids).values_list("translation_key", flat=True))
    linked = [s for s in lessons if s.translation_key in keys]
    return LessonsToReview(linked or lessons, cover_missed=bool(linked))


@dataclass(frozen=True)
class NextStep:
    """A result page's main action: where the learner goes next in the course."""

    url: str
    title: str
    is_quiz_again: bool = False  # this quiz, to try again once allowed
    is_course: bool = False  # every step is done: the course page (and its certificate)


def attempt_next_step(*, learner, quiz: QuizPage, eligibility: Eligibility) -> NextStep:
    """After a submitted attempt: this quiz again while it is not done and has attempts left,
    else the next step not done in the course (courses' outline), else the course."""
    course = quiz.get_course()
    outline = course_outline(course=course, learner=learner)
    if quiz.translation_key not in outline.completed_keys and eligibility.attempts_left != 0:
        return NextStep(url=quiz.url, title=quiz.title, is_quiz_again=True)
    step = outline.step_after(quiz)
    if step is None:
        return NextStep(url=course.url, title=course.title, is_course=True)
    return NextStep(url=step.url, title=step.title)


def live_quiz(*, page_id: int, public_only: bool = False) -> QuizPage:
    """The live quiz page with this id (its locale joined), from the page-tree cache; raises
    QuizPage.DoesNotExist, which is not cached.

    `public_only`: also refuse a quiz under a view restriction (its own or an ancestor's, as
    Wagtail's `.public()` does), for the views that show it. A submission does not ask: the
    learner's own attempt proves they were shown it.

    Every quiz view needs it, and the query for this wide page cost ~2.5 ms of CPU. Its
    settings (pass mark, kind) change only when it is published, which drops the cache, as do
    unpublishing, moving and deleting it, and any change of a view restriction
    (elearning/infrastructure/caching/invalidation.py).
    """
    quiz = caching.pages.get(
        "live-quiz",
        page_id,
        fill=lambda: QuizPage.objects.live().select_related("locale").get(pk=page_id),
    )
    if public_only and view_restrictions(quiz):
        raise QuizPage.DoesNotExist
    return quiz


def question_source(quiz: QuizPage) -> QuizPage:
    """The page whose questions this quiz asks: a matched post-test asks its course's pre-test's
    (the live pre-test in the same language), every other quiz its own. From the page-tree
    cache, like the questions themselves."""
    if not quiz.draws_from_pre_test:
        return quiz

    def fill():
        return (
            QuizPage.objects.live()
            .child_of(quiz.get_parent())
            .filter(kind=QuizKind.PRE_TEST, locale_id=quiz.locale_id)
            .select_related("locale")
            .first()
        ) or quiz

    return caching.pages.get("quiz-question-source", quiz.pk, fill=fill)


def questions_by_key(quiz: QuizPage) -> dict:
    """The questions the quiz asks (`question_source`) with their choices and objective, by
    question key.

    Every submission grades against them, so they are cached per page until the page tree
    changes (questions are written when the quiz is published, and saving one moves the tree:
    elearning/infrastructure/caching/invalidation.py). Filled in two queries. The cache is the
    server's own: correct answers never leave it for the browser.
    """
    return caching.pages.get(
        "quiz-questions",
        quiz.pk,
        fill=lambda: {
            str(q.key): q
            for q in question_source(quiz)
            .questions.all()
            .select_related("objective")
            .prefetch_related("choices")
        },
    )


def objective_key(question) -> str | None:
    """The shared key of the question's objective (the same in every language), or None."""
    return str(question.objective.key) if question.objective_id else None


def pool_draw(questions: list, *, per_objective: int | None, avoid=frozenset()) -> list:
    """Draw from an objective-tagged pool: `per_objective` questions for each objective
    (questions without one are left out), preferring questions whose keys are not in `avoid`
    (those a learner already saw: the post-test and the retention checks ask parallel items
    where the pool has them, the same items where it does not). Without `per_objective`, the
    whole pool. The rule of matched pre/post tests, in one place."""
    if not per_objective:
        return list(questions)
    by_objective: dict = {}
    for question in questions:
        key = objective_key(question)
        if key is not None:
            by_objective.setdefault(key, []).append(question)
    drawn = []
    for group in by_objective.values():
        fresh = [q for q in group if str(q.key) not in avoid]
        seen = [q for q in group if str(q.key) in avoid]
        _random.shuffle(fresh)
        _random.shuffle(seen)
        drawn.extend((fresh + seen)[:per_objective])
    drawn.sort(key=lambda q: q.sort_order)
    return drawn


class AnswerKeyChoice(NamedTuple):
    pk: int
    key: str
    is_correct: bool


class AnswerKeyQuestion(NamedTuple):
    kind: str
    partial_credit: bool
    # In the question's order: a choice's position is the same in every language.
    choices: tuple[AnswerKeyChoice, ...]
    objective_key: str | None = None


def quiz_answer_key(quiz: QuizPage) -> dict[str, AnswerKeyQuestion]:
    """What reading and grading a submission need of each question, by question key.

    Plain tuples, cached like the questions: every submission reads it, and rebuilding the full
    Question and Choice objects from the cache took 1-2 ms of a submission's time.
    """

    def fill() -> dict[str, AnswerKeyQuestion]:
        return {
            key: AnswerKeyQuestion(
                kind=question.kind,
                partial_credit=question.partial_credit,
                choices=tuple(
                    AnswerKeyChoice(pk=c.pk, key=str(c.key), is_correct=c.is_correct)
                    for c in question.choices.all()
                ),
                objective_key=objective_key(question),
            )
            for key, question in questions_by_key(quiz).items()
        }

    return caching.pages.get("quiz-answer-key", quiz.pk, fill=fill)


def attempt_questions(*, attempt: Attempt, quiz: QuizPage) -> list[dict]:
    """The attempt's questions in its order, with choices in its order, in this page's language.
    Only what a learner may see before submitting: no correctness, feedback or explanation."""
    return drawn_questions(
        question_keys=attempt.question_keys, choice_order=attempt.choice_order, quiz=quiz
    )


def drawn_questions(*, question_keys: list, choice_order: dict, quiz: QuizPage) -> list[dict]:
    """Questions drawn from `quiz` (an attempt's, or a retention check's from the same pool), in
    the order drawn, choices in the order drawn, in the page's language; only what may be seen
    before submitting."""
    questions = questions_by_key(quiz)
    shown = []
    for number, key in enumerate(question_keys, start=1):
        question = questions.get(key)
        if question is None:
            continue
        choices = {str(c.key): c for c in question.choices.all()}
        shown.append(
            {
                "number": number,
                "key": key,
                "kind": question.kind,
                "scenario": question.scenario,
                "text": question.text,
                "choices": [
                    {"id": choices[k].pk, "text": choices[k].text}
                    for k in choice_order.get(key, [])
                    if k in choices
                ],
            }
        )
    return shown


def attempt_review(*, attempt: Attempt, quiz: QuizPage) -> list[dict]:
    """A submitted attempt's questions with the learner's answers and the correct ones, in the
    order shown, in this page's language. Only for when the review policy allows it."""
    questions = questions_by_key(quiz)
    rows = []
    for number, key in enumerate(attempt.question_keys, start=1):
        question = questions.get(key)
        if question is None:
            continue
        selected = set(attempt.answers.get(key, []))
        choices = {str(c.key): c for c in question.choices.all()}
        rows.append(
            {
                "number": number,
                "question": question,
                "choices": [
                    {"choice": choices[k], "selected": k in selected}
                    for k in attempt.choice_order.get(key, [])
                    if k in choices
                ],
            }
        )
    return rows


def run_final_scores(learner, course_keys) -> dict:
    """For the run history on "My learning": the best score of each run's graded final quiz,
    by (course_key, run), rounded as the quiz pages round it; several final quizzes in a
    course give one score each, in one line.
    Submitted attempts only. One query. Registered with courses.dashboard.register_run_extra.
    """
    final_keys = QuizPage.objects.filter(kind=QuizKind.FINAL).values("translation_key")
    best: dict = {}
    for course_key, run, score in (
        Attempt.objects.filter(
            learner=learner,
            course_key__in=course_keys,
            status=AttemptStatus.SUBMITTED,
            score__isnull=False,
            quiz_key__in=final_keys,
        )
        .values("course_key", "run", "quiz_key")
        .annotate(best=Max("score"))
        .order_by("course_key", "run", "quiz_key")
        .values_list("course_key", "run", "best")
    ):
        best.setdefault((course_key, run), []).append(score)
    return {
        key: [
            {
                "label": ngettext(
                    "Final quiz: %(scores)s", "Final quizzes: %(scores)s", len(scores)
                )
                % {"scores": ", ".join(f"{floatformat(score, 0)}%" for score in scores)},
                "url": "",
                "note": "",
            }
        ]
        for key, scores in best.items()
    }


def learner_attempts_data(learner) -> list[dict]:
    """The learner's quiz attempts and answers, for their personal-data file."""
    return [
        {
            "quiz": a.page.title if a.page_id else str(a.quiz_key),
            "quiz_key": str(a.quiz_key),
            "run": a.run,
            "number": a.number,
            "status": a.status,
            "started_at": a.started_at.isoformat(),
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "score": float(a.score) if a.score is not None else None,
            "passed": a.passed,
            "answers": a.answers,
        }
        for a in Attempt.objects.filter(learner=learner)
        .select_related("page")
        .order_by("started_at")
    ]
