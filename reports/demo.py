"""Demo scope: the demo coordinator (coordonator@demo.local) sees the county of Cluj."""

from accounts.models import County, ProfessionalRole, User

from .apps import ensure_coordinators_group
from .models import CoordinatorScope, ScopeLevel


def seed_coordinator_scopes() -> None:
    from django.apps import apps

    ensure_coordinators_group(apps.get_app_config("reports"))
    coordinator = User.objects.filter(email="coordonator@demo.local").first()
    if coordinator is not None:
        CoordinatorScope.objects.get_or_create(
            user=coordinator, defaults={"level": ScopeLevel.COUNTY, "county": County.CJ}
        )


FIRST_NAMES = [
    "Ana",
    "Maria",
    "Elena",
    "Ioana",
    "Andreea",
    "Cristina",
    "Mihaela",
    "Alina",
    "Roxana",
    "Diana",
    "Andrei",
    "Mihai",
    "Alexandru",
    "Ștefan",
    "Gheorghe",
    "Ion",
    "Vasile",
    "Florin",
    "Bogdan",
    "Sorin",
]
LAST_NAMES = [
    "Popescu",
    "Ionescu",
    "Pop",
    "Rusu",
    "Munteanu",
    "Moldovan",
    "Țurcanu",
    "Mureșan",
    "Bălan",
    "Șerban",
    "Dumitru",
    "Stoica",
    "Lungu",
    "Crăciun",
    "Făgărășan",
    "Oprea",
    "Pîrvu",
    "Neagu",
]
# (county, role, institution name) of the demo cohort; Cluj has most, so the county
# coordinator's reports have something to show, and other counties prove they stay out.
COHORT = [
    *[(County.CJ, ProfessionalRole.TEACHER, "Inspectoratul Școlar Județean Cluj")] * 14,
    *[
        (
            County.CJ,
            ProfessionalRole.SOCIAL_WORKER,
            "Direcția Generală de Asistență Socială și Protecția Copilului Cluj",
        )
    ]
    * 6,
    *[(County.CJ, ProfessionalRole.POLICE_OFFICER, "Inspectoratul de Poliție Județean Cluj")] * 5,
    *[(County.IS, ProfessionalRole.TEACHER, "Inspectoratul Școlar Județean Iași")] * 5,
    *[(County.TM, ProfessionalRole.POLICE_OFFICER, "Inspectoratul de Poliție Județean Timiș")] * 4,
]


