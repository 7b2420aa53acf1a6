"""Reads for coordinators' reports. Every function takes a scope and applies it in SQL.

Reports count a course once, whichever language it was taken in: rows are keyed by the course's
translation_key, and titles come from the page in the reader's language when it exists.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from statistics import mean, median
from uuid import UUID

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncYear
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import County, ProfessionalRole
from accounts.services import NO_MAILBOX_DOMAIN
from certificates.models import Certificate, CertificateState, CertificateStatus
from certificates.selectors import certificate_state_expression, renewal_condition
from courses.models import CoursePage, Enrollment, StepCompletion
from courses.selectors import course_step_links, progress_percent_expression
from elearning.infrastructure import caching
from evaluation.selectors import (
    GAIN_METHOD,
    Gain,
    knowledge_gain,
    matched_course_keys,
    objective_gain,
    objective_titles,
)
from evaluation.statistics import Estimate
from quizzes.models import Attempt, AttemptStatus, QuizKind

from .models import CoordinatorScope, ScopeLevel


class Status(TextChoices):
    """Where a learner is in a course, as the completion report says it (exclusive, in this
    order of precedence: completed, overdue, in progress, not started)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    # One learner's status: singular in Romanian ("Finalizat"); the plain "Completed" is the
    # plural heading of a group of courses ("Finalizate").
    COMPLETED = "completed", pgettext_lazy("one learner's course", "Completed")
    OVERDUE = "overdue", _("Overdue")


class CertificateFilter(TextChoices):
    """The completion report's certificate filter, on the row's certificate (the row's run's,
    or the latest one while a new run is in progress), by `certificate_state_expression`."""

    VALID = "valid", _("Current (valid)")
    EXPIRING = "expiring", _("Expiring within the days below")
    EXPIRED = "expired", pgettext_lazy("certificate", "Expired")
    RENEWAL_OVERDUE = "renewal_overdue", pgettext_lazy("certificate", "Renewal overdue")


# "Expiring within N days" when the coordinator gives no number; the form allows 1 to 3650.
EXPIRING_DAYS = 90


