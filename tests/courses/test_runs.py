"""Runs (issue 16): a learner's work on a course is a run, the first and each retake or
renewal. Each run completes once, has its own steps, attempts and certificate; earlier runs are
never rewritten; a renewal's certificate supersedes the one before and keeps the first date."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from wagtail.models import Locale

from certificates.models import Certificate, CertificateEvent, CertificateState
from certificates.selectors import certificate_state
from certificates.services import certificate_request
from courses import selectors, services
from courses.models import CoursePage, Enrollment, RecertificationCampaign, RunKind, StepCompletion
from quizzes import selectors as quiz_selectors
from quizzes import services as quiz_services
from quizzes.models import Attempt, AttemptStatus, QuizKind, ReviewPolicy

from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from .factories import lesson_queries, lessons_of, make_course

pytestmark = pytest.mark.django_db


def _retakes(course: CoursePage, allowed=True) -> CoursePage:
    CoursePage.objects.filter(translation_key=course.translation_key).update(allows_retakes=allowed)
    course.allows_retakes = allowed
    return course


def _complete(learner, course, language="ro"):
    """Every lesson, in `language` (progress is keyed by translation keys)."""
    page = course
    if language != course.locale.language_code:
        page = course.get_translation(Locale.objects.get(language_code=language))
    done = False
    for lesson in lessons_of(course, language):
        done = services.step_complete(learner=learner, course=page, step=lesson) or done
    return done


@pytest.fixture
def course(demo_site):
    return _retakes(make_course(slug="reluare", lessons=2))


def test_a_retake_is_a_new_run_and_leaves_the_first_as_it_was(
    course, completions, media_root, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert _complete(learner, course)
    first = Enrollment.objects.get(learner=learner)
    first_steps = sorted(StepCompletion.objects.values_list("step_key", "run", "completed_at"))
    first_certificate = Certificate.objects.get(learner=learner)

    # "My learning" offers a retake (the certificate does not expire, the course allows it).
    assert selectors.run_offer(learner=learner, course=course, enrollment=first) == RunKind.RETAKE
    run = services.run_start(learner=learner, course=course, after_run=1)
    assert (run.run, run.current, run.kind, run.completed_at) == (2, True, RunKind.RETAKE, None)
    first.refresh_from_db()
    assert (first.current, first.completed_at is not None) == (False, True)

    # The current run starts from nothing: 0 %, and "continue" is the first lesson.
    outline = selectors.course_outline(course=course, learner=learner)
    assert (outline.percent, outline.continue_step().translation_key) == (
        0,
        lessons_of(course)[0].translation_key,
    )
    assert selectors.run_offer(learner=learner, course=course, enrollment=run) is None

    # Completed in English: the same run (translation keys), completed once, signalled once.
    with django_capture_on_commit_callbacks(execute=True):
        assert _complete(learner, course, language="en")
        assert not _complete(learner, course, language="en")
    assert [c["run"] for c in completions] == [1, 2]
    assert (
        sorted(StepCompletion.objects.filter(run=1).values_list("step_key", "run", "completed_at"))
        == first_steps
    )
    assert StepCompletion.objects.filter(run=2).count() == 2

    # The renewal's certificate: a new code; the first says "renewed" and keeps its dates.
    second = Certificate.objects.get(learner=learner, run=2)
    first_certificate.refresh_from_db()
    assert second.code != first_certificate.code
    assert first_certificate.superseded_by_id == second.pk
    assert certificate_state(first_certificate) == CertificateState.SUPERSEDED
    assert certificate_state(second) == CertificateState.VALID
    assert second.first_certified_at == first_certificate.completed_at
    assert second.is_renewal and not first_certificate.is_renewal
    assert first_certificate.events.filter(kind=CertificateEvent.Kind.RENEWED).count() == 1


def test_a_new_run_is_refused_unless_offered_and_changes_nothing(demo_site):
    learner = UserFactory()
    course = make_course(slug="o-data", lessons=1, translate=False)

    def refused(after_run, status):
        before = list(Enrollment.objects.values())
        with pytest.raises(services.RunError) as error:
            services.run_start(learner=learner, course=course, after_run=after_run)
        assert error.value.status == status
        assert list(Enrollment.objects.values()) == before

    refused(1, 409)  # never enrolled
    services.enrollment_start(learner=learner, course=course)
    refused(1, 403)  # not completed yet
    _complete(learner, course)
    refused(1, 403)  # completed, but the course allows no retake and nothing asks a renewal
    _retakes(course)
    refused(7, 409)  # a forged run number
    services.run_start(learner=learner, course=course, after_run=1)
    refused(1, 409)  # a second click on the same button: already started
    assert Enrollment.objects.filter(learner=learner).count() == 2


def test_an_expiring_certificate_asks_for_a_renewal_even_without_retakes(
    demo_site, media_root, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    course = make_course(slug="expira", lessons=1, translate=False)
    CoursePage.objects.filter(pk=course.pk).update(certificate_validity_months=24)
    course.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        _complete(learner, course)
    enrollment = Enrollment.objects.get(learner=learner)
    assert selectors.run_offer(learner=learner, course=course, enrollment=enrollment) is None
    # 50 days before expiry: inside the course's 60-day window.
    Certificate.objects.filter(learner=learner).update(
        expires_at=timezone.now() + timezone.timedelta(days=50)
    )
    assert (
        selectors.run_offer(learner=learner, course=course, enrollment=enrollment)
        == RunKind.RENEWAL
    )
    assert services.run_start(learner=learner, course=course, after_run=1).kind == RunKind.RENEWAL


def test_a_renewal_under_a_recertification_keeps_the_steps_that_carry_over(demo_site):
    learner = UserFactory()
    course = _retakes(make_course(slug="recert", lessons=3, translate=False))
    _complete(learner, course)
    unchanged = lessons_of(course)[:2]
    RecertificationCampaign.objects.create(
        course_key=course.translation_key,
        required_by=timezone.localdate() + timezone.timedelta(days=90),
        reason_ro="Codul penal s-a schimbat în 2024.",
        reason_en="The Criminal Code changed in 2024.",
        carry_over_step_keys=[str(lesson.translation_key) for lesson in unchanged],
    )
    # A coordinator assigns the renewal (the same service as a learner's own start).
    assert services.enrollment_assign(
        learner=learner,
        course_key=course.translation_key,
        due_on=timezone.localdate(),
        by=None,
        renewal=True,
    )
    run = Enrollment.objects.get(learner=learner, current=True)
    assert (run.run, run.kind) == (2, RunKind.RENEWAL)
    carried = StepCompletion.objects.filter(run=2)
    assert {c.step_key for c in carried} == {lesson.translation_key for lesson in unchanged}
    assert all(c.carried_over for c in carried)
    outline = selectors.course_outline(course=course, learner=learner)
    assert outline.continue_step().translation_key == lessons_of(course)[2].translation_key
    assert services.step_complete(learner=learner, course=course, step=lessons_of(course)[2])
    # Assigning again does not open a third run while the second is in progress... nor once it
    # is completed without a renewal asked for (the first case: it updates the due date).
    assert not services.enrollment_assign(
        learner=learner,
        course_key=course.translation_key,
        due_on=timezone.localdate(),
        by=None,
    )
    assert Enrollment.objects.filter(learner=learner).count() == 2


def test_attempt_limits_count_within_a_run_and_revealed_answers_stay_revealed(demo_site):
    learner = UserFactory()
    course = _retakes(make_course(slug="cu-test", lessons=0, translate=False))
    quiz = make_quiz(course, translate=False, max_attempts=1, review_policy=ReviewPolicy.AFTER_LAST)
    attempt = quiz_services.attempt_start(learner=learner, quiz=quiz)
    answers = {
        str(q.key): [str(c.key) for c in q.choices.all() if c.is_correct]
        for q in quiz.questions.all()
    }
    quiz_services.attempt_submit(attempt=attempt, quiz=quiz, answers=answers, learner=learner)
    eligibility = quiz_selectors.quiz_eligibility(learner=learner, quiz=quiz)
    assert (eligibility.can_start, eligibility.attempts_left) == (False, 0)
    assert Enrollment.objects.get(learner=learner).completed_at is not None

    services.run_start(learner=learner, course=course, after_run=1)
    eligibility = quiz_selectors.quiz_eligibility(learner=learner, quiz=quiz)
    assert (eligibility.can_start, eligibility.attempts_used, eligibility.passed) == (
        True,
        0,
        False,
    )
    # The answers were shown after the last attempt of run 1: run 2's attempt is not measured.
    assert eligibility.answers_revealed
    second = quiz_services.attempt_start(learner=learner, quiz=quiz)
    assert (second.run, second.number, second.answers_revealed) == (2, 1, True)
    assert Attempt.objects.get(run=1).status == AttemptStatus.SUBMITTED


def test_an_attempt_left_open_in_the_earlier_run_closes_with_it(demo_site):
    learner = UserFactory()
    course = _retakes(make_course(slug="deschis", lessons=1, translate=False))
    quiz = make_quiz(course, translate=False, kind=QuizKind.PRACTICE)
    _complete(learner, course)
    open_attempt = quiz_services.attempt_start(learner=learner, quiz=quiz)
    services.run_start(learner=learner, course=course, after_run=1)
    open_attempt.refresh_from_db()
    assert open_attempt.status == AttemptStatus.EXPIRED
    assert quiz_services.attempt_start(learner=learner, quiz=quiz).run == 2


def _past_runs(learner, course, quiz, runs: int) -> None:
    """`runs` completed runs before the current one, with their steps and attempts."""
    steps = [lesson.translation_key for lesson in lessons_of(course)]
    now = timezone.now()
    for number in range(1, runs + 1):
        Enrollment.objects.create(
            learner=learner,
            course_key=course.translation_key,
            run=number,
            current=False,
            completed_at=now,
        )
        StepCompletion.objects.bulk_create(
            StepCompletion(
                learner=learner, course_key=course.translation_key, step_key=s, run=number
            )
            for s in [*steps, quiz.translation_key]
        )
        Attempt.objects.create(
            learner=learner,
            quiz_key=quiz.translation_key,
            course_key=course.translation_key,
            run=number,
            number=1,
            status=AttemptStatus.SUBMITTED,
            score=100,
            passed=True,
        )
    Enrollment.objects.create(learner=learner, course_key=course.translation_key, run=runs + 1)


def _submission_queries(client, quiz) -> int:
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with translation.override("ro"):
        start = reverse("quizzes:attempt_start", kwargs={"page_id": quiz.pk})
    assert client.post(start).status_code == 302
    attempt = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS).latest("pk")
    data = {
        f"q-{q.key}": [str(c.pk) for c in q.choices.all() if not c.is_correct][:1]
        for q in quiz.questions.all()
    }
    with translation.override("ro"):
        submit = reverse(
            "quizzes:attempt_submit", kwargs={"page_id": quiz.pk, "attempt_id": attempt.pk}
        )
    with CaptureQueriesContext(connection) as captured:
        assert client.post(submit, data).status_code == 302
    return len(captured)


def test_lesson_and_submission_queries_do_not_grow_with_runs(client, demo_site):
    course = make_course(slug="multe", lessons=2, translate=False)
    quiz = make_quiz(course, translate=False)
    counts = {}
    # A first learner warms what every learner's views share (pages, questions, answer keys).
    client.force_login(UserFactory())
    lesson_queries(client, lessons_of(course)[0])
    _submission_queries(client, quiz)
    for runs in (1, 10):
        learner = UserFactory()
        _past_runs(learner, course, quiz, runs - 1)
        client.force_login(learner)
        lesson = lessons_of(course)[0]
        lesson_queries(client, lesson)  # warm the caches, as a learner's second view
        counts[runs] = (
            len(lesson_queries(client, lesson)),
            _submission_queries(client, quiz),
            _submission_queries(client, quiz),
        )
    assert counts[1] == counts[10], counts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_start_one_run_and_issue_one_certificate_per_run(demo_site, media_root):
    """Two tabs press "Take the course again" at the same moment: one run 2. Two workers
    request the certificate of the same completed run at once: one certificate."""
    learner = UserFactory()
    course = _retakes(make_course(slug="concurent", lessons=1, translate=False))
    _complete(learner, course)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def run(work):
        try:
            barrier.wait(10)
            with transaction.atomic():
                outcomes.append(work())
        except services.RunError as error:
            outcomes.append(error.status)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    def both(work):
        threads = [threading.Thread(target=run, args=(work,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

    both(lambda: services.run_start(learner=learner, course=course, after_run=1).run)
    assert not errors
    assert sorted(outcomes, key=str) == sorted([2, 409], key=str)
    assert list(Enrollment.objects.filter(learner=learner).values_list("run", "current")) in (
        [(1, False), (2, True)],
        [(2, True), (1, False)],
    )

    _complete(learner, course)
    completed_at = Enrollment.objects.get(learner=learner, run=2).completed_at
    # The receiver of course_completed has requested it already: remove it, and race.
    Certificate.objects.filter(learner=learner, run=2).delete()
    outcomes.clear()
    both(
        lambda: (
            certificate_request(
                learner_id=learner.pk,
                course_key=course.translation_key,
                completed_at=completed_at,
                run=2,
            ).pk
        )
    )
    assert not errors
    assert len(set(outcomes)) == 1
    renewal = Certificate.objects.get(learner=learner, run=2)
    assert Certificate.objects.get(learner=learner, run=1).superseded_by_id == renewal.pk


def test_the_romanian_course_s_settings_hold_in_every_language(demo_site):
    """A trainer who allows retakes on one translation only: the Romanian page decides, so the
    offer is the same whatever language the learner reads in."""
    learner = UserFactory()
    course = make_course(slug="setari", lessons=1)
    english = course.get_translation(Locale.objects.get(language_code="en"))
    _complete(learner, course)
    enrollment = Enrollment.objects.get(learner=learner)
    CoursePage.objects.filter(pk=english.pk).update(allows_retakes=True)
    english.refresh_from_db()
    assert selectors.run_offer(learner=learner, course=english, enrollment=enrollment) is None
    CoursePage.objects.filter(pk=english.pk).update(allows_retakes=False)
    CoursePage.objects.filter(pk=course.pk).update(allows_retakes=True)
    english.refresh_from_db()
    course.refresh_from_db()
    for page in (course, english):
        assert (
            selectors.run_offer(learner=learner, course=page, enrollment=enrollment)
            == RunKind.RETAKE
        )
