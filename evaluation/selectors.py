"""Knowledge gain an evaluator would sign: matched pre/post pairs, with intervals and n.

The design (issue 17, "Matched pre/post"): a course's pre-test holds an objective-tagged pool
and draws `per_objective` questions per objective; its post-test is *matched*
(`QuizPage.matched_with_pre_test`): it draws the same number per objective from the same pool,
preferring questions the learner did not see in the pre-test (quizzes.selectors.pool_draw).
Parallel items rather than identical ones, so the post-test does not reward remembering the
pre-test's wording; which parallel item a learner meets first is random, so differences in
difficulty between parallel items cancel across a cohort instead of biasing the mean gain.
Each attempt records the pool it drew from (`Attempt.pool_key`): a pre-test and a post-test
attempt pair up only when their pools agree, so attempts from before a course was matched never
count. The pair is fixed when the post-test attempt is graded (`quizzes.models.MeasuredPair`).

A learner's pair is their first run's first pre-test attempt and first post-test attempt, both
taken before any correct answer of the pool had been shown (`answers_revealed` false): the
first post-test attempt, not the best, because retaking a test is practice on it.

Reported per group: n (pairs), mean raw gain in points, mean normalised change (Marx & Cummings:
(post − pre) ÷ (100 − pre) when it rose, (post − pre) ÷ pre when it fell, 0 when equal; bounded
between −1 and 1, unlike a per-learner Hake gain) and the paired effect size d_z, each with its
95 % interval (evaluation.statistics). Computed with SQL aggregates: one query whatever the
number of learners.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncMonth
from django.utils.translation import gettext_lazy as _

from elearning.infrastructure import caching
from quizzes.models import ItemResponse, MeasuredPair, QuizKind, QuizPage

from .statistics import Estimate, mean_interval, paired_effect_size

# What each grouping reads, on a MeasuredPair: the learner's role and county today, the run's
# completion month.
GROUPS = {
    "course": "course_key",
    "role": "learner__role",
    "county": "learner__county",
    "month": "month",
}

GAIN_METHOD = _(
    "Knowledge gain pairs each learner's first pre-test attempt with their first post-test "
    "attempt, in their first run, when both were drawn from the same question pool (the same "
    "learning objectives; parallel questions where the pool has them) and taken before any of "
    "the pool's correct answers had been shown. Raw gain: post-test minus pre-test score, in "
    "points. Normalised change: the gain divided by the room there was to improve (or, for a "
    "fall, by the pre-test score). Effect size: the mean gain divided by the standard deviation "
    "of the gains (paired Cohen's d). Each with its 95 %% confidence interval; n is the number "
    "of matched pairs. Courses whose pre-test and post-test are not matched show no gain."
)


@dataclass(frozen=True)
class Gain:
    pairs: int
    raw: Estimate
    normalised: Estimate
    effect_size: Estimate
    mean_pre: float | None
    mean_post: float | None


def matched_course_keys() -> frozenset:
    """The courses (translation keys) with a live post-test matched with their pre-test, from
    the page-tree cache. Only these have a knowledge gain."""

    def fill():
        keys = set()
        for quiz in QuizPage.objects.live().filter(
            kind=QuizKind.POST_TEST, matched_with_pre_test=True
        ):
            parent = quiz.get_parent()
            if parent is not None:
                keys.add(parent.translation_key)
        return frozenset(keys)

    return caching.pages.get("matched-course-keys", 0, fill=fill)


def matched_pairs(runs):
    """The matched pairs (quizzes.models.MeasuredPair) of the first runs among `runs`
    (courses.models.Enrollment rows), annotated with `pre` and `post` (scores 0–100), `gain`
    and `change`. The pair was fixed when its post-test attempt was graded
    (quizzes.services.measured_pair_record), so this is a join, not a search through attempts."""
    gain = ExpressionWrapper(F("post") - F("pre"), output_field=FloatField())
    change = Case(
        When(post__gt=F("pre"), then=(F("post") - F("pre")) / (Value(100.0) - F("pre"))),
        When(post__lt=F("pre"), then=(F("post") - F("pre")) / F("pre")),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return (
        MeasuredPair.objects.filter(enrollment__in=runs.filter(run=1).values("pk"))
        .annotate(pre=Cast("pre_score", FloatField()), post=Cast("post_score", FloatField()))
        .annotate(gain=gain, change=change)
    )


def _grouping(qs, group_by):
    """The queryset ready to group by `group_by` (None, one of GROUPS, or a tuple of them) and
    the fields to group on."""
    names = () if not group_by else (group_by,) if isinstance(group_by, str) else group_by
    if "month" in names:
        qs = qs.annotate(month=TruncMonth("enrollment__completed_at"))
    return qs, [GROUPS[name] for name in names]


def _key(row, fields):
    if not fields:
        return None
    if len(fields) == 1:
        return row[fields[0]]
    return tuple(row[f] for f in fields)


def knowledge_gain(runs, *, group_by=None) -> dict:
    """{group value: Gain} for the matched pairs among `runs`; the group value is None when
    `group_by` is None, else a course key, role, county or month (the run's completion month),
    or a tuple of them when `group_by` is a tuple of names. One query."""
    qs, fields = _grouping(matched_pairs(runs), group_by)
    sums = {
        "n": Count("pk"),
        "gain_sum": Sum("gain"),
        "gain_sq": Sum(F("gain") * F("gain")),
        "change_sum": Sum("change"),
        "change_sq": Sum(F("change") * F("change")),
        "pre_sum": Sum("pre"),
        "post_sum": Sum("post"),
    }
    if fields:
        rows = qs.values(*fields).annotate(**sums).order_by()
    else:
        rows = [qs.aggregate(**sums)]
    result = {}
    for row in rows:
        n = row["n"]
        if not n:
            continue
        result[_key(row, fields)] = Gain(
            pairs=n,
            raw=mean_interval(n, row["gain_sum"], row["gain_sq"]),
            normalised=mean_interval(n, row["change_sum"], row["change_sq"]),
            effect_size=paired_effect_size(n, row["gain_sum"], row["gain_sq"]),
            mean_pre=row["pre_sum"] / n,
            mean_post=row["post_sum"] / n,
        )
    return result


def objective_gain(runs) -> dict:
    """{(course key, objective key): Gain} for the matched pairs among `runs`: each learner's
    score on the objective's questions in their pre-test and in their post-test (the same
    objectives, by construction of the pool), paired. Three queries whatever the number of
    learners: the pairs, then the pre-test's and the post-test's answers grouped by attempt
    and objective."""
    pairs = list(matched_pairs(runs).values_list("course_key", "pre_attempt_id", "post_attempt_id"))

    def scores(ids) -> dict:
        """{attempt id: {objective key: score 0-100}}"""
        rows = (
            ItemResponse.objects.filter(attempt_id__in=ids, objective_key__isnull=False)
            .values("attempt_id", "objective_key")
            .annotate(score=Avg("credit"))
            .order_by()
        )
        result: dict = {}
        for r in rows:
            result.setdefault(r["attempt_id"], {})[r["objective_key"]] = 100 * float(r["score"])
        return result

    pre_scores = scores([p for _c, p, _q in pairs])
    post_scores = scores([q for _c, _p, q in pairs])
    sums: dict = {}
    for course_key, pre_id, post_id in pairs:
        after_by_objective = post_scores.get(post_id, {})
        for objective, before in pre_scores.get(pre_id, {}).items():
            after = after_by_objective.get(objective)
            if after is None:
                continue
            gain = after - before
            if after > before:
                change = gain / (100 - before)
            elif after < before:
                change = gain / before
            else:
                change = 0.0
            entry = sums.setdefault((course_key, objective), [0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
            for i, value in enumerate(
                (1, gain, gain * gain, change, change * change, before, after)
            ):
                entry[i] += value
    return {
        key: Gain(
            pairs=n,
            raw=mean_interval(n, g, gg),
            normalised=mean_interval(n, c, cc),
            effect_size=paired_effect_size(n, g, gg),
            mean_pre=b / n,
            mean_post=a / n,
        )
        for key, (n, g, gg, c, cc, b, a) in sums.items()
    }


def objective_titles(language: str) -> dict:
    """{objective key: title} in `language`, the Romanian title where a course has no
    translation. Cached with the page tree (objectives are saved with their course)."""
    from courses.models import LearningObjective

    def fill():
        titles: dict = {}
        rows = LearningObjective.objects.values_list(
            "key", "title", "course__locale__language_code"
        )
        for key, title, code in rows.order_by("sort_order", "pk"):
            if code == language or key not in titles:
                titles[key] = title
        return titles

    return caching.pages.get("objective-titles", language, fill=fill)
