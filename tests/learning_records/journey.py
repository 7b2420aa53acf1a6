"""A learner's journey through a small course, for the learning-records tests."""

from django.urls import reverse
from django.utils import translation

from courses import services as course_services
from quizzes.models import Attempt, AttemptStatus

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import InstitutionFactory, UserFactory
from ..quizzes.factories import correct_answers, make_quiz


def sharing_learner(**kwargs):
    institution = InstitutionFactory(name="Școala care împărtășește", share_learning_records=True)
    return UserFactory(institution=institution, **kwargs)


def course_with_quiz():
    course = make_course(lessons=1, slug="curs-xapi", title="Curs xAPI")
    quiz = make_quiz(course)
    return course, quiz


def take_course(client, learner, course, quiz, capture, *, quiz_language="en"):
    """Visit the lesson (Romanian), complete it, pass the final quiz (in `quiz_language`):
    the course completes and its certificate is issued (after commit)."""
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    with capture(execute=True):
        assert client.get(lesson.url).status_code == 200
        course_services.step_complete(learner=learner, course=course, step=lesson)
        page = quiz if quiz_language == "ro" else quiz.get_translation(_locale(quiz_language))
        with translation.override(quiz_language):
            start = reverse("quizzes:attempt_start", kwargs={"page_id": page.pk})
            assert client.post(start).status_code == 302
            attempt = Attempt.objects.get(learner=learner, status=AttemptStatus.IN_PROGRESS)
            submit = reverse(
                "quizzes:attempt_submit", kwargs={"page_id": page.pk, "attempt_id": attempt.pk}
            )
            response = client.post(submit, correct_answers(page, attempt))
        assert response.status_code in (200, 302), response.content.decode()[:300]
    return attempt


def _locale(code):
    from wagtail.models import Locale

    return Locale.objects.get(language_code=code)
