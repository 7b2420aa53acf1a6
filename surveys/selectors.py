"""Reads of the surveys: the learner's open invitations, the indicators the reports call, the
trainers' results per course, the learner's personal data.

Nothing here returns who answered what: the indicators and results are SQL aggregates, and free
texts are listed without their invitation, in random order, only for a group of at least
SMALLEST_CELL answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    FloatField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from evaluation.statistics import Estimate, mean_interval, proportion_interval

from .models import (
    LIKERT_MAX,
    LIKERT_MIN,
    FollowUpAnswer,
    ReactionAnswer,
    SurveyInvitation,
    SurveyKind,
)

# The smallest group whose figures and free texts are shown: the reports' rule
# (reports.selectors.SMALLEST_CELL), read here without importing reports (which builds on
# this app).
SMALLEST_CELL = 5
# The free texts shown per course at most (a random sample when there are more).
COMMENTS_SHOWN = 200

RATINGS = ("relevance", "clarity", "confidence", "recommend")
RATING_LABELS = {
    "relevance": _("Relevance to the job"),
    "clarity": _("Clarity"),
    "confidence": _("Confidence to act"),
    "recommend": _("Would recommend"),
}

# What each grouping of the indicators reads on a run (courses.Enrollment), as
# reports.indicators groups its own counts.
GROUPS = {"role": "learner__role", "county": "learner__county", "month": "month"}


def course_title(course_key, language: str) -> str:
    """The course's title in `language`, else in Romanian, else any."""
    pages = {
        code: title
        for code, title in CoursePage.objects.filter(translation_key=course_key).values_list(
            "locale__language_code", "title"
        )
    }
    return pages.get(language) or pages.get("ro") or next(iter(pages.values()), "")


def invitation_for(*, token: str, learner) -> SurveyInvitation | None:
    """The learner's invitation with this token, once it was sent; None for anyone else's (so
    a stranger cannot learn that a token exists) and for one not sent yet."""
    return (
        SurveyInvitation.objects.select_related("enrollment")
        .filter(token=token, enrollment__learner=learner, sent_at__isnull=False)
        .first()
    )


def follow_ups_due(*, now):
    """Follow-up invitations due and not sent, of learners who can still be written to."""
    return SurveyInvitation.objects.filter(
        kind=SurveyKind.FOLLOW_UP,
        sent_at__isnull=True,
        due_at__lte=now,
        enrollment__learner__is_active=True,
        enrollment__learner__erased_at__isnull=True,
    ).order_by("due_at")


def dashboard_surveys(learner, course_keys) -> dict:
    """For "My learning" (courses.dashboard): beside each completed course, its open surveys.
    One query. Registered with courses.dashboard.register_completed_course_extra."""
    now = timezone.now()
    extras: dict = {}
    invitations = (
        SurveyInvitation.objects.filter(
            enrollment__learner=learner,
            enrollment__course_key__in=course_keys,
            sent_at__isnull=False,
            answered_at__isnull=True,
            expires_at__gt=now,
        )
        .select_related("enrollment")
        .order_by("enrollment__run", "kind")
    )
    for invitation in invitations:
        label = (
            _("Tell us what you thought of the course (optional, 2 minutes)")
            if invitation.kind == SurveyKind.REACTION
            else _("Three months on: tell us what you have done since the course (optional)")
        )
        extras.setdefault(invitation.enrollment.course_key, []).append(
            {
                "label": label,
                "url": reverse("surveys:survey", args=[invitation.token]),
                "note": _("open until %(date)s")
                % {
                    "date": formats.date_format(
                        timezone.localtime(invitation.expires_at), "SHORT_DATE_FORMAT"
                    )
                },
            }
        )
    return extras


# The indicators (reports.indicators) -------------------------------------------------------


def _score():
    """An answer's mean rating on 0–100: ((r1 + r2 + r3 + r4) / 4 − 1) / 4 × 100."""
    total = sum(
        (F(f"reaction__reaction_answer__{name}") for name in RATINGS[1:]),
        F(f"reaction__reaction_answer__{RATINGS[0]}"),
    )
    span = len(RATINGS) * (LIKERT_MAX - LIKERT_MIN)
    return (total - Value(len(RATINGS) * LIKERT_MIN)) * Value(100.0) / Value(float(span))


def _acted() -> Q:
    answer = "follow_up__follow_up_answer__"
    return (
        Q(**{f"{answer}noticed_indicators": True})
        | Q(**{f"{answer}conversations__gt": 0})
        | Q(**{f"{answer}used_directory": True})
        | Q(**{f"{answer}notifications__gt": 0})
    )


def _grouped_rows(runs, grouping, aggregates: dict) -> dict:
    field = GROUPS.get(grouping or "")
    if grouping == "month":
        runs = runs.annotate(month=TruncMonth("completed_at"))
    if field:
        return {row[field]: row for row in runs.order_by().values(field).annotate(**aggregates)}
    return {None: runs.aggregate(**aggregates)}


