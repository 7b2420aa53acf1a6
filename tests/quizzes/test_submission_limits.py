"""Submission: a fixed number of queries, and never a server error whatever is posted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Enrollment, LessonPage
from courses.services import step_complete
from quizzes.models import Attempt, AttemptStatus, Choice, Question, QuizPage

from ..courses.factories import make_course, publish
from ..elearning.factories import UserFactory
from .factories import correct_answers, make_quiz

pytestmark = pytest.mark.django_db


def big_quiz(course, n_questions, slug):
    quiz = QuizPage(title=f"{n_questions} întrebări", slug=slug, shuffle_questions=False)
    quiz.questions = [
        Question(
            sort_order=i,
            kind="multiple" if i % 3 == 0 else "single",
            partial_credit=i % 2 == 0,
            text=f"Întrebarea {i}",
            choices=[
                Choice(
                    sort_order=j, text=f"Varianta {j}", is_correct=j == 0 or (i % 3 == 0 and j == 1)
                )
                for j in range(4)
            ],
        )
        for i in range(n_questions)
    ]
    course.add_child(instance=quiz)
    return publish(quiz)


def queries_for_submission(client, quiz):
    client.post(f"/ro/learning/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(quiz_key=quiz.translation_key, status=AttemptStatus.IN_PROGRESS)
    data = correct_answers(quiz, attempt)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            f"/ro/learning/quizzes/{quiz.pk}/attempts/{attempt.pk}/submit/", data
        )
    assert response.status_code == 302
    # Transaction control is not counted. The test's own transaction turns the submission's
    # into a savepoint; the step it records adds none (it would be two more round trips).
    savepoints = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1, savepoints
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_submission_queries_do_not_grow_with_questions(client, demo_site):
    learner = UserFactory()
    client.force_login(learner)
    # Each course has a lesson the learner has not done, so passing its quiz records the step
    # but does not complete the course until that lesson is done.
    course_10 = make_course(slug="c10", lessons=1, translate=False)
    course_30 = make_course(slug="c30", lessons=1, translate=False)
    quiz_10 = big_quiz(course_10, 10, "q10")
    quiz_30 = big_quiz(course_30, 30, "q30")
    # Recording the step: on PostgreSQL the learner's progress lock, then one statement that
    # inserts the enrolment and the completion unless they exist and reads back the required
    # steps done (four statements on SQLite, which needs no lock: the current run's number is
    # read on its own).
    step_statements = 2 if connection.vendor == "postgresql" else 4
    # The first submission after a publish also reads the quiz's questions and choices and the
    # course's steps' links, and caches them (the quiz page and its course were cached when the
    # attempt started, the user when they logged in).
    ten = queries_for_submission(client, quiz_10)
    thirty = queries_for_submission(client, quiz_30)
    # One INSERT keeps every answer per item (quizzes.ItemResponse, for the measures of learning).
    # Filling the steps' links reads each step type's table once: lessons, quizzes, decision
    # scenarios (courses.selectors.step_models).
    assert len(ten) == len(thirty) == 8 + step_statements, "\n".join(q[:120] for q in thirty)
    # Later ones find those cached: the attempt, the graded UPDATE, the answers, and the step.
    ten = queries_for_submission(client, quiz_10)
    thirty = queries_for_submission(client, quiz_30)
    assert len(ten) == len(thirty) == 3 + step_statements, "\n".join(q[:120] for q in thirty)
    # With the lesson done, passing completes the course: one more, the completion UPDATE.
    for course in (course_10, course_30):
        lesson = LessonPage.objects.child_of(course).get()
        step_complete(learner=learner, course=course, step=lesson)
    ten = queries_for_submission(client, quiz_10)
    thirty = queries_for_submission(client, quiz_30)
    assert len(ten) == len(thirty) == 4 + step_statements, "\n".join(q[:120] for q in thirty)
    assert Enrollment.objects.filter(learner=learner, completed_at__isnull=False).count() == 2


@pytest.fixture
def quiz_and_attempt(demo_site):
    quiz = make_quiz(translate=False, shuffle_questions=False)
    learner = UserFactory()
    return quiz, learner


ids = st.one_of(st.integers(min_value=-5, max_value=10**6).map(str), st.text(max_size=12))
fields = st.dictionaries(
    keys=st.one_of(
        st.sampled_from(["score", "passed", "q-", "csrfmiddlewaretoken"]), st.text(max_size=40)
    ),
    values=st.lists(ids, max_size=4),
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(extra=fields, use_real_keys=st.booleans(), picks=st.lists(st.integers(0, 3), max_size=6))
def test_submission_never_errors_and_scores_stay_in_range(
    client, quiz_and_attempt, extra, use_real_keys, picks
):
    quiz, learner = quiz_and_attempt
    client.force_login(learner)
    Attempt.objects.filter(learner=learner).delete()
    client.post(f"/ro/learning/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(learner=learner, status=AttemptStatus.IN_PROGRESS)
    data = dict(extra)
    if use_real_keys:
        questions = list(quiz.questions.all())
        for n, question in enumerate(questions):
            choices = list(question.choices.all())
            index = picks[n] if n < len(picks) else 0
            data[f"q-{question.key}"] = [str(choices[index % len(choices)].pk)]
    response = client.post(f"/ro/learning/quizzes/{quiz.pk}/attempts/{attempt.pk}/submit/", data)
    assert response.status_code in (302, 400, 409)
    attempt.refresh_from_db()
    if response.status_code == 302:
        assert 0 <= attempt.score <= 100
    else:
        assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.score is None
