"""Reports as tables (headings + rows) and the writers that turn them into CSV, XLSX and PDF.

Every cell a person typed (names, institutions) may start with a formula character; Excel and
LibreOffice would run it. `neutralise()` makes such a cell plain text in both CSV and XLSX.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import County, Language, ProfessionalRole
from certificates.codes import grouped
from certificates.models import CertificateState
from elearning.infrastructure.spreadsheets import (  # noqa: F401 - the writers' names, kept here
    CHUNK_SIZE,
    FORMULA_STARTS,
    Table,
    csv_lines,
    in_blocks,
    neutralise,
    write_xlsx,
)

from . import charts, indicators, selectors
from .models import CoordinatorScope


def _number(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


# The completion export reads these columns only: no model instances (an enrolment, its learner
# and their institution per row), no dates the file does not show.
COMPLETION_FIELDS = (
    "learner__full_name",
    "contact_email",
    "learner__role",
    "learner__institution_id",
    "learner__institution__name",
    "learner__institution_other",
    "learner__county",
    "learner__preferred_language",
    "course_key",
    "run",
    "started_at",
    "due_on",
    "progress",
    "status",
    "completed_at",
    "final_score",
    "attempts",
    "certificate_first_certified",
    "certificate_code",
    "certificate_state",
)


def completion_table(*, scope, filters, courses) -> Table:
    titles = {c.key: c.title for c in courses}
    # Labels translated once per export rather than once per cell.
    roles = {k: str(v) for k, v in ProfessionalRole.choices}
    counties = {k: str(v) for k, v in County.choices}
    languages = {k: str(v) for k, v in Language.choices}
    statuses = {k: str(v) for k, v in selectors.Status.choices}
    certificate_states = {k: str(v) for k, v in CertificateState.choices}
    tz = timezone.get_current_timezone()  # once, not twice per row

    def local_date(value):
        return value.astimezone(tz).date() if value else ""

    qs = selectors.completion_rows(scope=scope, filters=filters, courses=courses).order_by(
        "learner__full_name", "learner_id", "course_key"
    )

    def rows() -> Iterator[list]:
        for r in qs.values(*COMPLETION_FIELDS).iterator(chunk_size=CHUNK_SIZE):
            institution = (
                r["learner__institution__name"]
                if r["learner__institution_id"]
                else r["learner__institution_other"]
            )
            yield [
                r["learner__full_name"],
                r["contact_email"],
                roles.get(r["learner__role"], r["learner__role"]),
                institution,
                counties.get(r["learner__county"], r["learner__county"]),
                languages.get(r["learner__preferred_language"], r["learner__preferred_language"]),
                titles.get(r["course_key"], ""),
                r["run"],
                local_date(r["started_at"]),
                r["due_on"] or "",
                r["progress"],
                statuses.get(r["status"], r["status"]),
                local_date(r["completed_at"]),
                _number(r["final_score"]),
                r["attempts"],
                local_date(r["certificate_first_certified"]),
                _format_code(r["certificate_code"]),
                certificate_states.get(r["certificate_state"], ""),
            ]

    return Table(
        headings=[
            _("Name"),
            _("E-mail"),
            _("Role"),
            _("Institution"),
            _("County"),
            _("Language"),
            _("Course"),
            _("Run"),
            _("Enrolled"),
            _("Due date"),
            _("Progress (%)"),
            _("Status"),
            pgettext("one learner's course", "Completed"),
            _("Final score (%)"),
            _("Attempts"),
            _("First certified on"),
            _("Certificate code"),
            _("Certificate status"),
        ],
        rows=rows(),
        count=qs.count(),
    )


def _format_code(code):
    if not code:
        return ""
    return grouped(code)


def summary_table(*, scope, filters, courses) -> Table:
    data = selectors.course_summary(
        scope=scope, filters=filters, courses=courses, group_by=filters.get("group_by")
    )
    return Table(
        headings=[
            _("Course"),
            _("Group"),
            _("Enrolled"),
            _("Completed"),
            _("Completion rate (%)"),
            _("Pass rate (%)"),
            _("Average score (%)"),
            _("Median days to complete"),
            _("Completions (runs)"),
            _("Currently certified"),
            _("Currently certified (%)"),
        ],
        rows=[
            [
                r.course.title,
                r.group,
                r.enrolled,
                r.completed,
                _number(r.completion_rate),
                _number(r.pass_rate),
                _number(r.average_score),
                _number(r.median_days),
                r.completions,
                _number(r.certified_shown),
                _number(r.certified_rate),
            ]
            for r in data
        ],
        count=len(data),
    )


SMALL = "< 5"  # what a cell computed from fewer than SMALLEST_CELL people shows, everywhere


def _estimate_cells(estimate, suppressed: bool) -> list:
    """A figure and its 95 % interval as three cells (value, low, high)."""
    if suppressed:
        return [SMALL, SMALL, SMALL]
    if estimate is None or estimate.value is None:
        return ["", "", ""]
    return [estimate.value, _number(estimate.low), _number(estimate.high)]


def impact_table(*, scope, filters, courses) -> Table:
    data = selectors.impact(
        scope=scope, filters=filters, courses=courses, group_by=filters.get("group_by")
    )
    not_matched = _("Pre-test and post-test not matched: no knowledge gain is computed.")

    def row(r):
        if not r.matched:
            return [r.course.title, r.group, not_matched] + [""] * 11
        return [
            r.course.title,
            r.group,
            SMALL if r.suppressed else r.pairs,
            SMALL if r.suppressed else _number(r.mean_pre),
            SMALL if r.suppressed else _number(r.mean_post),
            *_estimate_cells(r.raw, r.suppressed),
            *_estimate_cells(r.normalised, r.suppressed),
            *_estimate_cells(r.effect_size, r.suppressed),
        ]

    return Table(
        headings=[
            _("Course"),
            _("Group"),
            _("Matched pairs (n)"),
            _("Mean pre-test (%)"),
            _("Mean post-test (%)"),
            _("Mean gain (points)"),
            _("Gain: 95 % CI low"),
            _("Gain: 95 % CI high"),
            _("Normalised change"),
            _("Normalised change: 95 % CI low"),
            _("Normalised change: 95 % CI high"),
            _("Effect size (d)"),
            _("Effect size: 95 % CI low"),
            _("Effect size: 95 % CI high"),
        ],
        rows=[row(r) for r in data],
        count=len(data),
    )


def _cell(cell, *, interval=True, rate=True) -> list:
    """A measure's cells: value, its interval, n and the response rate; "< 5" in each when
    fewer than SMALLEST_CELL people answered."""
    width = 1 + (2 if interval else 0) + 1 + (1 if rate else 0)
    if cell.small:
        return [SMALL] * width
    values = [_number(_rounded(cell.value))]
    if interval:
        values += [_number(_rounded(cell.low)), _number(_rounded(cell.high))]
    values.append(cell.n)
    if rate:
        values.append(_number(cell.rate))
    return values


def _rounded(value):
    return None if value is None else round(value, 1)


def indicators_table(*, scope, filters, courses) -> Table:
    data = indicators.indicators(
        scope=scope, filters=filters, courses=courses, group_by=filters.get("group_by")
    )

    def measure(name, unit):
        return [
            f"{name} ({unit})",
            _("%(measure)s: 95 %% CI low") % {"measure": name},
            _("%(measure)s: 95 %% CI high") % {"measure": name},
            _("%(measure)s: n") % {"measure": name},
        ]

    def rate(name):
        return [_("%(measure)s: response rate (%%)") % {"measure": name}]

    satisfaction = _("Satisfaction")
    gain = _("Knowledge gain")
    retention_30 = _("Retention at 30 days")
    retention_180 = _("Retention at 180 days")
    application = _("Application at 90 days")
    return Table(
        headings=[
            _("Group"),
            _("People trained"),
            _("Currently certified"),
            *measure(satisfaction, "0–100"),
            *rate(satisfaction),
            *measure(gain, _("points")),
            *measure(retention_30, "%"),
            *rate(retention_30),
            *measure(retention_180, "%"),
            *rate(retention_180),
            *measure(application, "%"),
            *rate(application),
        ],
        rows=[
            [
                r.group,
                SMALL if r.trained.small else r.trained.n,
                SMALL if r.certified.small else r.certified.n,
                *_cell(r.satisfaction),
                *_cell(r.gain, rate=False),
                *_cell(r.retention_30),
                *_cell(r.retention_180),
                *_cell(r.application_90),
            ]
            for r in data
        ],
        count=len(data),
    )


def certificates_table(*, scope, filters, courses) -> Table:
    period = filters.get("period") or "month"
    data = selectors.certificate_register(
        scope=scope, filters=filters, courses=courses, period=period
    )
    fmt = "Y" if period == "year" else "YEAR_MONTH_FORMAT"
    return Table(
        headings=[
            _("Course"),
            _("Period"),
            _("Issued"),
            _("Expired since"),
            _("Revoked"),
            _("First certificates"),
            _("Renewals"),
        ],
        rows=[
            [
                r.course.title,
                formats.date_format(r.period, fmt),
                r.issued,
                r.expired,
                r.revoked,
                r.first,
                r.renewals,
            ]
            for r in data
        ],
        count=len(data),
    )


TABLES: dict[str, Callable[..., Table]] = {
    "completion": completion_table,
    "summary": summary_table,
    "impact": impact_table,
    "certificates": certificates_table,
    "indicators": indicators_table,
}


def donor_summary_html(*, scope: CoordinatorScope, filters: dict, courses) -> str:
    """The donor summary: headline figures and charts (SVG, drawn here), ready for WeasyPrint."""
    summary = selectors.course_summary(scope=scope, filters=filters, courses=courses, group_by=None)
    gains = selectors.impact(scope=scope, filters=filters, courses=courses, group_by=None)
    per_month = selectors.trained_per_month(scope=scope, filters=filters, courses=courses)
    by_role = selectors.trained_by(scope=scope, filters=filters, courses=courses, group_by="role")
    by_county = selectors.trained_by(
        scope=scope, filters=filters, courses=courses, group_by="county"
    )
    # Summed over courses: a person certified in two courses counts in each (the table below
    # gives each course's n). Hidden like any count under SMALLEST_CELL.
    certified = sum(r.certified for r in summary)
    if certified < selectors.SMALLEST_CELL:
        certified = None
    context = {
        "scope": scope,
        "applied_filters": _applied_filters(filters, courses),
        "generated_at": timezone.now(),
        "summary": summary,
        "gains": gains,
        "impact_method": selectors.impact_method(),
        "summary_method": selectors.summary_method(),
        "indicators_method": indicators.indicators_method(),
        # The Indicators report's rows, as its pages and exports give them (the overall row
        # comes first in every grouping).
        **{
            f"indicators_{name}": by[1:] if name != "overall" else by[:1]
            for name, by in (
                (
                    name,
                    indicators.indicators(
                        scope=scope,
                        filters=filters,
                        courses=courses,
                        group_by=None if name == "overall" else name,
                    ),
                )
                for name in ("overall", "role", "county", "month")
            )
        },
        "totals": {
            "enrolled": sum(r.enrolled for r in summary),
            "completed": sum(r.completions for r in summary),
            "people": sum(n for _label, n in by_role),
            "certified": certified,
        },
        "chart_month": charts.column_chart(
            # Translated, as a format: "Dec 2026" in English, "dec 2026" in Romanian.
            [(formats.date_format(d, pgettext("chart month", "M Y")), n) for d, n in per_month],
            title=_("People trained per month"),
        ),
        "chart_role": charts.bar_chart(by_role, title=_("People trained by role")),
        "chart_county": charts.bar_chart(by_county[:15], title=_("People trained by county")),
        "chart_rates": charts.grouped_bar_chart(
            [(r.course.title, [r.completion_rate or 0, r.pass_rate or 0]) for r in summary],
            series=[_("Completion rate (%)"), _("Pass rate (%)")],
            title=_("Completion and pass rates"),
            maximum=100,
        ),
        "chart_gain": charts.grouped_bar_chart(
            [
                (r.course.title, [r.mean_pre, r.mean_post])
                for r in gains
                if r.matched and not r.suppressed
            ],
            series=[_("Mean pre-test (%)"), _("Mean post-test (%)")],
            title=_("Knowledge before and after"),
            maximum=100,
        ),
    }
    return render_to_string("reports/pdf/donor_summary.html", context)


def _applied_filters(filters: dict, courses) -> list[tuple[str, str]]:
    """Every filter the summary was made with, as (label, value), for its header: a donor
    reading the PDF sees what it counts."""
    applied = []
    if filters.get("course"):
        titles = {c.key: c.title for c in courses}
        applied.append((_("Course"), titles.get(filters["course"], "")))
    if filters.get("role"):
        applied.append((_("Role"), str(dict(ProfessionalRole.choices)[filters["role"]])))
    if filters.get("institution"):
        applied.append((_("Institution"), filters["institution"].name))
    if filters.get("county"):
        applied.append((_("County"), str(dict(County.choices)[filters["county"]])))
    start, end = filters.get("date_from"), filters.get("date_to")
    if start or end:
        # "j F Y" through the catalogue: 3 decembrie 2026 (Django's Romanian months are
        # capitalised; locale/ro writes them as Romanian does, see
        # elearning/infrastructure/django_strings.py).
        start = formats.date_format(start, "DATE_FORMAT") if start else ""
        end = formats.date_format(end, "DATE_FORMAT") if end else ""
        if start and end:
            period = _("%(start)s to %(end)s") % {"start": start, "end": end}
        elif start:
            period = _("from %(start)s") % {"start": start}
        else:
            period = _("until %(end)s") % {"end": end}
        applied.append((_("Period"), period))
    return applied
