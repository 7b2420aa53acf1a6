"""Reads for courses and progress. Query counts here stay constant as courses and learners grow."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from operator import or_
from uuid import UUID

from django.conf import settings
from django.db.models import (
    Case,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from wagtail.models import Page

from elearning.infrastructure import caching
from elearning.infrastructure.caching.serving import with_site_root_paths

from .models import CoursePage, Enrollment, RecertificationCampaign, RunKind, StepCompletion


def progress_percent(*, done: int, total: int, completed: bool = False) -> int:
    """The one progress percentage: the share of a course's steps done, half rounded up, and
    100 once the course is complete. Every page, report and export shows this (the reports in
    SQL through `progress_percent_expression`, which gives the same integers).

    A step is what completing the course needs (`counts_for_completion`: its lessons and
    graded final quizzes); a pre-test, post-test or practice quiz is optional and not counted.
    Integer arithmetic, not round(): round() takes halves to even (1 of 8 would be 12, 5 of 8
    62) and SQL has no portable equivalent.
    """
    if completed:
        return 100
    if total <= 0:
        return 0
    done = max(0, min(done, total))
    return (200 * done + total) // (2 * total)


def progress_percent_expression(*, done, total, completed) -> Expression:
    """`progress_percent` in SQL, for the reports: `done` and `total` integer expressions
    (`total` at least 1), `completed` a condition (a Q or a boolean expression). Integer
    division truncates on SQLite and PostgreSQL alike, and the operands are never negative, so
    (200 * done + total) / (2 * total) is the floor of 100 * done / total + 1/2 on both."""
    return Case(
        When(completed, then=Value(100)),
        default=Least(Value(100), (Value(200) * done + total) / (Value(2) * total)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class StepLink:
    """What an outline needs of a step. Immutable, so that each process keeps one copy of a
    course's links for every request (see `course_step_links`)."""

    pk: int
    title: str
    translation_key: UUID
    url: str
    counts_for_completion: bool
    # The step's kind where its page type has one (a quiz: pre-test, practice, post-test,
    # final; see quizzes.models.QuizKind), "" for a lesson. Reports pair pre- and post-tests
    # and find final quizzes by it.
    kind: str = ""


@dataclass(slots=True)
class OutlineStep:
    page: Page | StepLink
    completed: bool
    current: bool = False
    link: str = ""
    # The step's place among the steps that count (1, 2, ...); None for an optional one.
    number: int | None = None

    @property
    def counts(self) -> bool:
        """Whether it is a step of the course's progress (see `progress_percent`)."""
        return self.page.counts_for_completion

    @property
    def key(self) -> UUID:
        return self.page.translation_key

    @property
    def url(self) -> str:
        return self.link or self.page.url


@dataclass
class CourseOutline:
    """A course's steps in tree order with one learner's progress."""

    course: CoursePage
    steps: list[OutlineStep]
    enrollment: Enrollment | None = None
    required_keys: set[UUID] = field(default_factory=set)
    completed_keys: set[UUID] = field(default_factory=set)

    @property
    def percent(self) -> int:
        return progress_percent(
            done=self.completed_count, total=self.step_count, completed=self.is_complete
        )

    @property
    def step_count(self) -> int:
        """The course's steps: what the outline numbers and "2 of 6 steps done" counts."""
        return len(self.required_keys)

    @property
    def optional_count(self) -> int:
        """Listed in the outline but not steps: pre-tests, post-tests, practice quizzes."""
        return sum(1 for step in self.steps if not step.counts)

    @property
    def is_complete(self) -> bool:
        return bool(self.enrollment and self.enrollment.completed_at)

    @property
    def completed_count(self) -> int:
        return len(self.required_keys & self.completed_keys)

    @property
    def fragment_key(self) -> str:
        """What the rendered outline depends on besides the published tree: the course, the
        current step and which of its steps are done (a digest of their keys, never who the
        learner is). Learners at the same point of a course get the same HTML, so they share it."""
        done = sorted(str(step.key) for step in self.steps if step.completed)
        digest = hashlib.sha1(",".join(done).encode(), usedforsecurity=False).hexdigest()
        current = next((step.page.pk for step in self.steps if step.current), "")
        return f"{self.course.pk}:{current}:{digest}"

    def _index(self, page) -> int | None:
        for i, step in enumerate(self.steps):
            if step.page.pk == page.pk:
                return i
        return None

    def previous_step(self, page):
        i = self._index(page)
        return self.steps[i - 1].page if i else None

    def next_step(self, page):
        i = self._index(page)
        return self.steps[i + 1].page if i is not None and i + 1 < len(self.steps) else None

    def continue_step(self):
        """Where "Continue" leads: the first step not done after the last visited, else the
        first not done, else the last visited, else the first."""
        if not self.steps:
            return None
        last = self.enrollment.last_step_key if self.enrollment else None
        keys = [s.key for s in self.steps]
        start = keys.index(last) if last in keys else 0
        return self._first_not_done(start) or self.steps[start].page

    def step_after(self, page):
        """The learner's next step once `page` is done (a result page's main action): the
        first step not done after it, going round to the start; None when all are done."""
        i = self._index(page)
        return self._first_not_done(0 if i is None else i + 1)

    def _first_not_done(self, start: int):
        for step in self.steps[start:] + self.steps[:start]:
            if not step.completed:
                return step.page
        return None