def _cell(estimate: Estimate, respondents: int, invited: int) -> dict:
    return {
        "value": estimate.value,
        "low": estimate.low,
        "high": estimate.high,
        "respondents": respondents,
        "invited": invited,
    }


def reaction_indicator(runs, grouping) -> dict:
    """Satisfaction for the runs (courses.Enrollment rows): {group value: {"value", "low",
    "high", "respondents", "invited"}}, the group value None overall, else the learner's role
    or county or the run's completion month (TruncMonth). value: the mean of the four ratings
    on 0–100 with its t-based 95 % interval, over the answers; respondents: people who answered;
    invited: people whose invitation was sent. One query."""
    score = _score()
    answered = Q(reaction__reaction_answer__isnull=False)
    rows = _grouped_rows(
        runs.annotate(
            reaction=FilteredRelation(
                "survey_invitations", condition=Q(survey_invitations__kind=SurveyKind.REACTION)
            )
        ),
        grouping,
        {
            "answers": Count("reaction__reaction_answer"),
            "total": Sum(score, output_field=FloatField()),
            "total_sq": Sum(score * score, output_field=FloatField()),
            "respondents": Count("learner", distinct=True, filter=answered),
            "invited": Count("learner", distinct=True, filter=Q(reaction__sent_at__isnull=False)),
        },
    )
    return {
        key: _cell(
            mean_interval(row["answers"], row["total"] or 0.0, row["total_sq"] or 0.0),
            row["respondents"],
            row["invited"],
        )
        for key, row in rows.items()
        if row["invited"]
    }


def application_indicator(runs, grouping) -> dict:
    """Self-reported application at 90 days for the runs: the share (%) of follow-up answers
    reporting at least one action (noticed indicators, talked about a concern, used the
    referral directory, notified an authority), with its Wilson 95 % interval; respondents and
    invited (follow-up sent) in people. Same shape and grouping as reaction_indicator. One
    query."""
    rows = _grouped_rows(
        runs.annotate(
            follow_up=FilteredRelation(
                "survey_invitations", condition=Q(survey_invitations__kind=SurveyKind.FOLLOW_UP)
            )
        ),
        grouping,
        {
            "answers": Count("follow_up__follow_up_answer"),
            "acted": Count("follow_up__follow_up_answer", filter=_acted()),
            "respondents": Count(
                "learner", distinct=True, filter=Q(follow_up__follow_up_answer__isnull=False)
            ),
            "invited": Count("learner", distinct=True, filter=Q(follow_up__sent_at__isnull=False)),
        },
    )
    return {
        key: _cell(
            proportion_interval(row["answers"], row["acted"]), row["respondents"], row["invited"]
        )
        for key, row in rows.items()
        if row["invited"]
    }


# The trainers' results (admin) -------------------------------------------------------------


@dataclass
class CourseSurveys:
    key: object
    title: str
    invited: int = 0
    answered: int = 0
    follow_ups_sent: int = 0
    follow_ups_answered: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.answered / self.invited, 1) if self.invited else None

    @property
    def follow_up_rate(self) -> float | None:
        if not self.follow_ups_sent:
            return None
        return round(100 * self.follow_ups_answered / self.follow_ups_sent, 1)


def survey_courses(language: str) -> list[CourseSurveys]:
    """Every course with an invitation, with its counts (invitations sent and answered, per
    kind), titled in `language`. Two queries."""
    reaction = Q(kind=SurveyKind.REACTION)
    follow_up = Q(kind=SurveyKind.FOLLOW_UP)
    rows = (
        SurveyInvitation.objects.filter(sent_at__isnull=False)
        .values(key=F("enrollment__course_key"))
        .annotate(
            invited=Count("pk", filter=reaction),
            answered=Count("pk", filter=reaction & Q(answered_at__isnull=False)),
            follow_ups_sent=Count("pk", filter=follow_up),
            follow_ups_answered=Count("pk", filter=follow_up & Q(answered_at__isnull=False)),
        )
        .order_by()
    )
    rows = {row["key"]: row for row in rows}
    titles: dict = {}
    for key, code, title in CoursePage.objects.filter(translation_key__in=rows).values_list(
        "translation_key", "locale__language_code", "title"
    ):
        if code == language or key not in titles:
            titles[key] = title
    courses = [CourseSurveys(title=titles.get(key, str(key)), **row) for key, row in rows.items()]
    return sorted(courses, key=lambda c: c.title)


@dataclass
class Rating:
    name: str
    label: str
    estimate: Estimate
    distribution: list[tuple[int, int]] = field(default_factory=list)  # (rating, answers)


@dataclass
class Share:
    label: str
    estimate: Estimate  # the share (%) answering yes, or at least once
    total: int | None = None  # for counts: the sum of the times reported


