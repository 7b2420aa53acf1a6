"""Reads for retention checks: which courses have a pool to draw from, the learner's checks on
"My learning", and the aggregates the reports show (SQL; a fixed number of queries whatever the
number of learners)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast, TruncMonth
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from elearning.infrastructure import caching
from evaluation.selectors import matched_pairs
from evaluation.statistics import Estimate, mean_interval
from quizzes.models import QuizKind, QuizPage

from .models import CheckAge, RetentionCheck


@dataclass(frozen=True)
class RetentionPool:
    """What a course's checks draw from: its pre-test's objective-tagged pool."""

    course_key: UUID
    pool_key: UUID  # the pre-test's translation key
    per_objective: int
    pass_mark: int  # the course's final quiz pass mark, else the pre-test's
    pre_tests: dict = field(default_factory=dict)  # language code → the pre-test's page id

    @property
    def questions_per_objective(self) -> int:
        # A five-minute check: one or two questions per objective, never more than the pre-test.
        return min(self.per_objective, 2)


def retention_pools() -> dict[UUID, RetentionPool]:
    """{course key: RetentionPool} for the courses whose live pre-test draws per objective
    (the same rule as matched pre/post: evaluation.selectors.matched_course_keys), from the
    page-tree cache."""

    def fill():
        finals: dict = {}
        for final in QuizPage.objects.live().filter(kind=QuizKind.FINAL).order_by("path"):
            parent = final.get_parent()
            if parent is not None:
                finals.setdefault(parent.translation_key, final.pass_mark)
        pools: dict = {}
        pre_tests = (
            QuizPage.objects.live()
            .filter(kind=QuizKind.PRE_TEST, per_objective__isnull=False)
            .select_related("locale")
            .order_by("path")
        )
        for pre in pre_tests:
            parent = pre.get_parent()
            if parent is None:
                continue
            pool = pools.setdefault(
                parent.translation_key,
                RetentionPool(
                    course_key=parent.translation_key,
                    pool_key=pre.translation_key,
                    per_objective=pre.per_objective,
                    pass_mark=finals.get(parent.translation_key, pre.pass_mark),
                ),
            )
            if pre.translation_key == pool.pool_key:
                pool.pre_tests.setdefault(pre.locale.language_code, pre.pk)
        return pools

    return caching.pages.get("retention-pools", 0, fill=fill)


def pool_page_id(pool: RetentionPool, language: str | None) -> int | None:
    """The pre-test to show a check in: the one in `language`, else any (Romanian first)."""
    if language in pool.pre_tests:
        return pool.pre_tests[language]
    for code in ("ro", *sorted(pool.pre_tests)):
        if code in pool.pre_tests:
            return pool.pre_tests[code]
    return None


def course_urls(language: str) -> dict[UUID, str]:
    """{course key: the live course page's URL in `language`}, from the page-tree cache."""
    from courses.models import CoursePage

    def fill():
        return {
            page.translation_key: page.url
            for page in CoursePage.objects.live().filter(locale__language_code=language)
        }

    return caching.pages.get("retention-course-urls", language, fill=fill)


def check_for(*, learner, token: str) -> RetentionCheck | None:
    """The learner's own check with this token; another learner's is simply not found."""
    return RetentionCheck.objects.filter(learner=learner, token=token).first()


def check_url(check: RetentionCheck) -> str:
    return reverse("retention:check", kwargs={"token": check.token})


def is_open(check: RetentionCheck, *, now=None) -> bool:
    return check.submitted_at is None and (now or timezone.now()) <= check.expires_at


def dashboard_retention(learner, course_keys) -> dict:
    """For "My learning", beside each completed course: the open check ("Retention check
    due", with its link) and the latest check taken: "Retention check passed" with its result's
    link, or, below its pass mark, "Refresher recommended" with the course's link. One query
    (the course URLs are cached)."""
    if not course_keys:
        return {}
    checks = RetentionCheck.objects.filter(learner=learner, course_key__in=course_keys).only(
        "course_key",
        "age_days",
        "token",
        "expires_at",
        "submitted_at",
        "score",
        "passed",
        "pass_mark",
    )
    now = timezone.now()
    by_course: dict = {}
    for check in checks:
        by_course.setdefault(check.course_key, []).append(check)
    urls = course_urls(get_language() or "ro")
    extras: dict = {}
    for course_key, course_checks in by_course.items():
        items = []
        for check in sorted(course_checks, key=lambda c: c.expires_at):
            if is_open(check, now=now):
                items.append(
                    {
                        "label": _("Retention check due"),
                        "url": check_url(check),
                        "note": _("%(days)d-day check, open until %(date)s")
                        % {
                            "days": check.age_days,
                            "date": formats.date_format(
                                localtime(check.expires_at), "SHORT_DATE_FORMAT"
                            ),
                        },
                    }
                )
        taken = [c for c in course_checks if c.submitted_at is not None]
        if taken:
            latest = max(taken, key=lambda c: c.submitted_at)
            if latest.passed:
                # The result stays in sight (its page shows the score and the course link).
                items.append(
                    {
                        "label": _("Retention check passed"),
                        "url": check_url(latest),
                        "note": _("your %(days)d-day check: %(score)s%%")
                        % {"days": latest.age_days, "score": floatformat(latest.score, 0)},
                    }
                )
            else:
                items.append(
                    {
                        "label": _("Refresher recommended"),
                        "url": urls.get(course_key, ""),
                        "note": _(
                            "your %(days)d-day check: %(score)s%%, below the pass mark of "
                            "%(mark)d%%"
                        )
                        % {
                            "days": latest.age_days,
                            "score": floatformat(latest.score, 0),
                            "mark": latest.pass_mark,
                        },
                    }
                )
        if items:
            extras[course_key] = items
    return extras


# What a grouping reads on a RetentionCheck (as reports.indicators.GROUP_FIELDS on a run): the
# learner's role and county today, the run's completion month.
GROUPS = {
    "course": "course_key",
    "role": "learner__role",
    "county": "learner__county",
    "month": "month",
}


def _checks_of(runs):
    return RetentionCheck.objects.filter(enrollment__in=runs.order_by().values("pk"))


def retention_indicator(runs, grouping, days) -> dict:
    """{group value: {"value", "low", "high", "respondents", "invited"}} for the checks of age
    `days` (30 or 180) of `runs` (completed courses.Enrollment rows): the mean check score
    (0-100) with its 95 % interval, the people who took the check and the people invited.
    `grouping`: None, "role", "county" or "month" (the run's completion month, as
    reports.indicators). One query."""
    checks = _checks_of(runs).filter(age_days=days)
    if grouping == "month":
        checks = checks.annotate(month=TruncMonth("enrollment__completed_at"))
    fields = [GROUPS[grouping]] if grouping in GROUPS else []
    submitted = Q(submitted_at__isnull=False)
    score = Cast("score", FloatField())
    sums = {
        "invited": Count("learner", distinct=True),
        "respondents": Count("learner", distinct=True, filter=submitted),
        "n": Count("pk", filter=submitted),
        "total": Sum(score, filter=submitted),
        "total_sq": Sum(score * score, filter=submitted),
    }
    if fields:
        rows = checks.values(*fields).annotate(**sums).order_by()
    else:
        rows = [checks.aggregate(**sums)]
    result = {}
    for row in rows:
        if not row["invited"]:
            continue
        estimate = mean_interval(row["n"], row["total"] or 0.0, row["total_sq"] or 0.0)
        result[row[fields[0]] if fields else None] = {
            "value": estimate.value,
            "low": estimate.low,
            "high": estimate.high,
            "respondents": row["respondents"],
            "invited": row["invited"],
        }
    return result


@dataclass(frozen=True)
class CurvePoint:
    """A point of the retention curve: mean score with its 95 % interval, and n (people)."""

    estimate: Estimate
    people: int


@dataclass(frozen=True)
class RetentionCurve:
    pre: CurvePoint
    post: CurvePoint
    days_30: CurvePoint
    days_180: CurvePoint


def _point(sums) -> CurvePoint:
    n, total, total_sq, people = sums
    return CurvePoint(mean_interval(n, total, total_sq), people)


def retention_curve(runs, *, group_by=("course",)) -> dict:
    """{group key: RetentionCurve}: pre-test → post-test → 30-day check → 180-day check, each
    a mean score with its interval and n. Pre and post are the matched pairs of the first runs
    (evaluation.selectors.matched_pairs, what knowledge gain reads); the checks are those of
    `runs` that were taken. `group_by`: a tuple of "course", "role", "county" (the key is the
    tuple of their values). Two queries whatever the number of learners: the pairs' sums and
    the checks' sums, grouped; the sums of a coarser grouping add up in Python (n, Σx and Σx²
    are additive), so callers ask once at the finest grouping they show."""
    fields = [GROUPS[name] for name in group_by]
    empty = (0, 0.0, 0.0, 0)
    points: dict = {}

    def add(key, slot, n, total, total_sq, people):
        entry = points.setdefault(key, [empty] * 4)
        a = entry[slot]
        entry[slot] = (a[0] + n, a[1] + total, a[2] + total_sq, a[3] + people)

    pairs = (
        matched_pairs(runs)
        .values(*fields)
        .annotate(
            n=Count("pk"),
            pre_sum=Sum("pre"),
            pre_sq=Sum(F("pre") * F("pre")),
            post_sum=Sum("post"),
            post_sq=Sum(F("post") * F("post")),
            people=Count("learner", distinct=True),
        )
        .order_by()
    )
    for row in pairs:
        key = tuple(row[f] for f in fields)
        add(key, 0, row["n"], row["pre_sum"], row["pre_sq"], row["people"])
        add(key, 1, row["n"], row["post_sum"], row["post_sq"], row["people"])
    score = Cast("score", FloatField())
    checks = (
        _checks_of(runs)
        .filter(submitted_at__isnull=False)
        .values(*fields, "age_days")
        .annotate(
            n=Count("pk"),
            total=Sum(score),
            total_sq=Sum(score * score),
            people=Count("learner", distinct=True),
        )
        .order_by()
    )
    slots = {CheckAge.DAYS_30: 2, CheckAge.DAYS_180: 3}
    for row in checks:
        key = tuple(row[f] for f in fields)
        add(key, slots[row["age_days"]], row["n"], row["total"], row["total_sq"], row["people"])
    return {key: RetentionCurve(*(_point(s) for s in sums)) for key, sums in points.items()}


def objective_retention_curve(runs) -> dict:
    """{(course key, objective key): RetentionCurve}: the curve of `retention_curve` per
    learning objective ("Cluj teachers keep 41 % on online-grooming indicators at 180 days").
    Each person's score on an objective is the mean credit × 100 of the questions of that
    objective they answered: in the pre-test and the post-test of their matched pair, then in
    each retention check they took; the points are the means of those scores with their 95 %
    interval, and n is people. Three queries whatever the number of learners: the pairs, the
    pairs' answers grouped by attempt and objective, the checks' answers grouped by check and
    objective (as evaluation.selectors.objective_gain)."""
    from django.db.models import Avg

    from quizzes.models import ItemResponse

    from .models import RetentionResponse

    pairs = matched_pairs(runs)
    slot_of: dict = {}  # attempt id -> (course key, 0 pre or 1 post)
    for course_key, pre_id, post_id in pairs.values_list(
        "course_key", "pre_attempt_id", "post_attempt_id"
    ):
        slot_of[pre_id] = (course_key, 0)
        slot_of[post_id] = (course_key, 1)
    # Per cell: [n, Σ score, Σ score², people]; a person is counted once per cell.
    cells: dict = {}
    seen: set = set()

    def add(course_key, objective, slot, learner, score):
        entry = cells.setdefault((course_key, objective), [[0, 0.0, 0.0, 0] for _ in range(4)])
        point = entry[slot]
        point[0] += 1
        point[1] += score
        point[2] += score * score
        if (course_key, objective, slot, learner) not in seen:
            seen.add((course_key, objective, slot, learner))
            point[3] += 1

    answers = (
        ItemResponse.objects.filter(
            Q(attempt_id__in=pairs.values("pre_attempt_id"))
            | Q(attempt_id__in=pairs.values("post_attempt_id")),
            objective_key__isnull=False,
        )
        .values("attempt_id", "learner_id", "objective_key")
        .annotate(score=Avg(Cast("credit", FloatField())))
        .order_by()
    )
    for row in answers:
        course_key, slot = slot_of[row["attempt_id"]]
        add(course_key, row["objective_key"], slot, row["learner_id"], 100 * row["score"])
    checks = (
        RetentionResponse.objects.filter(
            retention_check__in=_checks_of(runs).filter(submitted_at__isnull=False),
            objective_key__isnull=False,
        )
        .values("retention_check_id", "retention_check__age_days", "course_key", "learner_id")
        .annotate(objective=F("objective_key"), score=Avg(Cast("credit", FloatField())))
        .values("retention_check__age_days", "course_key", "learner_id", "objective", "score")
        .order_by()
    )
    slots = {CheckAge.DAYS_30: 2, CheckAge.DAYS_180: 3}
    for row in checks:
        slot = slots[row["retention_check__age_days"]]
        add(row["course_key"], row["objective"], slot, row["learner_id"], 100 * row["score"])
    return {
        key: RetentionCurve(
            *(
                CurvePoint(mean_interval(n, total, total_sq), people)
                for n, total, total_sq, people in entry
            )
        )
        for key, entry in cells.items()
    }


def learner_retention_data(learner) -> list[dict]:
    """The learner's retention checks and answers, for their personal-data file."""
    return [
        {
            "course_key": str(c.course_key),
            "age_days": c.age_days,
            "invited_at": c.invited_at.isoformat(),
            "open_until": c.expires_at.isoformat(),
            "submitted_at": c.submitted_at.isoformat() if c.submitted_at else None,
            "score": float(c.score) if c.score is not None else None,
            "passed": c.passed,
            "answers": c.answers,
        }
        for c in RetentionCheck.objects.filter(learner=learner).order_by("invited_at", "pk")
    ]
