"""Seed the coordinator-reports benchmark: 10,000 learners, 100,000 enrolments, 1,000,000 step
completions, 50,000 final-quiz attempts and some certificates.

Run from the project folder, after `migrate` and `seed_demo` on the same database:

    .venv/bin/python -m benchmarks.seed_reports

The demo site has three courses; reports need about ten, each with enough steps to hold ten
completions per enrolment on average. So ten benchmark courses are added to the catalogue
(Romanian only), each with 15 published lessons (copies of a demo lesson's body); the odd ones
end with a graded final quiz (no questions: reports only read its kind and translation key).

Every learner enrols in all ten benchmark courses (100,000 enrolments). Learners work in order:
40 % have done every lesson, the rest a random prefix; the total is nudged to exactly 1,000,000
completions, counting the final quizzes passed (a passed final quiz is a completed step, as the
quizzes app records it). Learners who did every lesson of a course with a final quiz attempt it
one to four times (nudged to exactly 50,000 submitted attempts); the last attempt passes with
probability 0.85. A course is complete when every required step is; about half the completed
enrolments have a certificate (ready; a few revoked or expired). 30 % of the enrolments have a
due date, some of them past. Two coordinators are created: a superuser (national scope) and a
county coordinator for Cluj.

Runs (issue 16): a third of the learners (every third one) took each course twice before the
run described above, which is their current run 3 (a renewal). Their runs 1 and 2 are complete:
every lesson, one passed final-quiz attempt where the course has a final quiz, a ready
certificate each, run 1's superseded by run 2's and run 2's by run 3's when run 3 has one (with
the first certification date carried along). That adds RUN_LEARNERS × 10 × 2 enrolments and
the older runs' completions and attempts to the totals above.

Deterministic (fixed random seed, fixed clock) and idempotent: when the data is there in full it
stops; otherwise it deletes the benchmark learners and their rows and seeds them again
(`--reset` forces this). The big tables are written with PostgreSQL's COPY. It refuses to run on
any database not named `elearning_bench_reports` (or BENCH_REPORTS_DATABASE, when several copies
of the project share one PostgreSQL); unless the environment says otherwise it points at that
database and Redis database 13.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from benchmarks.common import setup_django
from benchmarks.seed import PASSWORD, RANDOM_SEED, analyze, nudge_lessons_done, seeded_learners

# Another name when several copies of the project share one PostgreSQL (each its own data).
DATABASE_NAME = os.environ.get("BENCH_REPORTS_DATABASE", "elearning_bench_reports")
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}",
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
}

LEARNERS = 10_000
COURSES = 10
LESSONS_PER_COURSE = 15
COMPLETIONS = 1_000_000
ATTEMPTS = 50_000
# Learners with three runs of every course (every third one), and what their two older runs add.
RUN_LEARNERS = len(range(0, LEARNERS, 3))
OLDER_RUNS = 2
EMAIL_DOMAIN = "reports.bench.local"
NATIONAL = f"national@{EMAIL_DOMAIN}"
COUNTY_COORDINATOR = f"county-cj@{EMAIL_DOMAIN}"
COORDINATOR_COUNTY = "CJ"
# A fixed clock: the same data on every run (enrolment dates fall in the year before it).
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def configure_environment() -> None:
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)


@dataclass
class Course:
    key: UUID
    title: str
    lesson_keys: list[UUID]
    final_key: UUID | None


@dataclass
class Plan:
    """One enrolment: learner (by index), course, lessons done and final-quiz attempts."""

    learner: int
    course: Course
    done: int
    attempts: int = 0
    passed: bool = False


def learner_email(i: int) -> str:
    return f"learner-{i + 1:05d}@{EMAIL_DOMAIN}"


def course_slug(n: int) -> str:
    return f"bench-report-course-{n:02d}"


def ensure_courses() -> list[Course]:
    """The ten benchmark courses with their lessons (and final quiz), created when missing."""
    from courses.models import CourseIndexPage, CoursePage, LessonPage
    from quizzes.models import QuizKind, QuizPage

    index = CourseIndexPage.objects.get(locale__language_code="ro")
    source = LessonPage.objects.filter(locale__language_code="ro").order_by("path").first()
    body = json.dumps([{"type": b["type"], "value": b["value"]} for b in source.body.raw_data])
    created = 0
    courses = []
    for n in range(1, COURSES + 1):
        course = CoursePage.objects.filter(slug=course_slug(n), locale=index.locale).first()
        if course is None:
            course = CoursePage(
                title=f"Curs de referință {n:02d}: identificarea victimelor",
                slug=course_slug(n),
                summary="Un curs creat pentru măsurarea rapoartelor coordonatorilor.",
                target_roles=[],
                estimated_minutes=90,
            )
            index.add_child(instance=course)
            course.save_revision().publish()
            created += 1
        lessons = {p.slug: p for p in LessonPage.objects.child_of(course)}
        for m in range(1, LESSONS_PER_COURSE + 1):
            slug = f"{course_slug(n)}-lesson-{m:02d}"
            if slug not in lessons:
                lesson = LessonPage(title=f"Lecția {m}", slug=slug, body=body)
                course.add_child(instance=lesson)
                lesson.save_revision().publish()
                created += 1
        if n % 2 and not QuizPage.objects.child_of(course).exists():
            quiz = QuizPage(title="Test final", slug=f"{course_slug(n)}-final", kind=QuizKind.FINAL)
            course.add_child(instance=quiz)
            quiz.save_revision().publish()
            created += 1
        final = QuizPage.objects.child_of(course).filter(kind=QuizKind.FINAL).first()
        courses.append(
            Course(
                key=course.translation_key,
                title=course.title,
                lesson_keys=list(
                    LessonPage.objects.child_of(course)
                    .live()
                    .order_by("path")
                    .values_list("translation_key", flat=True)
                ),
                final_key=final.translation_key if final else None,
            )
        )
    print(f"{len(courses)} benchmark courses ({created} pages created now).")
    return courses


def counts() -> tuple[int, int, int, int]:
    from accounts.models import User
    from courses.models import Enrollment, StepCompletion
    from quizzes.models import Attempt

    mine = {"learner__email__endswith": f"@{EMAIL_DOMAIN}"}
    return (
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", is_staff=False).count(),
        Enrollment.objects.filter(**mine).count(),
        StepCompletion.objects.filter(**mine).count(),
        Attempt.objects.filter(**mine).count(),
    )


def delete_learners() -> None:
    from accounts.models import User
    from certificates.models import Certificate
    from courses.models import Enrollment, StepCompletion
    from quizzes.models import Attempt

    mine = {"learner__email__endswith": f"@{EMAIL_DOMAIN}"}
    for model in (StepCompletion, Attempt, Certificate, Enrollment):
        model.objects.filter(**mine).delete()
    deleted, _ = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
    print(f"Deleted {deleted} rows of earlier benchmark learners.")


def make_learners(rng: random.Random) -> list:
    return seeded_learners(
        rng,
        count=LEARNERS,
        email=learner_email,
        first_names=["Ana", "Andrei", "Bianca", "Bogdan", "Carmen", "Cătălin", "Elena", "Ioana",
                     "Mihai"],
        last_names=["Barbu", "Ciobanu", "Dobre", "Ionescu", "Popa", "Popescu", "Sârbu", "Țurcanu"],
        joined_before=NOW,
    )  # fmt: skip


def make_coordinators() -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import User
    from reports.apps import COORDINATORS_GROUP
    from reports.models import CoordinatorScope, ScopeLevel

    password = make_password(PASSWORD)
    User.objects.create(
        email=NATIONAL,
        full_name="Coordonator Național",
        is_staff=True,
        is_superuser=True,
        password=password,
    )
    county = User.objects.create(
        email=COUNTY_COORDINATOR,
        full_name="Coordonator Cluj",
        is_staff=True,
        county=COORDINATOR_COUNTY,
        password=password,
    )
    county.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    CoordinatorScope.objects.create(user=county, level=ScopeLevel.COUNTY, county="CJ")


def plan_progress(rng: random.Random, courses: list[Course]) -> list[Plan]:
    plans = []
    for i in range(LEARNERS):
        for course in courses:
            n = len(course.lesson_keys)
            plans.append(Plan(i, course, done=n if rng.random() < 0.4 else rng.randint(0, n - 1)))
    # Final quizzes: everyone who did every lesson tries, 1-4 times, nudged to ATTEMPTS.
    finishers = [p for p in plans if p.course.final_key and p.done == len(p.course.lesson_keys)]
    for plan in finishers:
        plan.attempts = rng.choice((1, 1, 1, 2, 2, 3, 4))
    total = sum(p.attempts for p in finishers)
    while total != ATTEMPTS:
        plan = rng.choice(finishers)
        if total < ATTEMPTS and plan.attempts < 4:
            plan.attempts, total = plan.attempts + 1, total + 1
        elif total > ATTEMPTS and plan.attempts > 1:
            plan.attempts, total = plan.attempts - 1, total - 1
    for plan in finishers:
        plan.passed = rng.random() < 0.85
    # Lessons: nudged so lessons plus passed finals make exactly COMPLETIONS. A learner who
    # attempted the final keeps every lesson done.
    total = sum(p.done + p.passed for p in plans)
    adjustable = [p for p in plans if not p.attempts]
    nudge_lessons_done(rng, adjustable, total=total, target=COMPLETIONS)
    return plans


def copy_rows(model, fields: list[str], rows) -> int:
    """Write rows with COPY (ten times faster than bulk_create at this size)."""
    from django.db import connection

    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    count = 0
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"  # noqa: S608 - own names
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def write_progress(rng: random.Random, users: list, plans: list[Plan]) -> None:
    from certificates.models import Certificate, CertificateStatus
    from courses.models import Enrollment, RunKind, StepCompletion
    from quizzes.models import Attempt, AttemptStatus

    completions, enrollments, attempts, certificates = [], [], [], []
    for plan in plans:
        user, course = users[plan.learner], plan.course
        started = user.date_joined + timedelta(days=rng.uniform(0, 20))
        moment = started
        for key in course.lesson_keys[: plan.done]:
            moment += timedelta(minutes=rng.uniform(5, 60 * 24 * 3))
            completions.append((user.pk, course.key, key, min(moment, NOW), run_of(plan)))
        for number in range(1, plan.attempts + 1):
            moment += timedelta(minutes=rng.uniform(60, 60 * 24 * 2))
            last = number == plan.attempts
            passed = last and plan.passed
            score = Decimal(rng.randint(70, 100) if passed else rng.randint(20, 69))
            submitted = min(moment, NOW)
            attempts.append(
                (user.pk, course.final_key, course.key, number, AttemptStatus.SUBMITTED,
                 submitted - timedelta(minutes=15), submitted, "[]", "{}", "{}", score, passed,
                 False, run_of(plan))
            )  # fmt: skip
        if plan.passed:
            completions.append(
                (user.pk, course.key, course.final_key, min(moment, NOW), run_of(plan))
            )
        complete = plan.done == len(course.lesson_keys) and (not course.final_key or plan.passed)
        completed_at = min(moment, NOW) if complete else None
        due_on = None
        if rng.random() < 0.3:
            due_on = (started + timedelta(days=rng.randint(30, 400))).date()
        last_step = course.lesson_keys[min(plan.done, len(course.lesson_keys) - 1)]
        run = 1 + OLDER_RUNS if has_runs(plan.learner) else 1
        enrollments.append(
            (user.pk, course.key, min(started, NOW), completed_at, last_step,
             min(moment, NOW), due_on, None, None, run, True,
             RunKind.RENEWAL if run > 1 else RunKind.FIRST)
        )  # fmt: skip
        if complete and rng.random() < 0.5:
            expires = completed_at + timedelta(days=365 * 2)
            revoked = completed_at + timedelta(days=10) if rng.random() < 0.02 else None
            if rng.random() < 0.05:
                expires = NOW - timedelta(days=1)
            certificates.append(
                Certificate(
                    code="".join(rng.choice(CODE_ALPHABET) for _ in range(16)),
                    learner_id=user.pk,
                    course_key=course.key,
                    run=run_of(plan),
                    learner_name=user.full_name,
                    learner_role=user.role,
                    county=user.county,
                    course_title_ro=course.title,
                    hours=Decimal("1.5"),
                    completed_at=completed_at,
                    issued_at=completed_at + timedelta(minutes=1),
                    expires_at=expires,
                    status=CertificateStatus.READY,
                    revoked_at=revoked,
                    revocation_reason="Date greșite." if revoked else "",
                )
            )
    older = older_runs(users, plans, {(c.learner_id, c.course_key): c for c in certificates})
    completions += older.completions
    enrollments += older.enrollments
    attempts += older.attempts
    fields = ["learner", "course_key", "step_key", "completed_at", "run", "carried_over"]
    n_completions = copy_rows(StepCompletion, fields, ((*row, False) for row in completions))
    fields = ["learner", "course_key", "started_at", "completed_at", "last_step_key",
              "last_visited_at", "due_on", "enrolled_by", "reminded_at", "run", "current",
              "kind"]  # fmt: skip
    n_enrollments = copy_rows(Enrollment, fields, enrollments)
    fields = ["learner", "quiz_key", "course_key", "number", "status", "started_at",
              "submitted_at", "question_keys", "choice_order", "answers", "score",
              "passed", "answers_revealed", "run"]  # fmt: skip
    n_attempts = copy_rows(Attempt, fields, attempts)
    # Older runs' certificates first: the superseding ones point back at nothing, the
    # superseded ones forward (the foreign key is checked at commit on PostgreSQL).
    certificates = older.certificates + certificates
    Certificate.objects.bulk_create(certificates, batch_size=5_000)
    print(
        f"Created {n_enrollments} enrolments ({sum(1 for e in enrollments if e[3])} complete), "
        f"{n_completions} step completions, {n_attempts} attempts, "
        f"{len(certificates)} certificates."
    )


def has_runs(learner: int) -> bool:
    return learner % 3 == 0


def run_of(plan: Plan) -> int:
    return 1 + OLDER_RUNS if has_runs(plan.learner) else 1


@dataclass
class OlderRuns:
    enrollments: list
    completions: list
    attempts: list
    certificates: list


def older_runs(users: list, plans: list[Plan], current_certificates: dict) -> OlderRuns:
    """Runs 1 and 2 of the learners with three runs: complete, certified, superseded. Their own
    random generator, so the rest of the data is what it was before runs existed."""
    import uuid

    from certificates.models import Certificate, CertificateStatus
    from courses.models import RunKind
    from quizzes.models import AttemptStatus

    rng = random.Random(RANDOM_SEED + 16)  # noqa: S311 - reproducible test data
    out = OlderRuns([], [], [], [])
    for plan in plans:
        if not has_runs(plan.learner):
            continue
        user, course = users[plan.learner], plan.course
        previous = None
        first_certified = None
        for run in range(1, OLDER_RUNS + 1):
            # A year apart, the last ending before the current run started.
            started = NOW - timedelta(days=365 * (OLDER_RUNS + 1 - run) + rng.uniform(0, 30))
            moment = started
            for key in course.lesson_keys:
                moment += timedelta(minutes=rng.uniform(5, 60 * 24))
                out.completions.append((user.pk, course.key, key, moment, run))
            if course.final_key:
                moment += timedelta(minutes=rng.uniform(60, 60 * 24))
                out.attempts.append(
                    (user.pk, course.final_key, course.key, 1, AttemptStatus.SUBMITTED,
                     moment - timedelta(minutes=15), moment, "[]", "{}", "{}",
                     Decimal(rng.randint(70, 100)), True, False, run)
                )  # fmt: skip
                out.completions.append((user.pk, course.key, course.final_key, moment, run))
            out.enrollments.append(
                (user.pk, course.key, started, moment, course.lesson_keys[-1], moment, None,
                 None, None, run, False, RunKind.FIRST if run == 1 else RunKind.RENEWAL)
            )  # fmt: skip
            first_certified = first_certified or moment
            certificate = Certificate(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                code="".join(rng.choice(CODE_ALPHABET) for _ in range(16)),
                learner_id=user.pk,
                course_key=course.key,
                run=run,
                first_certified_at=first_certified,
                learner_name=user.full_name,
                learner_role=user.role,
                county=user.county,
                course_title_ro=course.title,
                hours=Decimal("1.5"),
                completed_at=moment,
                issued_at=moment + timedelta(minutes=1),
                expires_at=moment + timedelta(days=365 * 2),
                status=CertificateStatus.READY,
            )
            if previous is not None:
                previous.superseded_by_id = certificate.id
            out.certificates.append(certificate)
            previous = certificate
        current = current_certificates.get((user.pk, course.key))
        if current is not None:
            current.id = current.id or uuid.UUID(int=rng.getrandbits(128), version=4)
            current.first_certified_at = first_certified
            previous.superseded_by_id = current.id
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="seed the learners again anyway")
    args = parser.parse_args()
    configure_environment()
    setup_django(database=DATABASE_NAME)
    from django.db import transaction

    started = time.monotonic()
    with transaction.atomic():
        courses = ensure_courses()
    found = counts()
    print("Found {} learners, {} enrolments, {} completions, {} attempts.".format(*found))
    with_finals = sum(1 for c in courses if c.final_key)
    per_older_run = sum(len(c.lesson_keys) for c in courses) + with_finals
    expected = (
        LEARNERS,
        LEARNERS * COURSES + RUN_LEARNERS * COURSES * OLDER_RUNS,
        COMPLETIONS + RUN_LEARNERS * OLDER_RUNS * per_older_run,
        ATTEMPTS + RUN_LEARNERS * OLDER_RUNS * with_finals,
    )
    if found == expected and not args.reset:
        print("Nothing to do: the benchmark data is already there.")
        return

    rng = random.Random(RANDOM_SEED)  # noqa: S311 - reproducible test data, not security
    with transaction.atomic():
        delete_learners()
        users = make_learners(rng)
        make_coordinators()
        print(f"Created {len(users)} learners and two coordinators.")
        write_progress(rng, users, plan_progress(rng, courses))
    analyze()
    print(
        f"Done in {time.monotonic() - started:.0f} s. Logins: {NATIONAL} (national), "
        f"{COUNTY_COORDINATOR} (county {COORDINATOR_COUNTY}), password {PASSWORD}."
    )


if __name__ == "__main__":
    main()