def step_models() -> list[type[Page]]:
    """Every page type that is a course step (lessons here; quizzes register their own)."""
    from wagtail.models import get_page_models

    from .models import CourseStepMixin

    return [m for m in get_page_models() if issubclass(m, CourseStepMixin) and not m._meta.abstract]


def _course_step_pages(*, course: CoursePage) -> list[Page]:
    """The course's live steps, specific, in tree order: one query per step type, whatever the
    number of steps, without their StreamField bodies. Read only to fill `course_step_links`."""
    steps = []
    for model in step_models():
        steps.extend(model.objects.child_of(course).live().defer_streamfields())
    return with_site_root_paths(sorted(steps, key=lambda page: page.path))


def course_step_links(*, course: CoursePage) -> tuple[StepLink, ...]:
    """The course's live steps in tree order, as much of them as outlines, progress and
    reports need.

    Cached with the page tree (publish, unpublish, move, delete: see
    elearning/infrastructure/caching/invalidation.py): every lesson view needs the whole outline.
    """

    def fill() -> tuple[StepLink, ...]:
        return tuple(
            StepLink(
                pk=page.pk,
                title=page.title,
                translation_key=page.translation_key,
                url=page.url,
                counts_for_completion=page.counts_for_completion,
                kind=getattr(page, "kind", ""),
            )
            for page in _course_step_pages(course=course)
        )

    return caching.pages.get("course-step-links", course.pk, fill=fill)


def course_url(*, course: CoursePage) -> str:
    """The course's URL, as `course.url` gives it, kept under the page tree's version: working
    it out (site root paths, a reverse in the course's language) costs more than a lesson's
    outline."""
    return caching.pages.get("page-url", course.pk, fill=lambda: course.url)


def course_required_keys(*, course: CoursePage) -> frozenset[UUID]:
    """The translation keys of the steps that completing the course needs.

    Cached like the steps: every completed step checks them, and even reading them from the
    outline's links costs more than this set.
    """
    return caching.pages.get(
        "course-required-keys",
        course.pk,
        fill=lambda: frozenset(
            link.translation_key
            for link in course_step_links(course=course)
            if link.counts_for_completion
        ),
    )


def course_of_step(*, step: Page) -> CoursePage:
    """The course a step belongs to (its parent), cached like the outline; raises
    CoursePage.DoesNotExist when the parent is not a course."""
    parent_path = step.path[: -step.steplen]
    return caching.pages.get(
        "course",
        parent_path,
        fill=lambda: CoursePage.objects.defer_streamfields().get(path=parent_path),
    )


@dataclass(frozen=True)
class LearnerProgress:
    """One learner's enrolment and completed steps in one course."""

    enrollment: Enrollment | None
    completed_keys: frozenset[UUID]


def learner_progress(*, learner, course_key: UUID) -> LearnerProgress:
    """Read on every lesson view, so cached per learner and course (never shared between
    learners); courses.services.progress_changed retires it whenever progress is written."""
    return caching.progress.get(
        learner.pk,
        course_key,
        fill=lambda: _learner_progress(learner=learner, course_key=course_key),
    )


def _learner_progress(*, learner, course_key: UUID) -> LearnerProgress:
    # Two queries whatever the number of runs: the current run, then its completed steps.
    enrollment = Enrollment.objects.filter(
        learner=learner, course_key=course_key, current=True
    ).first()
    return LearnerProgress(
        enrollment=enrollment,
        completed_keys=frozenset(
            StepCompletion.objects.filter(
                learner=learner, course_key=course_key, run=enrollment.run if enrollment else 1
            ).values_list("step_key", flat=True)
        ),
    )


