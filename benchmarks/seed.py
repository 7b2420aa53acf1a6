"""Seed the benchmark database: 10,000 learners and 200,000 step completions.

Run from the project folder, after `migrate` and `seed_demo` on the same database:

    DJANGO_SETTINGS_MODULE=benchmarks.settings .venv/bin/python -m benchmarks.seed

The three demo courses have 15 lessons between them, too few to hold 200,000 completions for
10,000 learners, so the teachers' course first gets 25 more lessons (30 in all), published after
its five real ones (before its closing quizzes). Their bodies are copies of those five lessons
(same blocks: rich text, key facts, case studies, referral contacts, the handout...), so a lesson
page of this course renders what a real one does, next to an outline of 30 lessons plus quizzes.

Each learner enrols in the course meant for their role with probability 0.95 and in each other
course with probability 0.7, and completes a prefix of the course's lessons (learners work in
order; 30 % have done every lesson). The total is then nudged, one lesson at a time on random
enrolments, to exactly 200,000. Only lessons are completed: a quiz step is completed by passing
an attempt, and a course by its final quiz (which issues a certificate), so no enrolment is
marked complete and no attempt or certificate is invented. The random generator has a fixed
seed: every run produces the same data. The first learners (`learner-00001@bench.local` ...)
are the benchmark's logged-in users, each part-way through the teachers' course.

Idempotent: the extra lessons are created only when missing; when the learners and completions
are already there in full the script stops (unless --reset), otherwise it deletes the benchmark
learners (and, by cascade, their progress) and seeds them again. It refuses to run on a database
not named `elearning_bench`.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from benchmarks.common import setup_django

LEARNERS = 10_000
COMPLETIONS = 200_000
EXTRA_LESSONS = 25
BENCH_LEARNERS = 16  # part-way through the teachers' course; the benchmark logs in as these
EMAIL_DOMAIN = "bench.local"
PASSWORD = "bench-parola-2026"  # noqa: S105 - shared password of seeded benchmark accounts only
DATABASE_NAME = "elearning_bench"
RANDOM_SEED = 2026
BATCH_SIZE = 5_000

ROLE_WEIGHTS = {
    "teacher": 35,
    "police_officer": 20,
    "prosecutor": 8,
    "judge": 7,
    "social_worker": 20,
    "other": 10,
}
FIRST_NAMES = [
    "Ana", "Andrei", "Bianca", "Bogdan", "Carmen", "Cătălin", "Cristina", "Daniel", "Diana",
    "Elena", "Florin", "Gabriela", "George", "Ioana", "Ion", "Irina", "Larisa", "Laura", "Maria",
    "Marius", "Mihai", "Mihaela", "Monica", "Nicoleta", "Oana", "Paul", "Radu", "Raluca", "Sorin",
    "Ștefan", "Teodora", "Tudor", "Valentin", "Vlad",
]  # fmt: skip
LAST_NAMES = [
    "Ardeleanu", "Barbu", "Ciobanu", "Constantin", "Dinu", "Dobre", "Dumitru", "Florea",
    "Gheorghe", "Ilie", "Ionescu", "Lungu", "Marin", "Mocanu", "Moldovan", "Munteanu", "Neagu",
    "Nistor", "Oprea", "Pop", "Popa", "Popescu", "Radu", "Rusu", "Sârbu", "Stan", "Stoica",
    "Țurcanu", "Ungureanu", "Voicu",
]  # fmt: skip


@dataclass
class Course:
    key: UUID
    title: str
    target_roles: list[str]
    lesson_keys: list[UUID]
    quiz_keys: list[UUID]


@dataclass
class Plan:
    """One enrolment: the learner (by index) and how many of the course's lessons they did."""

    learner: int
    course: Course
    done: int
    fixed: bool = False


