"""Progress: enrolment, mark as complete, languages, course completion exactly once, bad input."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses import services
from courses.models import Enrollment, LessonPage, StepCompletion

from ..elearning.factories import UserFactory
from .factories import lesson_body, lessons_of, make_course, publish

pytestmark = pytest.mark.django_db


def complete_url(page, language="ro"):
    with translation.override(language):
        return reverse("courses:lesson_complete", args=[page.pk])


@pytest.fixture
def learner(client, demo_site):
    user = UserFactory()
    client.force_login(user)
    return user


def test_lesson_needs_login_and_comes_back(client, demo_site):
    course = make_course()
    lesson = lessons_of(course)[0]
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response["Location"] == f"/ro/accounts/login/?next={lesson.url}"
    assert Enrollment.objects.count() == 0


def test_opening_a_lesson_enrols_and_remembers_the_place(client, learner):
    course = make_course()
    second = lessons_of(course)[1]
    assert client.get(second.url).status_code == 200
    enrollment = Enrollment.objects.get(learner=learner)
    assert enrollment.course_key == course.translation_key
    assert enrollment.last_step_key == second.translation_key


def test_a_reload_writes_no_visit_but_moving_on_and_coming_back_later_do(client, learner):
    course = make_course()
    first, second, _third = lessons_of(course)
    client.get(first.url)
    visited_at = Enrollment.objects.get(learner=learner).last_visited_at
    with CaptureQueriesContext(connection) as queries:
        client.get(first.url)
        client.get(first.url)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    client.get(second.url)
    assert Enrollment.objects.get(learner=learner).last_step_key == second.translation_key
    client.get(first.url)
    enrollment = Enrollment.objects.get(learner=learner)
    assert enrollment.last_step_key == first.translation_key
    # Much later, the same step again: the visit time is written.
    Enrollment.objects.filter(pk=enrollment.pk).update(
        last_visited_at=enrollment.last_visited_at - services.VISIT_REFRESH
    )
    services.progress_changed(learner_id=learner.pk, course_key=course.translation_key)
    client.get(first.url)
    assert Enrollment.objects.get(learner=learner).last_visited_at > visited_at


def test_cached_progress_follows_each_completion_and_is_never_shared(client, learner):
    course = make_course()
    first, second, third = lessons_of(course)
    outline = client.get(third.url).context["outline"]  # the learner's progress is now cached
    assert [step.completed for step in outline.steps] == [False, False, False]
    client.post(complete_url(first))
    response = client.get(third.url)
    outline = response.context["outline"]
    assert [step.completed for step in outline.steps] == [True, False, False]
    assert outline.completed_count == 1
    assert response.content.decode().count("outline__step--done") == 1  # the rendered outline

    other = Client()
    other.force_login(UserFactory())
    response = other.get(third.url)
    assert [step.completed for step in response.context["outline"].steps] == [False] * 3
    assert "outline__step--done" not in response.content.decode()
    other.post(complete_url(second))
    response = client.get(third.url)
    assert [step.completed for step in response.context["outline"].steps] == [True, False, False]
    html = response.content.decode()
    assert html.count("outline__step--done") == 1 and html.count('aria-current="page"') == 1


def test_the_outline_follows_a_newly_published_lesson(client, learner):
    course = make_course(translate=False)
    first = lessons_of(course)[0]
    assert len(client.get(first.url).context["outline"].steps) == 3
    lesson = LessonPage(title="Lecția nouă", slug="lectia-noua", body=lesson_body("Nou."))
    course.add_child(instance=lesson)
    assert len(client.get(first.url).context["outline"].steps) == 3  # a draft is not a step
    publish(lesson)
    outline = client.get(first.url).context["outline"]
    assert [step.page.title for step in outline.steps][-1] == "Lecția nouă"
    assert outline.steps[-1].url == "/ro/cursuri/curs/lectia-noua/"


def test_start_course_enrols_and_leads_to_the_first_lesson(client, learner):
    course = make_course()
    with translation.override("ro"):
        url = reverse("courses:course_start", args=[course.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == lessons_of(course)[0].url
    assert client.post(url)["Location"] == lessons_of(course)[0].url
    assert Enrollment.objects.filter(learner=learner).count() == 1


def test_mark_complete_is_idempotent_and_moves_on(client, learner):
    course = make_course()
    first, second, _third = lessons_of(course)
    response = client.post(complete_url(first))
    assert response.status_code == 302
    assert response["Location"] == second.url
    client.post(complete_url(first))
    assert StepCompletion.objects.filter(learner=learner).count() == 1
    html = client.get(first.url).content.decode()
    assert "Ați terminat această lecție." in html or "You have completed this lesson." in html


def test_progress_is_shared_between_languages(client, learner):
    course = make_course()
    ro_lessons = lessons_of(course, "ro")
    for lesson in ro_lessons[:2]:
        client.post(complete_url(lesson))
    en_lesson = lessons_of(course, "en")[2]
    outline = client.get(en_lesson.url).context["outline"]
    assert [step.completed for step in outline.steps] == [True, True, False]
    assert outline.percent == 67
    # Completing the last one in English completes the course.
    client.post(complete_url(en_lesson, "en"))
    assert Enrollment.objects.get(learner=learner).completed_at is not None


def test_course_completes_once_and_signals_after_commit(
    client, learner, completions, django_capture_on_commit_callbacks
):
    course = make_course(lessons=2)
    first, second = lessons_of(course)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(complete_url(first))
        assert completions == []
        response = client.post(complete_url(second))
    assert response["Location"] == course.url
    # One course_completed callback; the others retire the learner's cached progress.
    assert len([c for c in callbacks if c.__qualname__.startswith("step_complete.")]) == 1
    assert len(completions) == 1
    assert completions[0]["learner_id"] == learner.pk
    assert completions[0]["course_key"] == course.translation_key
    completed_at = Enrollment.objects.get(learner=learner).completed_at

    with django_capture_on_commit_callbacks(execute=True):
        client.post(complete_url(second))
        client.post(complete_url(lessons_of(course, "en")[1], "en"))
    assert len(completions) == 1
    assert Enrollment.objects.get(learner=learner).completed_at == completed_at


@pytest.mark.parametrize(
    "case", ["get", "missing", "unpublished", "other_language", "not_a_lesson", "non_numeric"]
)
def test_bad_completion_requests_change_nothing(client, learner, case):
    course = make_course()
    lesson = lessons_of(course)[0]
    if case == "get":
        response = client.get(complete_url(lesson))
        expected = 405
    elif case == "missing":
        response = client.post(complete_url(lesson).replace(str(lesson.pk), "999999"))
        expected = 404
    elif case == "unpublished":
        lesson.unpublish()
        response = client.post(complete_url(lesson))
        expected = 404
    elif case == "other_language":
        # An English lesson through the Romanian URL.
        response = client.post(complete_url(lessons_of(course, "en")[0], "ro"))
        expected = 404
    elif case == "not_a_lesson":
        response = client.post(complete_url(course))
        expected = 404
    else:
        response = client.post(f"/ro/learning/lessons/{lesson.pk}x/complete/")
        expected = 404
    assert response.status_code == expected
    assert StepCompletion.objects.count() == 0
    assert Enrollment.objects.count() == 0


def test_anonymous_completion_is_sent_to_login(client, demo_site):
    lesson = lessons_of(make_course())[0]
    response = client.post(complete_url(lesson))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert StepCompletion.objects.count() == 0


def test_continue_where_you_left_off(client, learner):
    course = make_course(lessons=4)
    lessons = lessons_of(course)
    client.post(complete_url(lessons[0]))
    client.get(lessons[2].url)  # jumped ahead, then left
    page = client.get(course.url)
    assert page.context["outline"].continue_step().pk == lessons[2].pk
    assert "Continuați de unde ați rămas" in page.content.decode()


def test_courses_app_imports_neither_quizzes_nor_certificates():
    from pathlib import Path

    import courses

    for path in Path(courses.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import quizzes" not in text and "from quizzes" not in text, path
        assert "import certificates" not in text and "from certificates" not in text, path