def scope_for(user) -> CoordinatorScope | None:
    """The user's scope, or None when they may not see reports at all. Administrators see
    everything; anyone else needs both the permission and an assigned scope."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return CoordinatorScope(user=user, level=ScopeLevel.NATIONAL)
    if not user.has_perm("reports.view_reports"):
        return None
    return CoordinatorScope.objects.filter(user=user).select_related("institution").first()


def may_download_certificate(user, certificate) -> bool:
    """A coordinator may download the certificates of the learners in their scope."""
    from accounts.models import User

    scope = scope_for(user)
    return scope is not None and (
        User.objects.filter(scope.learner_filter(), pk=certificate.learner_id).exists()
    )


# Courses -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseInfo:
    key: UUID
    title: str
    required_keys: frozenset[UUID]
    final_quiz_keys: frozenset[UUID]
    pre_test_keys: frozenset[UUID]
    post_test_keys: frozenset[UUID]

    @property
    def required_count(self) -> int:
        return len(self.required_keys)


def report_courses() -> list[CourseInfo]:
    """Every live course once, titled in the active language (Romanian when untranslated).

    Every report request (page, filter form, export) asks for it, and it changes only when the
    page tree does, so it is cached with the tree: any publish, unpublish or move drops it."""
    language = translation.get_language() or "ro"
    return caching.pages.get("report-courses", language, fill=lambda: _report_courses(language))


def _report_courses(language: str) -> list[CourseInfo]:
    by_key: dict[UUID, CoursePage] = {}
    for course in CoursePage.objects.live().select_related("locale").order_by("path"):
        current = by_key.get(course.translation_key)
        if current is None or course.locale.language_code == language:
            by_key[course.translation_key] = course
    infos = []
    for key, course in by_key.items():
        steps = course_step_links(course=course)
        kinds = {s.translation_key: s.kind for s in steps}
        infos.append(
            CourseInfo(
                key=key,
                title=course.title,
                required_keys=frozenset(
                    s.translation_key for s in steps if s.counts_for_completion
                ),
                final_quiz_keys=frozenset(k for k, v in kinds.items() if v == QuizKind.FINAL),
                pre_test_keys=frozenset(k for k, v in kinds.items() if v == QuizKind.PRE_TEST),
                post_test_keys=frozenset(k for k, v in kinds.items() if v == QuizKind.POST_TEST),
            )
        )
    return sorted(infos, key=lambda c: c.title.lower())


def course_titles_and_urls() -> dict[UUID, dict[str, tuple[str, str]]]:
    """Per course key, its title and full URL in each language it exists in (for e-mails)."""
    from django.conf import settings

    out: dict[UUID, dict[str, tuple[str, str]]] = {}
    for course in CoursePage.objects.live().select_related("locale"):
        out.setdefault(course.translation_key, {})[course.locale.language_code] = (
            course.title,
            settings.SITE_URL + (course.get_url() or ""),
        )
    return out


# Completion ----------------------------------------------------------------------------------


def _filtered(qs, filters: dict):
    """The filters every report shares, on a queryset of rows with `course_key` and `learner`."""
    if filters.get("course"):
        qs = qs.filter(course_key=filters["course"])
    if filters.get("role"):
        qs = qs.filter(learner__role=filters["role"])
    if filters.get("institution"):
        qs = qs.filter(learner__institution=filters["institution"])
    if filters.get("county"):
        qs = qs.filter(learner__county=filters["county"])
    return qs


def _runs(*, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]):
    """Every run (an Enrollment row: the first, each retake, each renewal) in scope, with the
    filters on the learner and the course applied; no dates, no status."""
    qs = _filtered(
        Enrollment.objects.filter(
            scope.learner_filter("learner__"), course_key__in=[c.key for c in courses]
        ),
        filters,
    )
    if filters.get("language"):
        qs = qs.filter(learner__preferred_language=filters["language"])
    return qs


def _dated(qs, filters: dict, date_field: str):
    if filters.get("date_from"):
        qs = qs.filter(**{f"{date_field}__date__gte": filters["date_from"]})
    if filters.get("date_to"):
        qs = qs.filter(**{f"{date_field}__date__lte": filters["date_to"]})
    return qs


def _enrollments(*, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]):
    """The completion report's rows with every filter but the status applied: each learner's
    current run of each course, its date range on the run's start. When only completions are
    asked for, every completed run instead, the range on its completion date ("who completed
    this year"): a renewal completed this year is a completion of its own, counted once by its
    date, and a learner's earlier run completed last year is not counted again."""
    qs = _runs(scope=scope, filters=filters, courses=courses)
    if filters.get("status") == Status.COMPLETED:
        return _dated(qs.filter(completed_at__isnull=False), filters, "completed_at")
    return _dated(qs.filter(current=True), filters, "started_at")


def _cohort(*, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]):
    """The runs the summary and impact figures count: every run started in the date range (all
    of them without one), whether current or not."""
    return _dated(_runs(scope=scope, filters=filters, courses=courses), filters, "started_at")