def current_run_number(*, learner, course_key: UUID) -> int:
    """The number of the learner's current run in the course (1 before they enrol: the step
    that enrols them opens run 1). One query; `current_run_expression` is the same in SQL."""
    return (
        Enrollment.objects.filter(learner=learner, course_key=course_key, current=True)
        .values_list("run", flat=True)
        .first()
        or 1
    )


def current_run_expression(*, learner, course_key: UUID):
    """The number of the learner's current run in the course, as SQL (1 before they enrol):
    lets a query of attempts or completions keep to the current run in one statement."""
    return Coalesce(
        Subquery(
            Enrollment.objects.filter(learner=learner, course_key=course_key, current=True).values(
                "run"
            )[:1]
        ),
        Value(1),
    )


# Checks other apps register (courses cannot import them): check(learner, courses) returns the
# keys of those courses where the learner's certificate asks for renewal (certificates: it
# expires within the course's renewal window, or a re-certification asks for it).
RenewalCheck = Callable[[object, list[CoursePage]], set[UUID]]
_renewal_checks: list[RenewalCheck] = []


def register_renewal_check(check: RenewalCheck) -> None:
    if check not in _renewal_checks:
        _renewal_checks.append(check)


def run_offers(*, learner, courses: list[tuple[CoursePage, Enrollment | None]]) -> dict:
    """What new run the learner may start now in each course, {course_key: RunKind}, for the
    courses given with their current run; a constant number of queries. Only after completing
    the current run; a renewal when their certificate asks for one, else a retake where the
    course allows retakes. The one rule for "Start again" and for the run it starts."""
    completed = [
        course
        for course, enrollment in courses
        if enrollment is not None and enrollment.current and enrollment.completed_at is not None
    ]
    if not completed:
        return {}
    completed = governing_courses(completed)
    renewals = set()
    for check in _renewal_checks:
        renewals |= check(learner, completed)
    offers = {}
    for course in completed:
        if course.translation_key in renewals:
            offers[course.translation_key] = RunKind.RENEWAL
        elif course.allows_retakes:
            offers[course.translation_key] = RunKind.RETAKE
    return offers


# The settings of a course that hold whatever the learner's language: its retakes, its renewal
# window (and, in certificates, its validity and hours) are read from its page in the default
# language, so a trainer who changes them on one translation only cannot make the offer depend
# on the language a learner reads in.
GOVERNING_FIELDS = ("translation_key", "allows_retakes", "renewal_window_days")


def governing_courses(courses: list[CoursePage]) -> list[CoursePage]:
    """`courses` as their pages in the default language (settings.LANGUAGE_CODE) where they
    have one; at most one query, none when they are all in it already."""
    default = settings.LANGUAGE_CODE
    others = [c.translation_key for c in courses if c.locale.language_code != default]
    if not others:
        return courses
    source = {
        page.translation_key: page
        for page in CoursePage.objects.filter(
            translation_key__in=others, locale__language_code=default
        ).only(*GOVERNING_FIELDS)
    }
    return [source.get(c.translation_key, c) for c in courses]


def run_offer(*, learner, course: CoursePage, enrollment: Enrollment | None) -> str | None:
    """`run_offers` for one course: a RunKind, or None."""
    return run_offers(learner=learner, courses=[(course, enrollment)]).get(course.translation_key)


def open_recertification(*, course_key: UUID) -> RecertificationCampaign | None:
    return RecertificationCampaign.objects.filter(
        course_key=course_key, closed_at__isnull=True
    ).first()


def past_runs(*, learner, course_keys: list[UUID]) -> dict[UUID, list[Enrollment]]:
    """The learner's completed runs before the current one, newest first, by course (one
    query): the history "My learning" shows."""
    runs: dict[UUID, list[Enrollment]] = {}
    for run in Enrollment.objects.filter(
        learner=learner, course_key__in=course_keys, current=False
    ).order_by("course_key", "-run"):
        runs.setdefault(run.course_key, []).append(run)
    return runs


