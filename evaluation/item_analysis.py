"""Item analysis for trainers (issue 17, item 3): how each question of a quiz worked.

Moodle's quiz statistics report is the anchor; this one works across languages. A question and
its translations share a key, and `quizzes.ItemResponse.selected` records the picked choices as
bits of their positions, which are the same in every language, so answers given in English
count with their Romanian pair and the choices are labelled in the trainer's language.

What counts: each learner's first submitted attempt at the quiz in their first run, taken
before any correct answer had been shown (`answers_revealed` false). Later attempts are
practice on the same questions, and a retake after the review measures memory of the answers.

Per question:
- facility: the mean credit × 100 (the percentage who got it right; partial credit counts as
  its fraction);
- discrimination: the point-biserial correlation of the question's credit with the rest of the
  test (the attempt's total minus this question), as Moodle's "discrimination index";
- how often each choice was picked (count, and share of the attempts that met the question).
For the test: n, the mean score and Cronbach's alpha (KR-20 when every question is scored 0 or
1), computed only when every counted attempt answered every question: with questions drawn at
random per attempt there is no single test whose consistency it would describe.

Everything comes from two SQL aggregates whatever the number of attempts: one over the counted
attempts (n, mean score) and one over their answers grouped by question (sums, sums of squares
and of products with the attempt's total, one sum per choice position). The identities used:
with x the credit and T the attempt's total, the rest R = T − x has ΣR = ΣT − Σx,
ΣR² = ΣT² − 2ΣxT + Σx², ΣxR = ΣxT − Σx²; and, when every attempt answered every question,
var(T) = Σ_i cov(x_i, T), so alpha needs no query of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Avg, Count, Exists, FloatField, OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from quizzes.models import Attempt, AttemptStatus, ItemResponse, QuizPage
from quizzes.selectors import questions_by_key

# Thresholds of the flags (the usual ones in item analysis; Moodle's documentation and
# classical test theory textbooks use the same cut-offs).
TOO_EASY = 90.0  # facility ≥ this: nearly everyone gets it right, it measures little
TOO_HARD = 20.0  # facility ≤ this: wrong key, unclear wording or untaught content
WEAK_DISCRIMINATION = 0.2  # below this the question hardly separates who knows from who not
# A distractor nobody picks is flagged only from this many answers: with fewer, a plausible
# wrong answer chosen by one learner in ten is still missed by all of them about one time in
# eight (0.9 ** 20 ≈ 0.12).
UNUSED_DISTRACTOR_MIN_ANSWERS = 20


class Flag:
    """The flags a question can carry, each with the trainer's explanation (the legend)."""

    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    WEAK_DISCRIMINATION = "weak_discrimination"
    UNUSED_DISTRACTOR = "unused_distractor"

    LABELS = {
        TOO_EASY: _("Too easy"),
        TOO_HARD: _("Too hard"),
        NEGATIVE_DISCRIMINATION: _("Negative discrimination"),
        WEAK_DISCRIMINATION: _("Weak discrimination"),
        UNUSED_DISTRACTOR: _("Distractor nobody picks"),
    }
    EXPLANATIONS = {
        TOO_EASY: _(
            "At least 90 in 100 learners answer it right: it tells little about who has learnt "
            "the content. Make the wrong choices more plausible or ask about a decision instead "
            "of a fact."
        ),
        TOO_HARD: _(
            "At most 20 in 100 learners answer it right: check the correct answer, the wording "
            "and whether a lesson teaches it."
        ),
        NEGATIVE_DISCRIMINATION: _(
            "Learners who do well on the rest of the test get it wrong more often than the "
            "others: the marked answer may be wrong or the question misleading. Review it first."
        ),
        WEAK_DISCRIMINATION: _(
            "Its correlation with the rest of the test is below 0.2: it hardly separates "
            "learners who know the content from those who do not."
        ),
        UNUSED_DISTRACTOR: _(
            "A wrong choice nobody picked (from 20 answers on): it is not plausible and makes "
            "the question easier than it looks. Replace it with a near miss."
        ),
    }


@dataclass(frozen=True)
class ChoiceStatistics:
    position: int  # 0-based, the same in every language
    label: str  # in the trainer's language
    is_correct: bool
    count: int
    share: float | None  # % of the attempts that met the question


@dataclass(frozen=True)
class ItemStatistics:
    number: int  # the question's order in the quiz, from 1
    key: str
    text: str
    n: int  # counted attempts that met the question
    facility: float | None  # 0-100
    discrimination: float | None  # -1 to 1; None when either side has no variance
    choices: list[ChoiceStatistics]
    unanswered: int  # attempts that met the question and picked nothing
    flags: list[str] = field(default_factory=list)

    @property
    def flag_labels(self) -> list[str]:
        return [str(Flag.LABELS[f]) for f in self.flags]


