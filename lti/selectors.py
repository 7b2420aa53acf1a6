"""Reads for the LTI tool: where a launch lands, which courses deep linking offers, a run's
score for the platform's gradebook, a context's roster matched against our accounts."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import get_language
from wagtail.models import Locale

from courses.models import CoursePage, Enrollment
from courses.selectors import course_url
from quizzes.models import Attempt, AttemptStatus, QuizKind, QuizPage

from .models import LoginState, LtiIdentity


def course_address(*, course_key: uuid.UUID | None, language: str) -> str:
    """The course's live page in the language (else in the other one), else the language's
    home page (a launch without a course, or of a course no longer published)."""
    if course_key is not None:
        pages = CoursePage.objects.live().filter(translation_key=course_key)
        course = pages.filter(locale__language_code=language).first() or pages.first()
        if course is not None:
            return course_url(course=course)
    return f"/{language}/"


def course_title(*, course_key: uuid.UUID, language: str) -> str:
    """The course's title in the language (else in the other one; live or not: a line item
    is named after the course even if it was unpublished meanwhile), else its key."""
    pages = CoursePage.objects.filter(translation_key=course_key)
    course = pages.filter(locale__language_code=language).first() or pages.first()
    return course.title if course is not None else str(course_key)


def deep_linking_courses(*, language: str, keys: list[uuid.UUID] | None = None) -> list:
    """The live courses in the language, in catalogue order (only those of `keys` if given)."""
    locale = Locale.objects.filter(language_code=language).first()
    courses = CoursePage.objects.live().filter(locale=locale).order_by("path")
    if keys is not None:
        courses = courses.filter(translation_key__in=keys)
    return list(courses.specific())


def run_score(*, learner_id: int, course_key: uuid.UUID, run: int) -> Decimal:
    """The run's score for the platform, 0-100: the best submitted attempt of each graded
    final quiz of the run, averaged over the final quizzes; 100 for a completed course
    without a final quiz (completion is all it asks)."""
    final_keys = QuizPage.objects.filter(kind=QuizKind.FINAL).values("translation_key")
    best = (
        Attempt.objects.filter(
            learner_id=learner_id,
            course_key=course_key,
            run=run,
            status=AttemptStatus.SUBMITTED,
            score__isnull=False,
            quiz_key__in=final_keys,
        )
        .values("quiz_key")
        .annotate(best=Max("score"))
        .values_list("best", flat=True)
    )
    scores = [Decimal(score) for score in best]
    if not scores:
        return Decimal("100.00")
    return (sum(scores) / len(scores)).quantize(Decimal("0.01"))


def roster(*, context, members: list[dict]) -> list[dict]:
    """The platform's members of a context beside our accounts: name, roles, whether they have
    launched (an account) and the context's courses they completed. Three queries."""
    # A person is their platform's `sub` under its issuer, whichever of its registrations
    # they launched through (services.identity_for).
    identities = {
        identity.subject: identity
        for identity in LtiIdentity.objects.filter(
            registration__issuer=context.registration.issuer,
            subject__in=[str(m.get("user_id")) for m in members],
        ).select_related("user")
    }
    course_keys = [uuid.UUID(key) for key in context.course_keys]
    # The courses' titles in the reader's language, the Romanian one where there is no other.
    language = get_language() or "ro"
    titles: dict = {}
    for page in CoursePage.objects.filter(
        translation_key__in=course_keys, locale__language_code__in={"ro", language}
    ).select_related("locale"):
        if page.locale.language_code == language or page.translation_key not in titles:
            titles[page.translation_key] = page.title
    completed: dict[int, set] = {}
    for user_id, course_key in Enrollment.objects.filter(
        learner_id__in=[i.user_id for i in identities.values()],
        course_key__in=course_keys,
        completed_at__isnull=False,
    ).values_list("learner_id", "course_key"):
        completed.setdefault(user_id, set()).add(course_key)
    rows = []
    for member in members:
        identity = identities.get(str(member.get("user_id")))
        done = completed.get(identity.user_id, set()) if identity else set()
        rows.append(
            {
                "name": str(member.get("name") or member.get("user_id") or ""),
                "roles": [str(role).rsplit("#", 1)[-1] for role in member.get("roles") or []],
                "account": identity is not None,
                "completed": sorted(titles.get(key, str(key)) for key in done),
            }
        )
    return sorted(rows, key=lambda row: row["name"].lower())


def learner_lti_data(learner) -> list[dict]:
    """For the learner's personal-data file: each platform they came from (the identity it
    asserted, the e-mail it sent) and each grade sent back to it, with when. Two queries."""
    from .models import ScorePassback

    identities = list(LtiIdentity.objects.filter(user=learner).select_related("registration"))
    passbacks: dict = {}
    for passback in ScorePassback.objects.filter(line_item__identity__in=identities).select_related(
        "line_item"
    ):
        passbacks.setdefault(passback.line_item.identity_id, []).append(passback)
    return [
        {
            "platform": identity.registration.name,
            "issuer": identity.registration.issuer,
            "subject": identity.subject,
            "email": identity.email,
            "linked_at": identity.created_at.isoformat(),
            "grades_sent_back": [
                {
                    "course": str(p.line_item.course_key),
                    "run": p.run,
                    "score": float(p.score),
                    "status": p.status,
                    "sent_at": p.sent_at.isoformat() if p.sent_at else None,
                    "to": p.line_item.url,
                }
                for p in sorted(passbacks.get(identity.pk, []), key=lambda p: p.pk)
            ],
        }
        for identity in identities
    ]


def launch_registration(*, state: str):
    """The registration whose login started a launch, known by the posted state (used or not,
    expired or not), else None: whom a refusal may be shown to inside their page."""
    if not state or len(state) > 64:
        return None
    login_state = LoginState.objects.select_related("registration").filter(state=state).first()
    return login_state.registration if login_state is not None else None