def course_outline(
    *,
    course: CoursePage,
    learner,
    current: Page | None = None,
    progress: LearnerProgress | None = None,
) -> CourseOutline:
    links = course_step_links(course=course)
    if progress is None and learner is not None and learner.is_authenticated:
        progress = learner_progress(learner=learner, course_key=course.translation_key)
    completed = set(progress.completed_keys) if progress else set()
    return CourseOutline(
        course=course,
        steps=_numbered(
            [
                OutlineStep(
                    page=link,
                    completed=link.translation_key in completed,
                    current=current is not None and link.pk == current.pk,
                    link=link.url,
                )
                for link in links
            ]
        ),
        enrollment=progress.enrollment if progress else None,
        required_keys={link.translation_key for link in links if link.counts_for_completion},
        completed_keys=completed,
    )


def _numbered(steps: list[OutlineStep]) -> list[OutlineStep]:
    """Number the steps that count, 1, 2, ...: the outline shows as many as the course has."""
    number = 0
    for step in steps:
        if step.counts:
            number += 1
            step.number = number
    return steps


@dataclass
class CourseProgress:
    course: CoursePage
    percent: int
    started_at: datetime | None
    completed_at: datetime | None
    continue_url: str | None
    extras: list[dict] = field(default_factory=list)
    done: int = 0  # steps done, of `total` (see progress_percent)
    total: int = 0
    enrollment: Enrollment | None = None  # the current run
    offer: str | None = None  # the new run (RunKind) the learner may start ("My learning")
    past_runs: list = field(default_factory=list)


def courses_with_progress(*, courses: list[CoursePage], learner) -> list[CourseProgress]:
    """Progress of one learner in many courses, in a constant number of queries."""
    if not courses:
        return []
    steps_by_course: dict[str, list[Page]] = {c.path: [] for c in courses}
    children_of_courses = reduce(
        or_, (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses)
    )
    steps = []
    for model in step_models():
        steps.extend(model.objects.live().filter(children_of_courses).defer_streamfields())
    for page in sorted(steps, key=lambda page: page.path):
        steps_by_course[page.path[: -Page.steplen]].append(page)

    enrollments, completed = {}, {}
    if learner is not None and learner.is_authenticated:
        keys = [c.translation_key for c in courses]
        enrollments = {
            e.course_key: e
            for e in Enrollment.objects.filter(learner=learner, course_key__in=keys, current=True)
        }
        # The current run's completions only: join the run in SQL (constant in runs).
        current = Enrollment.objects.filter(
            learner=learner, course_key=OuterRef("course_key"), current=True
        ).values("run")[:1]
        for course_key, step_key in (
            StepCompletion.objects.filter(learner=learner, course_key__in=keys)
            .filter(run=Coalesce(Subquery(current), Value(1)))
            .values_list("course_key", "step_key")
        ):
            completed.setdefault(course_key, set()).add(step_key)

    result = []
    for course in courses:
        steps = steps_by_course[course.path]
        required = {p.translation_key for p in steps if p.counts_for_completion}
        done = completed.get(course.translation_key, set())
        enrollment = enrollments.get(course.translation_key)
        outline = CourseOutline(
            course=course,
            steps=[OutlineStep(page=p, completed=p.translation_key in done) for p in steps],
            enrollment=enrollment,
            required_keys=required,
            completed_keys=done,
        )
        step = outline.continue_step() if enrollment else None
        result.append(
            CourseProgress(
                course=course,
                percent=outline.percent,
                started_at=enrollment.started_at if enrollment else None,
                completed_at=enrollment.completed_at if enrollment else None,
                continue_url=step.url if step else None,
                done=outline.completed_count,
                total=outline.step_count,
                enrollment=enrollment,
            )
        )
    return result


def courses_matching(*, courses: list[CoursePage], index: Page, query: str) -> list[CoursePage]:
    """The courses whose own text or whose lessons' text matches the search."""
    from .models import LessonPage

    matching_ids = {
        page.pk for page in CoursePage.objects.live().child_of(index).search(query, operator="and")
    }
    lessons = LessonPage.objects.live().descendant_of(index).search(query, operator="and")
    parent_paths = {lesson.path[: -Page.steplen] for lesson in lessons}
    if parent_paths:
        matching_ids.update(Page.objects.filter(path__in=parent_paths).values_list("pk", flat=True))
    return [c for c in courses if c.pk in matching_ids]