@dataclass(frozen=True)
class QuizAnalysis:
    n: int  # counted attempts (one per learner)
    mean_score: float | None  # 0-100
    alpha: float | None
    # Why alpha is missing, when it is (translated); empty otherwise.
    alpha_note: str
    items: list[ItemStatistics]

    @property
    def alpha_reading(self) -> str:
        return alpha_reading(self.alpha)


def alpha_reading(alpha: float | None) -> str:
    """What an alpha means, in the words evaluators use (George & Mallery's bands)."""
    if alpha is None:
        return ""
    if alpha >= 0.9:
        return str(_("excellent internal consistency"))
    if alpha >= 0.8:
        return str(_("good internal consistency"))
    if alpha >= 0.7:
        return str(_("acceptable internal consistency"))
    if alpha >= 0.6:
        return str(_("questionable internal consistency"))
    if alpha >= 0.5:
        return str(_("poor internal consistency"))
    return str(_("unacceptable internal consistency: the questions do not measure one thing"))


def counted_attempts(quiz_key):
    """The attempts item analysis counts: per learner, the first submitted attempt at the quiz
    (any language) of their first run, taken before its answers were shown. "First" is the
    lowest number among the run's submitted attempts, so an attempt that ran out of time does
    not push the next one out."""
    earlier = Attempt.objects.filter(
        learner=OuterRef("learner"),
        quiz_key=OuterRef("quiz_key"),
        run=1,
        status=AttemptStatus.SUBMITTED,
        number__lt=OuterRef("number"),
    )
    return Attempt.objects.filter(
        quiz_key=quiz_key, run=1, status=AttemptStatus.SUBMITTED, answers_revealed=False
    ).exclude(Exists(earlier))


def _questions_in(quiz: QuizPage, language: str | None) -> list:
    """The quiz's questions (those of the pre-test for a matched post-test) with their choices,
    from the quiz's translation in `language` when there is one, in the quiz's order."""
    page = quiz
    if language and quiz.locale.language_code != language:
        locale = Locale.objects.filter(language_code=language).first()
        translation = quiz.get_translation_or_none(locale) if locale else None
        if translation is not None:
            page = translation.specific
    return sorted(questions_by_key(page).values(), key=lambda q: (q.sort_order, q.pk))


def quiz_item_analysis(*, quiz: QuizPage, language: str | None = None) -> QuizAnalysis:
    """The item analysis of `quiz` (any of its translations: they share the analysis), the
    questions and choices labelled in `language` where the quiz is translated into it.
    Two aggregate queries whatever the number of attempts, after the questions (cached with
    the page tree)."""
    questions = _questions_in(quiz, language)
    positions = max((len(q.choices.all()) for q in questions), default=0)
    attempts = counted_attempts(quiz.translation_key)
    summary = attempts.aggregate(n=Count("pk"), mean=Avg(Cast("score", FloatField())))
    n = summary["n"] or 0

    rows = _answer_sums(attempts, quiz, positions, len(questions))
    items = []
    for number, question in enumerate(questions, start=1):
        row = rows.get(str(question.key))
        items.append(_item(number, question, row))
    alpha, note = _alpha(items, rows, n)
    return QuizAnalysis(n=n, mean_score=summary["mean"], alpha=alpha, alpha_note=note, items=items)


