"""Runs as the learner sees them: "My learning" lists earlier runs (completed on, certificate,
final quiz score) and offers a renewal or a retake; the course page shows the same offer and
"Run N"; "start again" (courses:run_start) refuses bad input with a message and changes
nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from certificates import services as certificate_services
from certificates.models import Certificate, CertificateStatus
from courses import services
from courses.models import Enrollment, RunKind, StepCompletion
from courses.selectors import course_required_keys
from quizzes.models import Attempt, AttemptStatus, QuizKind, QuizPage

from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from .factories import lessons_of, make_course, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client, demo_site):
    user = UserFactory()
    client.force_login(user)
    return user


def run_start_url(page, language="ro"):
    with translation.override(language):
        return reverse("courses:run_start", args=[page.pk])


def retake_course(**fields):
    """A two-lesson course that allows retakes, set on both translations (as a trainer does:
    the offer reads the page in the learner's language)."""
    course = make_course(lessons=2)
    for page in (course, course.get_translation(_en())):
        for name, value in {"allows_retakes": True, **fields}.items():
            setattr(page, name, value)
        publish(page)
    course.refresh_from_db()
    return course


def complete_run(learner, course, *, days_ago=0, score=None, certificate=True):
    """Complete the learner's current run of `course` as `days_ago` days ago (every step
    done; a final quiz attempt scored `score`), and issue its certificate without rendering a
    PDF (its state is what the pages show). Returns the run."""
    completed = timezone.now() - timedelta(days=days_ago)
    enrollment = services.enrollment_start(learner=learner, course=course)
    StepCompletion.objects.bulk_create(
        StepCompletion(
            learner=learner,
            course_key=course.translation_key,
            step_key=key,
            run=enrollment.run,
            completed_at=completed,
        )
        for key in course_required_keys(course=course)
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=completed)
    if score is not None:
        quiz = QuizPage.objects.child_of(course).filter(kind=QuizKind.FINAL).first()
        for number, points in enumerate((score - 20, score), start=1):
            Attempt.objects.create(
                learner=learner,
                quiz_key=quiz.translation_key,
                course_key=course.translation_key,
                run=enrollment.run,
                number=number,
                page=quiz,
                status=AttemptStatus.SUBMITTED,
                submitted_at=completed,
                score=Decimal(points),
                passed=points >= 70,
            )
    if certificate:
        issued = certificate_services.certificate_request(
            learner_id=learner.pk,
            course_key=course.translation_key,
            completed_at=completed,
            run=enrollment.run,
        )
        Certificate.objects.filter(pk=issued.pk).update(status=CertificateStatus.READY)
    services.progress_changed(learner_id=learner.pk, course_key=course.translation_key)
    enrollment.refresh_from_db()
    return enrollment


def start_again(client, course, after_run, language="ro"):
    return client.post(run_start_url(course, language), {"after_run": after_run})


# What the learner sees


def test_my_learning_shows_earlier_runs_with_certificate_and_best_final_score(client, learner):
    course = retake_course()
    make_quiz(course, kind=QuizKind.FINAL, pass_mark=70)
    complete_run(learner, course, days_ago=400, score=85)
    assert start_again(client, course, 1).status_code == 302
    complete_run(learner, course, days_ago=10, score=95)
    first, second = Certificate.objects.filter(learner=learner).order_by("run")
    assert first.superseded_by_id == second.pk

    with translation.override("en"):
        response = client.get(reverse("courses:my_learning"))
    html = response.content.decode()
    assert "Run 2 · Retake" in html
    assert "Earlier run (1)" in html
    assert "Run 1</strong>: completed on" in html
    # The best of the run's two attempts, and the run's own certificate, "Renewed", linked to
    # its public page (which points to the renewal).
    assert "Final quiz: 85%" in html
    assert "Final quiz: 95%" not in html  # the current run's score is not history
    verify = reverse("certificates:verify", args=[first.grouped_code])
    assert f'<a href="{verify}">Certificate {first.grouped_code}</a>' in html
    assert "(Renewed)" in html
    # A retake is offered, as a secondary button.
    assert 'class="button button--secondary">Take the course again' in html
    assert 'name="after_run" value="2"' in html


def test_a_certificate_about_to_expire_is_offered_its_renewal_first(client, learner):
    course = retake_course(certificate_validity_months=24)
    # Completed 700 days ago: the certificate expires in about 30 days, inside the 60-day window.
    complete_run(learner, course, days_ago=700)
    with translation.override("en"):
        html = client.get(reverse("courses:my_learning")).content.decode()
        course_html = client.get(course.get_translation(_en()).url).content.decode()
    assert 'class="run-offer run-offer--renewal"' in html
    assert 'class="button">Renew your certificate' in html
    assert 'button--secondary">Take the course again' not in html  # the renewal replaces it
    assert "valid until" in html
    # The course page offers the same, and its "review" button steps back.
    assert 'class="button">Renew your certificate' in course_html
    assert 'class="button button--secondary">Review the course' in course_html

    response = start_again(client, course, 1)
    assert response.status_code == 302
    run = Enrollment.objects.get(learner=learner, current=True)
    assert (run.run, run.kind) == (2, RunKind.RENEWAL)


def _en():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="en")