@dataclass
class TranslationStatus:
    source: Page
    translation: Page | None

    @property
    def state(self) -> str:
        if self.translation is None:
            return "missing"
        source_time = self.source.last_published_at
        translation_time = self.translation.last_published_at
        if source_time and (translation_time is None or source_time > translation_time):
            return "outdated"
        return "current"


def translation_statuses(*, source_language: str, target_language: str) -> list[TranslationStatus]:
    """Courses and their steps in the source language, with the state of each translation:
    missing, older than the source (published before its latest change), or current."""
    from .models import CourseIndexPage

    index = CourseIndexPage.objects.filter(locale__language_code=source_language).first()
    if index is None:
        return []
    sources = [
        page
        for page in index.get_descendants()
        .filter(depth__lte=index.depth + 2)
        .specific()
        .order_by("path")
        if isinstance(page, CoursePage) or getattr(page, "is_course_step", False)
    ]
    translations = {
        page.translation_key: page
        for page in Page.objects.filter(
            translation_key__in=[p.translation_key for p in sources],
            locale__language_code=target_language,
        )
    }
    return [
        TranslationStatus(source=p, translation=translations.get(p.translation_key))
        for p in sources
    ]


def enrollment_not_reminded_since(since: datetime) -> Q:
    """Enrolments whose learner has had no overdue reminder since `since` (or never): what
    the reminders send and what `courses.services.enrollment_reminder_claim` claims."""
    return Q(reminded_at__isnull=True) | Q(reminded_at__lte=since)


def enrollments_overdue(*, today: date, not_reminded_since: datetime) -> QuerySet[Enrollment]:
    """Enrolments past their due date and not completed whose learner has not been reminded
    since `not_reminded_since`, with their learner (the overdue reminders' list)."""
    return Enrollment.objects.filter(
        enrollment_not_reminded_since(not_reminded_since),
        current=True,
        completed_at__isnull=True,
        due_on__lt=today,
    ).select_related("learner")


def learner_progress_data(learner) -> dict:
    """The learner's enrolments and completed steps, for their personal-data file."""
    titles = {
        key: title
        for key, title in CoursePage.objects.filter(
            locale__language_code=learner.preferred_language
        ).values_list("translation_key", "title")
    }
    return {
        "enrolments": [
            {
                "course": titles.get(e.course_key, str(e.course_key)),
                "course_key": str(e.course_key),
                "run": e.run,
                "kind": e.kind,
                "started_at": e.started_at.isoformat(),
                "completed_at": e.completed_at.isoformat() if e.completed_at else None,
                "due_on": e.due_on.isoformat() if e.due_on else None,
                "last_visited_at": e.last_visited_at.isoformat(),
            }
            for e in Enrollment.objects.filter(learner=learner).order_by("started_at", "run")
        ],
        "completed_steps": [
            {"course_key": str(c), "step_key": str(s), "run": r, "completed_at": at.isoformat()}
            for c, s, r, at in StepCompletion.objects.filter(learner=learner)
            .order_by("completed_at", "run")
            .values_list("course_key", "step_key", "run", "completed_at")
        ],
    }


def recertifications(*, course_key: UUID) -> QuerySet[RecertificationCampaign]:
    """A course's re-certification campaigns, the open one (if any) first, then newest first."""
    return (
        RecertificationCampaign.objects.filter(course_key=course_key)
        .select_related("created_by")
        .order_by(F("closed_at").desc(nulls_first=True), "-created_at")
    )


def referral_verifications_data(user) -> list[dict]:
    """The directory entries a person last verified (their name is recorded beside them)."""
    from .models import ReferralContact

    return [
        {"organisation": organisation, "county": county, "verified_on": day.isoformat()}
        for organisation, county, day in ReferralContact.objects.filter(
            verified_by=user, locale__language_code="ro"
        ).values_list("organisation", "county", "last_verified_on")
        if day is not None
    ]


def referral_contacts_stale(*, county: str | None, language: str = "ro"):
    """Directory entries never verified or verified longer ago than VERIFICATION_VALID_FOR,
    in one language: one county's ("" = the national ones), or every entry (county None)."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import ReferralContact
    from .models.snippets import VERIFICATION_VALID_FOR

    cutoff = timezone.localdate() - VERIFICATION_VALID_FOR
    entries = ReferralContact.objects.filter(
        Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=cutoff),
        locale__language_code=language,
    )
    if county is not None:
        entries = entries.filter(county=county)
    return entries.order_by("county", "sort_order", "organisation")