def _answer_sums(attempts, quiz: QuizPage, positions: int, questions: int) -> dict[str, dict]:
    """Per question, the sums the statistics need, over the counted attempts' answers, in one
    query: n, Σx, Σx², ΣT, ΣT², ΣxT, the unanswered count and one Σ per choice position (the
    position's bit, shifted down by the caller).

    T, the attempt's total credit, is computed once per attempt in a derived table joined to
    the answers. Written with the ORM it was a correlated subquery that the SQL repeated in
    each sum using it, per answer: on PostgreSQL the analysis of 50,000 attempts of a quiz
    drawing its questions ran for minutes (benchmarks/README.md, "Item analysis"). Raw SQL,
    because the ORM cannot aggregate over a grouped derived table; the counted attempts stay
    the ORM's (`counted_attempts`), compiled into it.
    """
    responses = ItemResponse._meta.db_table
    counted_sql, counted_params = attempts.values("pk").query.sql_with_params()
    # When every attempt asks every question, the total is the stored score (100 × total ÷ k,
    # to 0.01): the derived table reads the counted attempts only, not their answers.
    everything_asked = not (quiz.draw_count or quiz.per_objective or quiz.draws_from_pre_test)
    if everything_asked and questions:
        attempt = Attempt._meta.db_table
        totals = (
            # Names from the models' _meta and integers only; values are parameters.
            f"SELECT a.id AS attempt_id, CAST(a.score AS DOUBLE PRECISION) * {questions} / 100.0"  # noqa: S608
            f" AS t FROM {attempt} a WHERE a.id IN ({counted_sql})"
        )
    else:
        totals = (
            "SELECT r.attempt_id, SUM(CAST(r.credit AS DOUBLE PRECISION)) AS t"  # noqa: S608
            f" FROM {responses} r WHERE r.attempt_id IN ({counted_sql}) GROUP BY r.attempt_id"
        )
    choice_sums = "".join(f", SUM(r.selected & {1 << p}) AS c{p}" for p in range(positions))
    x = "CAST(r.credit AS DOUBLE PRECISION)"
    sql = (
        f"SELECT r.question_key, COUNT(*) AS n, SUM({x}) AS sx, SUM({x} * {x}) AS sxx,"  # noqa: S608
        " SUM(totals.t) AS st, SUM(totals.t * totals.t) AS stt,"
        f" SUM({x} * totals.t) AS sxt,"
        f" SUM(CASE WHEN r.selected = 0 THEN 1 ELSE 0 END) AS unanswered{choice_sums}"
        f" FROM {responses} r JOIN ({totals}) totals ON totals.attempt_id = r.attempt_id"
        " WHERE r.quiz_key = %s GROUP BY r.question_key"
    )
    quiz_key = ItemResponse._meta.get_field("quiz_key").get_db_prep_value(
        quiz.translation_key, connection
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*counted_params, quiz_key))
        columns = [column[0] for column in cursor.description]
        found = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    # The question key as the ORM gives it (a UUID object on PostgreSQL, hex text on SQLite).
    key_field = ItemResponse._meta.get_field("question_key")
    return {str(key_field.to_python(row.pop("question_key"))): row for row in found}


def _item(number: int, question, row: dict | None) -> ItemStatistics:
    choices = list(question.choices.all())
    count = row["n"] if row else 0
    facility = discrimination = None
    if count:
        sx, sxx = row["sx"], row["sxx"]
        sr = row["st"] - sx
        srr = row["stt"] - 2 * row["sxt"] + sxx
        sxr = row["sxt"] - sxx
        facility = 100 * sx / count
        var_x = sxx / count - (sx / count) ** 2
        var_r = srr / count - (sr / count) ** 2
        cov = sxr / count - (sx / count) * (sr / count)
        # Rounding of the float sums can leave a tiny positive variance where there is none.
        if var_x > 1e-12 and var_r > 1e-12:
            discrimination = max(-1.0, min(1.0, cov / math.sqrt(var_x * var_r)))
    picked = [(row[f"c{p}"] or 0) >> p if row else 0 for p in range(len(choices))]
    stats = [
        ChoiceStatistics(
            position=p,
            label=choice.text,
            is_correct=choice.is_correct,
            count=picked[p],
            share=100 * picked[p] / count if count else None,
        )
        for p, choice in enumerate(choices)
    ]
    flags = []
    if facility is not None:
        if facility >= TOO_EASY:
            flags.append(Flag.TOO_EASY)
        elif facility <= TOO_HARD:
            flags.append(Flag.TOO_HARD)
    if discrimination is not None:
        if discrimination < 0:
            flags.append(Flag.NEGATIVE_DISCRIMINATION)
        elif discrimination < WEAK_DISCRIMINATION:
            flags.append(Flag.WEAK_DISCRIMINATION)
    if count >= UNUSED_DISTRACTOR_MIN_ANSWERS and any(
        not c.is_correct and c.count == 0 for c in stats
    ):
        flags.append(Flag.UNUSED_DISTRACTOR)
    return ItemStatistics(
        number=number,
        key=str(question.key),
        text=question.text,
        n=count,
        facility=facility,
        discrimination=discrimination,
        choices=stats,
        unanswered=row["unanswered"] if row else 0,
        flags=flags,
    )


def _alpha(items: list[ItemStatistics], rows: dict, n: int) -> tuple[float | None, str]:
    """Cronbach's alpha (KR-20 for items scored 0 or 1): k/(k−1) · (1 − Σ var(x_i) / var(T)),
    with var(T) = Σ cov(x_i, T), from the per-question sums."""
    if n < 2 or len(items) < 2:
        return None, str(_("Needs at least two questions and two attempts."))
    counted = [rows.get(item.key) for item in items]
    if any(row is None or row["n"] != n for row in counted) or len(rows) != len(items):
        return None, str(
            _(
                "Not computed: the attempts did not all answer the same questions (questions "
                "drawn at random, or questions added or removed since)."
            )
        )
    k = len(items)
    item_variance = sum(r["sxx"] / n - (r["sx"] / n) ** 2 for r in counted)
    total_variance = sum(r["sxt"] / n - (r["sx"] / n) * (r["st"] / n) for r in counted)
    if total_variance <= 1e-12:
        return None, str(_("Not computed: every attempt has the same score."))
    return k / (k - 1) * (1 - item_variance / total_variance), ""