def analyze() -> None:
    """Fresh planner statistics for the tables a seeder has just filled."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def learner_email(i: int) -> str:
    return f"learner-{i + 1:05d}@{EMAIL_DOMAIN}"


def ensure_extra_lessons() -> None:
    """Give the teachers' course 30 lessons: 25 published copies of its five real ones, placed
    after the last lesson (so the course's quizzes stay where they are)."""
    from courses.models import CoursePage, LessonPage

    course = CoursePage.objects.get(slug="teachers", locale__language_code="ro")
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    sources = [p for p in lessons if "-extra-" not in p.slug]
    existing = {p.slug for p in lessons}
    created = 0
    for n in range(1, EXTRA_LESSONS + 1):
        slug = f"teachers-extra-{n:02d}"
        if slug in existing:
            continue
        source = sources[(n - 1) % len(sources)]
        anchor = LessonPage.objects.child_of(course).order_by("-path").first()
        body = [{"type": block["type"], "value": block["value"]} for block in source.body.raw_data]
        lesson = LessonPage(
            title=f"Aprofundare {n}: {source.title}",
            slug=slug,
            estimated_minutes=source.estimated_minutes,
            body=json.dumps(body),
        )
        anchor.add_sibling(pos="right", instance=lesson)
        lesson.save_revision().publish()
        created += 1
    total = LessonPage.objects.child_of(course).live().count()
    print(f"Teachers' course: {total} live lessons ({created} created now).")


def load_courses() -> list[Course]:
    """The Romanian courses with their lessons' and quizzes' keys in tree order."""
    from courses.models import CoursePage, LessonPage
    from quizzes.models import QuizPage

    return [
        Course(
            key=course.translation_key,
            title=course.title,
            target_roles=list(course.target_roles),
            lesson_keys=list(
                LessonPage.objects.child_of(course)
                .live()
                .order_by("path")
                .values_list("translation_key", flat=True)
            ),
            quiz_keys=list(
                QuizPage.objects.child_of(course)
                .live()
                .order_by("path")
                .values_list("translation_key", flat=True)
            ),
        )
        for course in CoursePage.objects.live().filter(locale__language_code="ro").order_by("path")
    ]


def already_seeded() -> bool:
    from django.db.models import Exists, OuterRef

    from accounts.models import User
    from courses.models import Enrollment, StepCompletion

    mine = {"learner__email__endswith": f"@{EMAIL_DOMAIN}"}
    learners = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    # COMPLETIONS counts the current runs' steps; earlier runs come on top (issue 16).
    current = Enrollment.objects.filter(
        learner=OuterRef("learner"), course_key=OuterRef("course_key"), run=OuterRef("run")
    ).filter(current=True)
    completions = StepCompletion.objects.filter(Exists(current), **mine).count()
    earlier = Enrollment.objects.filter(current=False, **mine).count()
    print(
        f"Found {learners} benchmark learners, {completions} completions in current runs, "
        f"{earlier} earlier runs."
    )
    return learners == LEARNERS and completions == COMPLETIONS and earlier > 0


def delete_learners() -> None:
    from accounts.models import User
    from courses.models import Enrollment, StepCompletion

    mine = {"learner__email__endswith": f"@{EMAIL_DOMAIN}"}
    from quizzes.models import Attempt

    Attempt.objects.filter(**mine).delete()
    StepCompletion.objects.filter(**mine).delete()
    Enrollment.objects.filter(**mine).delete()
    deleted, _ = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
    print(f"Deleted {deleted} rows of earlier benchmark learners.")


def make_learners(rng: random.Random, now: datetime) -> list:
    return seeded_learners(
        rng,
        count=LEARNERS,
        email=learner_email,
        first_names=FIRST_NAMES,
        last_names=LAST_NAMES,
        joined_before=now,
        teachers_first=BENCH_LEARNERS,
    )


def seeded_learners(
    rng: random.Random,
    *,
    count: int,
    email,
    first_names: list[str],
    last_names: list[str],
    joined_before: datetime,
    teachers_first: int = 0,
) -> list:
    """`count` learners, created: `email(i)` each, spread over the counties and their
    institutions, roles weighted as ROLE_WEIGHTS (the first `teachers_first` are teachers),
    the shared PASSWORD. The same `rng` state gives the same people, so keep the order of its
    draws."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import County, Institution, User

    password = make_password(PASSWORD)  # hashed once, shared by every seeded learner
    institutions: dict[str, list[int]] = {}
    for pk, county in Institution.objects.order_by("pk").values_list("pk", "county"):
        institutions.setdefault(county, []).append(pk)
    counties = [c for c, _label in County.choices]
    roles, weights = list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values())
    users = []
    for i in range(count):
        county = rng.choice(counties)
        in_list = institutions.get(county) and rng.random() < 0.85
        users.append(
            User(
                email=email(i),
                full_name=f"{rng.choice(first_names)} {rng.choice(last_names)}",
                role="teacher" if i < teachers_first else rng.choices(roles, weights)[0],
                county=county,
                institution_id=rng.choice(institutions[county]) if in_list else None,
                institution_other="" if in_list else "Școala Gimnazială nr. 1",
                preferred_language="ro" if rng.random() < 0.9 else "en",
                date_joined=joined_before - timedelta(days=rng.uniform(30, 400)),
                password=password,
            )
        )
    return User.objects.bulk_create(users, batch_size=BATCH_SIZE)


def plan_progress(rng: random.Random, users: list, courses: list[Course]) -> list[Plan]:
    teachers = next(c for c in courses if "teacher" in c.target_roles)
    plans = []
    for i, user in enumerate(users):
        if i < BENCH_LEARNERS:
            n = len(teachers.lesson_keys)
            plans.append(Plan(i, teachers, done=rng.randint(n // 3, 2 * n // 3), fixed=True))
            continue
        for course in courses:
            if rng.random() >= (0.95 if user.role in course.target_roles else 0.7):
                continue
            n = len(course.lesson_keys)
            plans.append(Plan(i, course, done=n if rng.random() < 0.3 else rng.randint(0, n - 1)))
    # Nudge to the exact total, one lesson on a random enrolment at a time.
    total = sum(p.done for p in plans)
    nudge_lessons_done(rng, [p for p in plans if not p.fixed], total=total, target=COMPLETIONS)
    return plans


def nudge_lessons_done(rng: random.Random, adjustable: list, *, total: int, target: int) -> None:
    """Bring the lessons done to `target` (now `total`), one lesson on a random plan of
    `adjustable` at a time, within each plan's course."""
    while total != target:
        plan = rng.choice(adjustable)
        if total < target and plan.done < len(plan.course.lesson_keys):
            plan.done, total = plan.done + 1, total + 1
        elif total > target and plan.done > 0:
            plan.done, total = plan.done - 1, total - 1


def earlier_runs(plan: Plan, user, started: datetime):
    """Issue 16: a third of learners (every third) took each of their courses twice before,
    completed (a first run and a renewal), with every step and a passed attempt at each quiz.
    Their current run is the third. Returns the earlier runs' rows and the current run's
    number."""
    from courses.models import Enrollment, RunKind, StepCompletion
    from quizzes.models import Attempt, AttemptStatus

    if plan.learner % 3 != 0:
        return [], [], [], 1
    enrollments, completions, attempts = [], [], []
    for run in (1, 2):
        began = started - timedelta(days=730 * (3 - run))
        done_at = began + timedelta(days=7)
        enrollments.append(
            Enrollment(
                learner_id=user.pk,
                course_key=plan.course.key,
                run=run,
                current=False,
                kind=RunKind.FIRST if run == 1 else RunKind.RENEWAL,
                started_at=began,
                completed_at=done_at,
                last_visited_at=done_at,
            )
        )
        for key in [*plan.course.lesson_keys, *plan.course.quiz_keys]:
            completions.append(
                StepCompletion(
                    learner_id=user.pk,
                    course_key=plan.course.key,
                    step_key=key,
                    run=run,
                    completed_at=done_at,
                )
            )
        for key in plan.course.quiz_keys:
            attempts.append(
                Attempt(
                    learner_id=user.pk,
                    quiz_key=key,
                    course_key=plan.course.key,
                    run=run,
                    number=1,
                    status=AttemptStatus.SUBMITTED,
                    started_at=done_at,
                    submitted_at=done_at,
                    score=90,
                    passed=True,
                )
            )
    return enrollments, completions, attempts, 3


def write_progress(rng: random.Random, users: list, plans: list[Plan], now: datetime) -> None:
    from courses.models import Enrollment, RunKind, StepCompletion
    from quizzes.models import Attempt

    enrollments, completions, attempts = [], [], []
    for plan in plans:
        user, lessons = users[plan.learner], plan.course.lesson_keys
        started = user.date_joined + timedelta(days=rng.uniform(0, 20))
        past_enrollments, past_completions, past_attempts, run = earlier_runs(plan, user, started)
        enrollments += past_enrollments
        completions += past_completions
        attempts += past_attempts
        moment = started
        for key in lessons[: plan.done]:
            moment += timedelta(minutes=rng.uniform(5, 60 * 24 * 3))
            completions.append(
                StepCompletion(
                    learner_id=user.pk,
                    course_key=plan.course.key,
                    step_key=key,
                    run=run,
                    completed_at=min(moment, now),
                )
            )
        enrollments.append(
            Enrollment(
                learner_id=user.pk,
                course_key=plan.course.key,
                run=run,
                kind=RunKind.FIRST if run == 1 else RunKind.RENEWAL,
                started_at=min(started, now),
                last_step_key=lessons[min(plan.done, len(lessons) - 1)],
                last_visited_at=min(moment + timedelta(minutes=1), now),
            )
        )
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH_SIZE)
    StepCompletion.objects.bulk_create(completions, batch_size=BATCH_SIZE)
    Attempt.objects.bulk_create(attempts, batch_size=BATCH_SIZE)
    print(
        f"Created {len(enrollments)} runs, {len(completions)} step completions and "
        f"{len(attempts)} attempts (earlier runs included)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="seed the learners again anyway")
    args = parser.parse_args()
    setup_django(database=DATABASE_NAME)
    from django.db import transaction
    from django.utils import timezone

    started = time.monotonic()
    ensure_extra_lessons()
    courses = load_courses()
    for course in courses:
        print(f"  {course.title}: {len(course.lesson_keys)} lessons")
    if already_seeded() and not args.reset:
        print("Nothing to do: the benchmark data is already there.")
        return

    rng = random.Random(RANDOM_SEED)  # noqa: S311 - reproducible test data, not security
    now = timezone.now()
    with transaction.atomic():
        delete_learners()
        users = make_learners(rng, now)
        print(f"Created {len(users)} learners.")
        plans = plan_progress(rng, users, courses)
        write_progress(rng, users, plans, now)
    analyze()
    print(
        f"Done in {time.monotonic() - started:.0f} s. Benchmark logins: "
        f"{learner_email(0)} ... {learner_email(BENCH_LEARNERS - 1)}, password {PASSWORD}."
    )


if __name__ == "__main__":
    main()