@dataclass
class CourseResults:
    course: CourseSurveys
    answers: int
    ratings: list[Rating]
    shares: list[Share]
    follow_up_answers: int
    comments: list[str]
    follow_up_comments: list[str]

    @property
    def small(self) -> bool:
        return self.answers < SMALLEST_CELL

    @property
    def follow_up_small(self) -> bool:
        return self.follow_up_answers < SMALLEST_CELL


def _comments(model, course_key, answers: int) -> list[str]:
    """The course's free texts, without who wrote them or when, in random order; none for a
    group of fewer than SMALLEST_CELL answers (a few texts could be told apart)."""
    if answers < SMALLEST_CELL:
        return []
    return list(
        model.objects.filter(invitation__enrollment__course_key=course_key)
        .exclude(comment="")
        .order_by("?")
        .values_list("comment", flat=True)[:COMMENTS_SHOWN]
    )


def course_results(*, course: CourseSurveys) -> CourseResults:
    """One course's results: each rating's mean (1–5) with its 95 % interval and distribution;
    the follow-up's shares with their intervals; the free texts. Four queries."""
    ratings_sums = {}
    for name in RATINGS:
        ratings_sums[f"{name}_sum"] = Sum(name)
        ratings_sums[f"{name}_sq"] = Sum(F(name) * F(name))
        for value in range(LIKERT_MIN, LIKERT_MAX + 1):
            ratings_sums[f"{name}_{value}"] = Count("pk", filter=Q(**{name: value}))
    reaction = ReactionAnswer.objects.filter(
        invitation__enrollment__course_key=course.key
    ).aggregate(n=Count("pk"), **ratings_sums)
    n = reaction["n"]
    ratings = [
        Rating(
            name=name,
            label=RATING_LABELS[name],
            estimate=mean_interval(
                n, float(reaction[f"{name}_sum"] or 0), float(reaction[f"{name}_sq"] or 0)
            ).rounded(2),
            distribution=[
                (value, reaction[f"{name}_{value}"]) for value in range(LIKERT_MIN, LIKERT_MAX + 1)
            ],
        )
        for name in RATINGS
    ]
    follow_up = FollowUpAnswer.objects.filter(
        invitation__enrollment__course_key=course.key
    ).aggregate(
        n=Count("pk"),
        noticed=Count("pk", filter=Q(noticed_indicators=True)),
        talked=Count("pk", filter=Q(conversations__gt=0)),
        talked_total=Sum("conversations"),
        directory=Count("pk", filter=Q(used_directory=True)),
        notified=Count("pk", filter=Q(notifications__gt=0)),
        notified_total=Sum("notifications"),
        acted=Count(
            "pk",
            filter=Q(noticed_indicators=True)
            | Q(conversations__gt=0)
            | Q(used_directory=True)
            | Q(notifications__gt=0),
        ),
    )
    m = follow_up["n"]

    def share(label, yes, total=None):
        return Share(label, proportion_interval(m, yes).rounded(1), total)

    shares = [
        share(_("Noticed indicators"), follow_up["noticed"]),
        share(
            _("Talked with a child or colleague about a concern"),
            follow_up["talked"],
            follow_up["talked_total"] or 0,
        ),
        share(_("Used the referral directory"), follow_up["directory"]),
        share(_("Notified an authority"), follow_up["notified"], follow_up["notified_total"] or 0),
        share(_("At least one of these"), follow_up["acted"]),
    ]
    return CourseResults(
        course=course,
        answers=n,
        ratings=ratings,
        shares=shares,
        follow_up_answers=m,
        comments=_comments(ReactionAnswer, course.key, n),
        follow_up_comments=_comments(FollowUpAnswer, course.key, m),
    )


# Personal data -----------------------------------------------------------------------------


def learner_surveys_data(learner) -> list[dict]:
    """The learner's invitations and answers, for their personal-data file."""
    data = []
    invitations = (
        SurveyInvitation.objects.filter(enrollment__learner=learner)
        .select_related("enrollment", "reaction_answer", "follow_up_answer")
        .order_by("created_at", "pk")
    )
    for invitation in invitations:
        item = {
            "survey": invitation.kind,
            "course": course_title(invitation.enrollment.course_key, learner.preferred_language),
            "run": invitation.enrollment.run,
            "sent_at": invitation.sent_at.isoformat() if invitation.sent_at else None,
            "expires_at": invitation.expires_at.isoformat() if invitation.expires_at else None,
            "answered_at": invitation.answered_at.isoformat() if invitation.answered_at else None,
            "answer": None,
        }
        answer = getattr(invitation, "reaction_answer", None) or getattr(
            invitation, "follow_up_answer", None
        )
        if isinstance(answer, ReactionAnswer):
            item["answer"] = {name: getattr(answer, name) for name in (*RATINGS, "comment")}
        elif isinstance(answer, FollowUpAnswer):
            item["answer"] = {
                name: getattr(answer, name)
                for name in (
                    "noticed_indicators",
                    "conversations",
                    "used_directory",
                    "notifications",
                    "comment",
                )
            }
        data.append(item)
    return data