def test_a_retake_starts_at_zero_and_the_course_page_says_run_2(client, learner):
    course = retake_course()
    complete_run(learner, course, days_ago=30)
    response = start_again(client, course, 1)
    first_lesson = lessons_of(course)[0]
    assert response.status_code == 302
    assert response["Location"] == first_lesson.url
    html = client.get(course.url).content.decode()
    assert "Parcurgerea 2" in html
    assert "0 din 2 pași parcurși" in html or "0%" in html
    assert "Reînnoiți certificatul" not in html and "Parcurgeți din nou cursul" not in html
    # Run 1 is kept as it was.
    assert StepCompletion.objects.filter(learner=learner, run=1).count() == 2
    assert StepCompletion.objects.filter(learner=learner, run=2).count() == 0


def test_my_learning_costs_the_same_queries_for_two_runs_and_for_ten(client, learner):
    # With no earlier run the history's two queries (certificates, scores) are not made; from
    # the first earlier run on, the count no longer grows.
    course = retake_course()
    make_quiz(course, kind=QuizKind.FINAL, pass_mark=70)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("courses:my_learning")).status_code == 200
        return len(captured)

    complete_run(learner, course, days_ago=500, score=80)
    for n in range(2, 11):
        start_again(client, course, n - 1)
        complete_run(learner, course, days_ago=500 - n, score=80)
        if n == 2:
            client.get(reverse("courses:my_learning"))  # warm the page-tree caches
            two = queries()
    assert Enrollment.objects.filter(learner=learner).count() == 10
    assert queries() == two


# Bad input: a clear message and a 4xx, nothing created


def runs_of(learner):
    return list(Enrollment.objects.filter(learner=learner).values_list("run", "current"))


def test_a_course_without_retakes_refuses_with_403(client, learner):
    course = make_course(lessons=1)
    complete_run(learner, course, days_ago=5)
    response = start_again(client, course, 1)
    assert response.status_code == 403
    assert "Acest curs nu poate fi parcurs din nou deocamdată." in response.content.decode()
    assert runs_of(learner) == [(1, True)]


def test_a_course_not_yet_completed_refuses(client, learner):
    course = retake_course()
    services.enrollment_start(learner=learner, course=course)
    response = start_again(client, course, 1)
    assert response.status_code == 403
    assert "Acest curs nu poate fi parcurs din nou deocamdată." in response.content.decode()
    assert runs_of(learner) == [(1, True)]


def test_a_course_never_started_refuses(client, learner):
    course = retake_course()
    response = start_again(client, course, 1)
    assert response.status_code == 409
    assert Enrollment.objects.count() == 0


def test_a_second_click_or_a_stale_tab_gets_409_and_starts_nothing(client, learner):
    course = retake_course()
    complete_run(learner, course, days_ago=5)
    assert start_again(client, course, 1).status_code == 302
    response = start_again(client, course, 1)  # the same form, submitted again
    assert response.status_code == 409
    assert "Ați început deja din nou acest curs" in response.content.decode()
    assert sorted(runs_of(learner)) == [(1, False), (2, True)]


def test_two_starts_at_once_open_one_run(learner):
    # Both requests read run 1 as current before either wrote: the conditional update lets
    # one through, the other opens nothing.
    course = retake_course()
    previous = complete_run(learner, course, days_ago=5)
    assert services._run_open(
        learner=learner, course_key=course.translation_key, previous=previous, kind=RunKind.RETAKE
    )
    assert (
        services._run_open(
            learner=learner,
            course_key=course.translation_key,
            previous=previous,
            kind=RunKind.RETAKE,
        )
        is None
    )
    assert sorted(runs_of(learner)) == [(1, False), (2, True)]


@pytest.mark.parametrize(
    ("after_run", "status"),
    [
        ("2", 409),
        ("99", 409),
        ("0", 400),
        ("-1", 400),
        ("1" + "0" * 30, 400),
        ("x", 400),
        (None, 400),
    ],
)
def test_a_forged_run_number_is_refused(client, learner, after_run, status):
    course = retake_course()
    complete_run(learner, course, days_ago=5)
    data = {} if after_run is None else {"after_run": after_run}
    response = client.post(run_start_url(course), data)
    assert response.status_code == status
    assert "Acest curs nu poate fi parcurs din nou deocamdată." in response.content.decode()
    assert runs_of(learner) == [(1, True)]


@pytest.mark.parametrize("case", ["missing", "huge", "negative", "lesson", "other_language"])
def test_a_forged_page_id_is_404(client, learner, case):
    course = retake_course()
    complete_run(learner, course, days_ago=5)
    url = {
        "missing": run_start_url(course).replace(str(course.pk), "999999"),
        "huge": run_start_url(course).replace(str(course.pk), "9" * 40),
        "negative": run_start_url(course).replace(str(course.pk), f"-{course.pk}"),
        "lesson": run_start_url(lessons_of(course)[0]),
        "other_language": run_start_url(course.get_translation(_en()), "ro"),
    }[case]
    assert client.post(url, {"after_run": 1}).status_code == 404
    assert runs_of(learner) == [(1, True)]


def test_another_learners_session_starts_nothing_of_theirs(client, learner):
    course = retake_course()
    other = UserFactory()
    complete_run(other, course, days_ago=5)
    # The learner logged in has no run of this course: the run number is someone else's.
    response = start_again(client, course, 1)
    assert response.status_code == 409
    assert runs_of(learner) == []
    assert runs_of(other) == [(1, True)]


def test_anonymous_is_sent_to_login_and_get_is_405(client, demo_site):
    course = retake_course()
    response = client.post(run_start_url(course), {"after_run": 1})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(run_start_url(course)).status_code == 405
    assert Enrollment.objects.count() == 0
