"""The donor indicators: for a coordinator's scope and a period, overall and by role, county or
month, the four levels programme evaluators report (reaction, learning, behaviour, results).

Every figure says how many people it comes from; each rate says how many were asked and how
many answered; any cell computed from fewer than SMALLEST_CELL people is shown as "< 5"
everywhere it appears (page, CSV, XLSX, PDF). The cohort is the runs *completed* in the period
(people trained); each measure follows those runs:

- people trained: distinct people who completed a run in the period;
- currently certified: of them, people whose latest certificate of that course is valid (or
  awaiting a re-certification it has not yet missed), as the course summary counts them;
- satisfaction (reaction): `surveys.selectors.reaction_indicator`;
- knowledge gain (learning): `evaluation.selectors.knowledge_gain` on matched pairs;
- retention at 30 and 180 days: `retention.selectors.retention_indicator`;
- self-reported application at 90 days (behaviour): `surveys.selectors.application_indicator`.

Each provider takes the runs and the grouping and answers with SQL aggregates: a fixed number
of queries whatever the number of learners.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, CertificateState
from certificates.selectors import certificate_state_expression
from evaluation.selectors import knowledge_gain

from .models import CoordinatorScope
from .selectors import SMALLEST_CELL, CourseInfo, _dated, _group_label, _runs

GROUP_FIELDS = {"role": "learner__role", "county": "learner__county", "month": "month"}


@dataclass(frozen=True)
class Cell:
    """One figure: its value and 95 % interval where it has one, how many people it comes
    from (n) and, for answers to an invitation, how many were invited."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    n: int = 0
    invited: int | None = None

    @property
    def small(self) -> bool:
        return self.n < SMALLEST_CELL

    @property
    def rate(self) -> float | None:
        """Response rate (%): who answered of those invited."""
        if not self.invited:
            return None
        return round(100 * self.n / self.invited, 1)


@dataclass
class IndicatorRow:
    group: str
    trained: Cell
    certified: Cell
    satisfaction: Cell
    gain: Cell
    retention_30: Cell
    retention_180: Cell
    application_90: Cell


MEASURES = (
    "satisfaction",
    "gain",
    "retention_30",
    "retention_180",
    "application_90",
)


def indicators_method() -> str:
    return _(
        "People trained: people who completed a run of a course in the period (each person "
        "once per group). Currently certified: of them, people whose latest certificate of that "
        "course is valid. Satisfaction: the mean of the end-of-course survey's ratings on a "
        "0–100 scale, from the runs completed in the period whose learners answered it. "
        "Knowledge gain: matched pre-test and post-test pairs (see the impact report). "
        "Retention: the mean score of the 30-day and 180-day checks. Application: the share of "
        "people answering the 90-day follow-up who report at least one action (noticing "
        "indicators, talking about a concern, using the referral directory, notifying an "
        "authority). Each with its 95 % confidence interval and n; the response rate is n ÷ "
        "people invited. Any figure from fewer than %(smallest)d people is shown as “< 5”."
    ) % {"smallest": SMALLEST_CELL}


def completed_runs(*, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]):
    """The cohort: runs completed in the period, in scope, with the shared filters."""
    runs = _runs(scope=scope, filters=filters, courses=courses).filter(completed_at__isnull=False)
    if filters.get("course"):
        runs = runs.filter(course_key=filters["course"])
    return _dated(runs, filters, "completed_at")


def _grouped(runs, group_by):
    if group_by == "month":
        runs = runs.annotate(month=TruncMonth("completed_at"))
    return runs


def _provider_cells(result: dict) -> dict:
    return {
        key: Cell(
            value=value["value"],
            low=value["low"],
            high=value["high"],
            n=value["respondents"],
            invited=value["invited"],
        )
        for key, value in result.items()
    }


def _label(group_by: str | None, value) -> str:
    if group_by is None:
        return str(_("All"))
    if group_by == "month":
        return formats.date_format(value, "YEAR_MONTH_FORMAT") if value else "—"
    return _group_label(group_by, value)


def indicators(
    *, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo], group_by: str | None
) -> list[IndicatorRow]:
    """The overall row, then one row per role, county or month when `group_by` asks for it."""
    from surveys.selectors import application_indicator, reaction_indicator

    from retention.selectors import retention_indicator

    runs = completed_runs(scope=scope, filters=filters, courses=courses)
    groupings = [None] + ([group_by] if group_by in GROUP_FIELDS else [])
    rows = []
    for grouping in groupings:
        field = GROUP_FIELDS.get(grouping or "")
        grouped = _grouped(runs, grouping)
        fields = [field] if field else []
        counts = {}
        certified_runs = grouped.annotate(
            certified=Exists(
                Certificate.objects.filter(
                    learner_id=OuterRef("learner_id"), course_key=OuterRef("course_key")
                )
                .annotate(state=certificate_state_expression(now=timezone.now()))
                .filter(state__in=[CertificateState.VALID, CertificateState.RENEWAL_OVERDUE])
            )
        )
        aggregates = {
            "trained": Count("learner", distinct=True),
            "certified_people": Count("learner", distinct=True, filter=Q(certified=True)),
        }
        if fields:
            items = certified_runs.order_by().values(*fields).annotate(**aggregates)
        else:
            items = [certified_runs.aggregate(**aggregates)]
        for item in items:
            key = item[field] if field else None
            counts[key] = (item["trained"], item["certified_people"])
        gains = {
            key: Cell(
                value=gain.raw.value,
                low=gain.raw.low,
                high=gain.raw.high,
                n=gain.pairs,
            )
            for key, gain in knowledge_gain(runs, group_by=grouping).items()
        }
        measures = {
            # The providers group by month themselves (the contract takes the plain runs).
            "satisfaction": _provider_cells(reaction_indicator(runs, grouping)),
            "gain": gains,
            "retention_30": _provider_cells(retention_indicator(runs, grouping, 30)),
            "retention_180": _provider_cells(retention_indicator(runs, grouping, 180)),
            "application_90": _provider_cells(application_indicator(runs, grouping)),
        }
        keys = set(counts)
        if grouping == "month":
            ordered = sorted(keys, key=lambda k: (k is None, k or 0))
        else:
            ordered = sorted(keys, key=lambda k: _label(grouping, k))
        for key in ordered:
            trained, certified = counts.get(key, (0, 0))
            if not trained:
                continue
            rows.append(
                IndicatorRow(
                    group=_label(grouping, key),
                    trained=Cell(value=trained, n=trained),
                    certified=Cell(value=certified, n=certified),
                    **{name: measures[name].get(key, Cell()) for name in MEASURES},
                )
            )
    return rows