def seed_report_cohort() -> int:
    """A cohort of demo learners at every stage, so reports have something to count: some
    finished (with pre-test, post-test and final scores), some halfway, some overdue; every
    fifth learner's finished courses are renewals (a first run two years before, certified,
    then renewed), so the reports show runs. Runs once; returns how many learners it
    created."""
    import datetime
    import random
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Locale

    from accounts.models import Institution
    from courses.models import Enrollment, RunKind, StepCompletion
    from elearning.demo import DEMO_PASSWORD
    from evaluation.selectors import matched_course_keys
    from quizzes.models import Attempt, AttemptStatus, QuizPage

    from .selectors import report_courses

    if User.objects.filter(email__startswith="cohorta-").exists():
        return 0
    courses = report_courses()
    if not courses:
        return 0
    quizzes = {q.translation_key: q for q in QuizPage.objects.filter(locale__language_code="ro")}
    matched = matched_course_keys()
    en = Locale.objects.get(language_code="en")
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    now = timezone.now()
    created = 0
    finished = []
    with transaction.atomic():
        for n, (county, role, institution_name) in enumerate(COHORT, start=1):
            learner = User.objects.create_user(
                email=f"cohorta-{n:02d}@demo.local",
                password=DEMO_PASSWORD,
                full_name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}",
                role=role,
                county=county,
                institution=Institution.objects.filter(name=institution_name).first(),
                preferred_language="en" if n % 7 == 0 else "ro",
            )
            created += 1
            for course in rng.sample(courses, k=rng.randint(1, len(courses))):
                started = now - datetime.timedelta(days=rng.randint(20, 200))
                stage = rng.choice(["done", "done", "halfway", "overdue", "not_started"])
                steps = sorted(course.required_keys - course.final_quiz_keys, key=str)
                done_steps = {"done": steps, "halfway": steps[: len(steps) // 2]}.get(stage, [])
                completed = (
                    started + datetime.timedelta(days=rng.randint(2, 18))
                    if stage == "done"
                    else None
                )
                renewed = stage == "done" and n % 5 == 0
                if renewed:
                    first_completed = started - datetime.timedelta(days=730)
                    first = Enrollment.objects.create(
                        learner=learner,
                        course_key=course.key,
                        run=1,
                        current=False,
                        started_at=first_completed - datetime.timedelta(days=10),
                        completed_at=first_completed,
                        last_step_key=steps[-1] if steps else None,
                    )
                    StepCompletion.objects.bulk_create(
                        StepCompletion(
                            learner=learner,
                            course_key=course.key,
                            step_key=k,
                            run=1,
                            completed_at=first_completed,
                        )
                        for k in [*steps, *course.final_quiz_keys]
                    )
                    finished.append(first)
                enrollment = Enrollment.objects.create(
                    learner=learner,
                    course_key=course.key,
                    run=2 if renewed else 1,
                    kind=RunKind.RENEWAL if renewed else RunKind.FIRST,
                    started_at=started,
                    completed_at=completed,
                    last_step_key=done_steps[-1] if done_steps else None,
                    due_on=(now - datetime.timedelta(days=5)).date()
                    if stage == "overdue"
                    else None,
                )
                StepCompletion.objects.bulk_create(
                    StepCompletion(
                        learner=learner,
                        course_key=course.key,
                        step_key=k,
                        run=enrollment.run,
                        completed_at=started,
                    )
                    for k in done_steps
                )
                if stage == "done":
                    finished.append(enrollment)
                if stage not in ("done", "halfway"):
                    continue
                pre = rng.randint(20, 60)
                attempts = [(course.pre_test_keys, pre, None)]
                if stage == "done":
                    attempts += [
                        (course.post_test_keys, min(100, pre + rng.randint(15, 45)), None),
                        (course.final_quiz_keys, rng.randint(70, 100), True),
                    ]
                if course.key in matched and enrollment.run == 1:
                    # A matched pre/post pool: the tests are taken through the real services
                    # (drawn per objective, graded, answers kept per item), so the impact and
                    # indicators reports pair them as they pair anyone's.
                    taken = [(course.pre_test_keys, 0.35 + 0.04 * (n % 5))]
                    if stage == "done":
                        taken.append((course.post_test_keys, 0.65 + 0.05 * (n % 6)))
                    for keys, ability in taken:
                        for key in keys:
                            quiz = quizzes.get(key)
                            if quiz is None:
                                continue
                            if learner.preferred_language == "en":
                                quiz = quiz.get_translation_or_none(en) or quiz
                            _take_quiz(
                                learner, quiz.specific, ability, rng, when=completed or started
                            )
                    attempts = [a for a in attempts if a[0] is course.final_quiz_keys]
                if stage == "done":
                    # The graded final quiz through the real services too (answers kept per
                    # item), so the trainers' item analysis has something to show; passing it
                    # records its step.
                    attempts = [a for a in attempts if a[0] is not course.final_quiz_keys]
                    ability = rng.gauss(0.3, 1.0)
                    for key in course.final_quiz_keys:
                        quiz = quizzes.get(key)
                        if quiz is None:
                            continue
                        if learner.preferred_language == "en":
                            quiz = quiz.get_translation_or_none(en) or quiz
                        _take_final_quiz(learner, quiz.specific, ability, rng, when=completed)
                for keys, score, passed in attempts:
                    for key in keys:
                        Attempt.objects.create(
                            learner=learner,
                            quiz_key=key,
                            course_key=course.key,
                            run=enrollment.run,
                            number=1,
                            page=quizzes.get(key),
                            status=AttemptStatus.SUBMITTED,
                            started_at=completed or started,
                            submitted_at=completed or started,
                            score=Decimal(score),
                            passed=passed if passed is not None else None,
                        )
    # Completed courses get their certificates the way real ones do: through the signal that
    # `courses` sends (the worker renders them), a first run's before its renewal's (which
    # supersedes it).
    from courses.models import CoursePage
    from courses.signals import course_completed

    for enrollment in finished:
        course_completed.send(
            sender=CoursePage,
            learner_id=enrollment.learner_id,
            course_key=enrollment.course_key,
            completed_at=enrollment.completed_at,
            run=enrollment.run,
        )
    return created


def _take_quiz(learner, quiz, ability: float, rng, *, when) -> None:
    """One attempt through quizzes' services, each drawn question answered right with the
    probability `ability`, dated `when` (the demo's past)."""
    from quizzes import services
    from quizzes.models import Attempt
    from quizzes.selectors import quiz_answer_key

    attempt = services.attempt_start(learner=learner, quiz=quiz)
    key = quiz_answer_key(quiz)
    answers = {}
    for question_key in attempt.question_keys:
        choices = key[question_key].choices
        right = [c.key for c in choices if c.is_correct]
        wrong = [c.key for c in choices if not c.is_correct]
        answers[question_key] = (
            right if rng.random() < ability or not wrong else [rng.choice(wrong)]
        )
    services.attempt_submit(attempt=attempt, quiz=quiz, answers=answers, learner=learner)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=when, submitted_at=when)


def _take_final_quiz(learner, quiz, ability: float, rng, *, when, tries: int = 3) -> None:
    """A finished learner's final quiz, answered per item by a simple item-response model
    (the chance of a right answer rises with the learner's ability and falls with the
    question's difficulty, fixed per question), so facility and discrimination look like a
    real cohort's; wrong answers prefer the first distractor (the most plausible). Retaken,
    more able each time, until passed (a finished run passed it). One question everybody
    knows: the emergency number 112 (DEMO_KNOWN_BY_ALL), which the item analysis flags as
    too easy."""
    import math
    import random

    from quizzes import services
    from quizzes.models import Attempt
    from quizzes.selectors import questions_by_key

    questions = questions_by_key(quiz)
    for attempt_number in range(tries):
        try:
            attempt = services.attempt_start(learner=learner, quiz=quiz)
        except services.QuizError:
            return
        answers = {}
        for question_key in attempt.question_keys:
            choices = list(questions[question_key].choices.all())
            right = [str(c.key) for c in choices if c.is_correct]
            wrong = [str(c.key) for c in choices if not c.is_correct]
            if [c.text for c in choices if c.is_correct] == DEMO_KNOWN_BY_ALL:
                answers[question_key] = right
                continue
            difficulty = random.Random(question_key).uniform(-1.0, 1.8)  # noqa: S311 - demo
            chance = 1 / (1 + math.exp(-1.3 * (ability + attempt_number - difficulty)))
            if rng.random() < chance or not wrong:
                answers[question_key] = right
            elif len(right) > 1 and rng.random() < 0.5:
                answers[question_key] = right[:-1]  # a near miss: one right choice left out
            else:
                weights = [3] + [1] * (len(wrong) - 1)
                answers[question_key] = [rng.choices(wrong, weights=weights)[0]]
        submitted = services.attempt_submit(
            attempt=attempt, quiz=quiz, answers=answers, learner=learner
        )
        Attempt.objects.filter(pk=attempt.pk).update(started_at=when, submitted_at=when)
        if submitted.passed:
            return


# The correct choices of the demo's question that every cohort learner gets right (the
# teachers' final quiz: "which number do you call when a child is in immediate danger?").
DEMO_KNOWN_BY_ALL = ["112"]