def completion_rows(
    *, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]
) -> QuerySet[Enrollment]:
    """One row per learner and course, with progress, final score, attempts and certificate.

    The per-row figures are correlated subqueries, so a page of 50 rows evaluates them 50 times
    whatever the size of the table, and an export streams them with the rows."""
    required = set().union(*(c.required_keys for c in courses)) if courses else set()
    finals = set().union(*(c.final_quiz_keys for c in courses)) if courses else set()
    steps_done = (
        StepCompletion.objects.filter(
            learner=OuterRef("learner"),
            course_key=OuterRef("course_key"),
            run=OuterRef("run"),
            step_key__in=required,
        )
        .order_by()
        .values("learner")
        .annotate(n=Count("*"))
        .values("n")
    )
    final_attempts = Attempt.objects.filter(
        learner=OuterRef("learner"),
        course_key=OuterRef("course_key"),
        run=OuterRef("run"),
        quiz_key__in=finals,
        status=AttemptStatus.SUBMITTED,
    ).order_by()
    total_steps = Case(
        *[When(course_key=c.key, then=Value(max(c.required_count, 1))) for c in courses],
        default=Value(1),
        output_field=IntegerField(),
    )
    today = timezone.localdate()
    now = timezone.now()
    qs = (
        _enrollments(scope=scope, filters=filters, courses=courses)
        .select_related("learner", "learner__institution")
        # At most one certificate per row: a join, where five correlated subqueries (one per
        # column) made the national CSV's query the slowest part of the export
        # (benchmarks/README.md, "Coordinator reports", what each change bought). A completed
        # run's own certificate; while a run is in progress (it has none yet: certificates are
        # issued on completion), the previous run's, the latest the learner holds. A new run
        # opens only once the one before it is complete, so that is run - 1. The unique
        # (learner, course, run) keeps it to one row per run, however many runs there are.
        .annotate(
            course_certificate=FilteredRelation(
                "learner__certificates",
                condition=Q(
                    learner__certificates__course_key=F("course_key"),
                    learner__certificates__run=Case(
                        When(completed_at__isnull=True, then=F("run") - 1),
                        default=F("run"),
                        output_field=IntegerField(),
                    ),
                ),
            )
        )
        .annotate(
            steps_done=Coalesce(Subquery(steps_done, output_field=IntegerField()), 0),
            final_score=Subquery(
                final_attempts.values("learner").annotate(best=Max("score")).values("best")
            ),
            attempts=Coalesce(
                Subquery(
                    final_attempts.values("learner").annotate(n=Count("*")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            certificate_id=F("course_certificate__id"),
            certificate_code=F("course_certificate__code"),
            certificate_status=F("course_certificate__status"),
            certificate_revoked_at=F("course_certificate__revoked_at"),
            certificate_state=certificate_state_expression("course_certificate__", now=now),
            certificate_expires_at=F("course_certificate__expires_at"),
            certificate_first_certified=Coalesce(
                "course_certificate__first_certified_at", "course_certificate__completed_at"
            ),
        )
        .annotate(
            contact_email=_contact_email(),
            # What the learner sees on their pages, computed the same way in SQL.
            progress=progress_percent_expression(
                done=Coalesce("steps_done", 0),
                total=total_steps,
                completed=Q(completed_at__isnull=False),
            ),
            status=Case(
                When(completed_at__isnull=False, then=Value(Status.COMPLETED.value)),
                When(due_on__lt=today, then=Value(Status.OVERDUE.value)),
                When(
                    Q(last_step_key__isnull=False) | Q(steps_done__gt=0),
                    then=Value(Status.IN_PROGRESS.value),
                ),
                default=Value(Status.NOT_STARTED.value),
            ),
        )
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("certificate"):
        qs = _certificate_filtered(qs, filters, now=now)
    return qs


def _contact_email():
    """The learner's address as a coordinator should see it: their login address, or, for an
    account an LTI launch created (its login is a placeholder that names no mailbox:
    accounts.services.email_deliverable), the address their platform gave, if any, else ""."""
    from lti.models import LtiIdentity

    given = (
        LtiIdentity.objects.filter(user=OuterRef("learner"))
        .exclude(email="")
        .order_by("pk")
        .values("email")[:1]
    )
    return Case(
        When(
            learner__email__iendswith=NO_MAILBOX_DOMAIN,
            then=Coalesce(Subquery(given, output_field=CharField()), Value("")),
        ),
        default=F("learner__email"),
        output_field=CharField(),
    )


def _certificate_filtered(qs, filters: dict, *, now):
    """The certificate filter, by the state every surface shows (certificate_state_expression).
    Expiring: not expired yet (valid, or valid with its renewal overdue) and expiring within
    the days asked for."""
    wanted = filters["certificate"]
    if wanted == CertificateFilter.EXPIRING:
        days = filters.get("expiring_days") or EXPIRING_DAYS
        return qs.filter(
            certificate_state__in=[CertificateState.VALID, CertificateState.RENEWAL_OVERDUE],
            certificate_expires_at__lte=now + datetime.timedelta(days=days),
        )
    return qs.filter(certificate_state=CertificateState(wanted).value)


def renewal_candidates(*, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]):
    """Of the completion report's rows (the same filters and scope), the learners and courses a
    coordinator's "assign renewal" can start a renewal run for: active learners whose current
    run is complete. (learner_id, course_key) pairs, each once, in a stable order."""
    rows = completion_rows(scope=scope, filters=filters, courses=courses)
    current_complete = Enrollment.objects.filter(
        learner=OuterRef("learner"),
        course_key=OuterRef("course_key"),
        current=True,
        completed_at__isnull=False,
    )
    return (
        rows.filter(Exists(current_complete), learner__is_active=True)
        .order_by("learner_id", "course_key")
        .values_list("learner_id", "course_key")
        .distinct()
    )


def status_label(status: str) -> str:
    return str(dict(Status.choices).get(status, status))


def certificate_label(state: str | None) -> str:
    """A row's certificate state (`certificate_state` below) as a coordinator reads it."""
    return str(CertificateState(state).label) if state else ""


# Course summary ------------------------------------------------------------------------------


@dataclass
class SummaryRow:
    course: CourseInfo
    group: str  # "" for the whole course, else a role or county label
    enrolled: int = 0  # people with a run started in the period (a learner once)
    completed: int = 0  # of them, people who completed such a run
    completions: int = 0  # runs completed in the period, renewals each once by their date
    certified: int = 0  # of the enrolled, people currently certified (summary_method)
    attempted: int = 0
    passed: int = 0
    scores: list = field(default_factory=list)
    days: list = field(default_factory=list)

    @property
    def completion_rate(self):
        return round(100 * self.completed / self.enrolled, 1) if self.enrolled else None

    @property
    def certified_suppressed(self) -> bool:
        # A count of one to four people, or a share of so few, points at people.
        return self.enrolled < SMALLEST_CELL or self.certified < SMALLEST_CELL

    @property
    def certified_shown(self):
        return None if self.certified_suppressed else self.certified

    @property
    def certified_rate(self):
        if self.certified_suppressed:
            return None
        return round(100 * self.certified / self.enrolled, 1)

    @property
    def pass_rate(self):
        return round(100 * self.passed / self.attempted, 1) if self.attempted else None

    @property
    def average_score(self):
        return round(mean(self.scores), 1) if self.scores else None

    @property
    def median_days(self):
        return round(median(self.days), 1) if self.days else None


GROUPS = {"role": "learner__role", "county": "learner__county"}


def _group_label(group_by: str | None, value) -> str:
    if group_by == "role":
        return str(dict(ProfessionalRole.choices).get(value, value or "—"))
    if group_by == "county":
        return str(dict(County.choices).get(value, value or "—"))
    return ""


def summary_method() -> str:
    """How the summary's people and completion figures are computed, said beside them."""
    return _(
        "Enrolled: people with a run of the course (a first time, a retake or a renewal) "
        "started in the period, each person once. Completed: of them, the people who "
        "completed such a run. Completions: runs completed in the period, by completion date; "
        "a renewal counts once, on its own date. Currently certified: of the enrolled people "
        "(n), those whose latest certificate in the course is valid today, including those "
        "asked to re-certify after the date a re-certification set, whose certificate has "
        "not expired. Counts of fewer than %(smallest)d people are not shown."
    ) % {"smallest": SMALLEST_CELL}


def course_summary(
    *, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo], group_by: str | None
) -> list[SummaryRow]:
    """Per course (and role or county): enrolled and completed people, completions (runs),
    currently certified people, completion and pass rates, average best final score and median
    days to complete, as `summary_method` says. Five queries whatever the data."""
    by_key = {c.key: c for c in courses}
    group_field = GROUPS.get(group_by or "")
    rows: dict[tuple, SummaryRow] = {}

    def row(course_key, group_value):
        key = (course_key, group_value if group_field else "")
        if key not in rows:
            rows[key] = SummaryRow(course=by_key[course_key], group=_group_label(group_by, key[1]))
        return rows[key]

    enrollments = _cohort(scope=scope, filters=filters, courses=courses)
    fields = ["course_key"] + ([group_field] if group_field else [])
    for item in (
        enrollments.order_by()
        .values(*fields)
        .annotate(
            enrolled=Count("learner", distinct=True),
            completed=Count("learner", distinct=True, filter=Q(completed_at__isnull=False)),
        )
    ):
        r = row(item["course_key"], item.get(group_field))
        r.enrolled, r.completed = item["enrolled"], item["completed"]

    completions = _dated(
        _runs(scope=scope, filters=filters, courses=courses).filter(completed_at__isnull=False),
        filters,
        "completed_at",
    )
    for item in completions.order_by().values(*fields).annotate(n=Count("id")):
        row(item["course_key"], item.get(group_field)).completions = item["n"]

    # Everyone's latest certificate is the one not renewed (superseded) by a later run's:
    # counting the valid ones counts each person at most once per course.
    certified = (
        Certificate.objects.filter(
            course_key__in=list(by_key), learner__in=enrollments.values("learner")
        )
        .annotate(state=certificate_state_expression(now=timezone.now()))
        .filter(state__in=[CertificateState.VALID, CertificateState.RENEWAL_OVERDUE])
        .order_by()
        .values(*fields)
        .annotate(n=Count("learner", distinct=True))
    )
    for item in certified:
        row(item["course_key"], item.get(group_field)).certified = item["n"]

    for course_key, group_value, started, completed in enrollments.filter(
        completed_at__isnull=False
    ).values_list("course_key", group_field or "course_key", "started_at", "completed_at"):
        row(course_key, group_value).days.append((completed - started).total_seconds() / 86400)

    finals = set().union(*(c.final_quiz_keys for c in courses)) if courses else set()
    # Each learner's best final score and whether they ever passed, in one grouped query.
    attempts = (
        Attempt.objects.filter(
            quiz_key__in=finals,
            course_key__in=[filters["course"]] if filters.get("course") else list(by_key),
            status=AttemptStatus.SUBMITTED,
            learner__in=enrollments.values("learner"),
        )
        .order_by()
        .values("course_key", "learner", *([group_field] if group_field else []))
        .annotate(best=Max("score"), passed=Max(Case(When(passed=True, then=1), default=0)))
    )
    for item in attempts:
        if item["course_key"] not in by_key:
            continue
        r = row(item["course_key"], item.get(group_field))
        r.attempted += 1
        r.passed += item["passed"]
        r.scores.append(float(item["best"]))
    order = {c.key: i for i, c in enumerate(courses)}
    return sorted(rows.values(), key=lambda r: (order[r.course.key], r.group))


# Impact --------------------------------------------------------------------------------------


# Scores of fewer learners than this are not shown: a mean of one or two people is their score.
SMALLEST_CELL = 5


@dataclass
class ImpactRow:
    """One course (and group) of the impact report: knowledge gain from matched pairs
    (evaluation.selectors.knowledge_gain), or why there is none."""

    course: CourseInfo
    group: str
    gain: Gain | None = None
    matched: bool = True

    @property
    def pairs(self) -> int:
        return self.gain.pairs if self.gain else 0

    @property
    def suppressed(self) -> bool:
        return self.pairs < SMALLEST_CELL

    def _shown(self, estimate: Estimate | None, digits: int = 1):
        if self.suppressed or estimate is None or estimate.value is None:
            return None
        return estimate.rounded(digits)

    @property
    def raw(self) -> Estimate | None:
        return self._shown(self.gain.raw) if self.gain else None

    @property
    def normalised(self) -> Estimate | None:
        return self._shown(self.gain.normalised, 2) if self.gain else None

    @property
    def effect_size(self) -> Estimate | None:
        return self._shown(self.gain.effect_size, 2) if self.gain else None

    @property
    def mean_pre(self):
        if self.suppressed or not self.gain:
            return None
        return round(self.gain.mean_pre, 1)

    @property
    def mean_post(self):
        if self.suppressed or not self.gain:
            return None
        return round(self.gain.mean_post, 1)

    @property
    def mean_gain(self):
        return self.raw.value if self.raw else None


def impact_method() -> str:
    """How the impact figures are computed, said beside them wherever they are shown."""
    cells = _("Cells of fewer than %(smallest)d pairs show only their n.") % {
        "smallest": SMALLEST_CELL
    }
    # GAIN_METHOD is a format string ("95 %%"): formatted with nothing to put in.
    return f"{GAIN_METHOD % {}} {cells}"


def impact(
    *, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo], group_by: str | None
) -> list[ImpactRow]:
    """Knowledge gain per course (and group) from matched pre/post pairs among the runs the
    summary counts (`_cohort`), by evaluation.selectors.knowledge_gain (its module says how).
    A course whose post-test is not matched with its pre-test gets a row saying so. One query
    for the gains, whatever the number of learners."""
    chosen = [c for c in courses if not filters.get("course") or c.key == filters["course"]]
    matched = matched_course_keys()
    runs = _cohort(scope=scope, filters=filters, courses=chosen)
    by_course: dict = {}
    if group_by == "objective":
        titles = objective_titles(translation.get_language() or "ro")
        for (course_key, objective), gain in objective_gain(runs).items():
            label = titles.get(objective, "—")
            by_course.setdefault(course_key, []).append((label, gain))
    elif group_by in GROUPS:
        gains = knowledge_gain(runs, group_by=("course", group_by))
        for (course_key, value), gain in gains.items():
            by_course.setdefault(course_key, []).append((_group_label(group_by, value), gain))
    else:
        for course_key, gain in knowledge_gain(runs, group_by="course").items():
            by_course[course_key] = [("", gain)]
    rows = []
    for course in chosen:
        if course.key not in matched:
            if course.pre_test_keys or course.post_test_keys:
                rows.append(ImpactRow(course=course, group="", matched=False))
            continue
        for group, gain in sorted(by_course.get(course.key, []), key=lambda g: g[0]):
            rows.append(ImpactRow(course=course, group=group, gain=gain))
    return rows


# Certificates register -----------------------------------------------------------------------


@dataclass
class CertificatePeriodRow:
    course: CourseInfo
    period: datetime.date
    issued: int
    expired: int
    revoked: int
    first: int = 0  # first certificates of the learner in the course
    renewals: int = 0  # certificates renewing an earlier one (certificates.Certificate.is_renewal)


def certificate_register(
    *, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo], period: str = "month"
) -> list[CertificatePeriodRow]:
    """Certificates issued per course and month (or year): how many, how many have expired
    since, how many were revoked, and how many were first certificates and how many renewals
    (`certificates.selectors.renewal_condition`, the rule of `Certificate.is_renewal`). One
    query."""
    by_key = {c.key: c for c in courses}
    qs = _filtered(
        Certificate.objects.filter(
            scope.learner_filter("learner__"), course_key__in=list(by_key)
        ).exclude(status=CertificateStatus.FAILED),
        filters,
    )
    if filters.get("date_from"):
        qs = qs.filter(issued_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(issued_at__date__lte=filters["date_to"])
    trunc = TruncYear if period == "year" else TruncMonth
    items = (
        qs.annotate(
            period=trunc("issued_at"), state=certificate_state_expression(now=timezone.now())
        )
        .order_by()
        .values("course_key", "period")
        .annotate(
            issued=Count("id"),
            expired=Count("id", filter=Q(state=CertificateState.EXPIRED)),
            revoked=Count("id", filter=Q(state=CertificateState.REVOKED)),
            renewals=Count("id", filter=renewal_condition()),
        )
    )
    rows = [
        CertificatePeriodRow(
            course=by_key[i["course_key"]],
            period=i["period"].date() if hasattr(i["period"], "date") else i["period"],
            issued=i["issued"],
            expired=i["expired"],
            revoked=i["revoked"],
            first=i["issued"] - i["renewals"],
            renewals=i["renewals"],
        )
        for i in items
    ]
    order = {c.key: n for n, c in enumerate(courses)}
    return sorted(rows, key=lambda r: (order[r.course.key], r.period))


# Donor summary -------------------------------------------------------------------------------


# A range longer than this (a "from" date typed years before anyone enrolled) starts at the
# first month with a completion instead: a chart of ten years of zeros says nothing.
MAX_MONTHS = 120


def trained_per_month(*, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]):
    """People who completed a run of a course, per month of completion (a renewal counts its
    learner again in its own month): [(date, count)], one entry for
    every month of the filtered range (the data's range for a bound not given), zeros included,
    so that a month without completions shows as one and is not silently left out."""
    qs = (
        _enrollments(scope=scope, filters={**filters, "status": Status.COMPLETED}, courses=courses)
        .filter(completed_at__isnull=False)
        .annotate(month=TruncMonth("completed_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("learner", distinct=True))
        .order_by("month")
    )
    counts = {
        (i["month"].date() if hasattr(i["month"], "date") else i["month"]): i["n"] for i in qs
    }
    if not counts and not (filters.get("date_from") and filters.get("date_to")):
        return []
    first = filters["date_from"].replace(day=1) if filters.get("date_from") else min(counts)
    # Not past this month: nobody has completed anything in a month still to come.
    this_month = timezone.localdate().replace(day=1)
    if filters.get("date_to"):
        last = min(filters["date_to"].replace(day=1), this_month)
    else:
        last = max(counts)
    if _months_between(first, last) >= MAX_MONTHS and counts:
        first = max(first, min(counts))
    months = []
    month = first
    while month <= last and len(months) < MAX_MONTHS:
        months.append((month, counts.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def trained_by(*, scope, filters, courses, group_by: str) -> list[tuple[str, int]]:
    """People who completed at least one run of a course in the period, by role or county,
    largest first (each person once)."""
    qs = (
        _enrollments(scope=scope, filters={**filters, "status": Status.COMPLETED}, courses=courses)
        .filter(completed_at__isnull=False)
        .order_by()
        .values(GROUPS[group_by])
        .annotate(n=Count("learner", distinct=True))
    )
    rows = [(_group_label(group_by, i[GROUPS[group_by]]), i["n"]) for i in qs]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


@dataclass
class RetentionRow:
    course: str
    group: str
    cells: list  # pre, post, 30 days, 180 days: "mean (low–high), n" or "< 5" or ""


def retention_rows(*, scope: CoordinatorScope, filters: dict, courses: list[CourseInfo]):
    """The impact report's retention curve: per course (and per role, county or learning
    objective when the report is grouped so), the mean pre-test, post-test, 30-day and 180-day
    scores with their 95 % interval and n, from the runs the impact figures count (`_cohort`);
    "< 5" for a cell of fewer than SMALLEST_CELL people. Two or three queries
    (retention.selectors)."""
    from retention.selectors import objective_retention_curve, retention_curve

    chosen = [c for c in courses if not filters.get("course") or c.key == filters["course"]]
    runs = _cohort(scope=scope, filters=filters, courses=chosen)
    group_by = filters.get("group_by")
    if group_by == "objective":
        curve = objective_retention_curve(runs)
        titles = objective_titles(translation.get_language() or "ro")
        labels = {key: titles.get(key[1], "—") for key in curve}
    elif group_by in ("role", "county"):
        curve = retention_curve(runs, group_by=("course", group_by))
        labels = {key: _group_label(group_by, key[1]) for key in curve}
    else:
        curve = retention_curve(runs, group_by=("course",))
        labels = dict.fromkeys(curve, "")

    def cell(point) -> str:
        if point.people < SMALLEST_CELL:
            return "< 5" if point.people else ""
        e = point.estimate
        if e.low is None:
            return f"{e.value:.1f} (n={point.people})"
        return f"{e.value:.1f} ({e.low:.1f}–{e.high:.1f}), n={point.people}"

    rows = []
    for course in chosen:
        for key in sorted((key for key in curve if key[0] == course.key), key=labels.get):
            point = curve[key]
            rows.append(
                RetentionRow(
                    course=course.title,
                    group=labels[key],
                    cells=[cell(p) for p in (point.pre, point.post, point.days_30, point.days_180)],
                )
            )
    return rows


def directory_counties(user):
    """The counties whose referral directory entries a coordinator maintains (registered with
    courses.directory): a county coordinator their county's, a national one every entry (None).
    Institution coordinators none: an institution's people do not answer for the county's
    directory, and the county's coordinator is the one reminded when an entry goes stale."""
    scope = scope_for(user)
    if scope is None or scope.level == ScopeLevel.INSTITUTION:
        return frozenset()
    if scope.level == ScopeLevel.NATIONAL:
        return None
    return frozenset({scope.county})


def platform_contexts(scope: CoordinatorScope):
    """The platform courses (LTI contexts) a coordinator may see the roster of: those whose
    registration is linked to an institution in their scope (a national scope: all). A
    registration without an institution is for administrators only."""
    from lti.models import LtiContext

    contexts = LtiContext.objects.select_related("registration", "registration__institution")
    if scope.level == ScopeLevel.INSTITUTION:
        contexts = contexts.filter(registration__institution_id=scope.institution_id)
    elif scope.level == ScopeLevel.COUNTY:
        contexts = contexts.filter(registration__institution__county=scope.county)
    return contexts.order_by("registration__name", "title", "pk")
