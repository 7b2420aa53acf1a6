"""The issue's story, through the site: a teacher takes the pre-test and the lessons, fails the
final quiz once, waits out the cooldown, passes, and sees the course completed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Enrollment
from quizzes.models import Attempt, AttemptStatus

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory
from .factories import correct_answers, make_quiz, wrong_answers

pytestmark = pytest.mark.django_db


def test_pre_test_lessons_fail_wait_pass_complete(
    client, demo_site, django_capture_on_commit_callbacks
):
    course = make_course(lessons=2)
    pre = make_quiz(
        course, kind="pre_test", slug="pre", pass_mark=0, max_attempts=1, translate=False
    )
    pre.move(lessons_of(course)[0], pos="left")
    final = make_quiz(
        course,
        kind="final",
        slug="final",
        max_attempts=3,
        cooldown_minutes=60,
        review_policy="once_passed",
    )
    teacher = UserFactory(role="teacher")
    client.force_login(teacher)

    def take(quiz, answers_for):
        client.post(f"/ro/learning/quizzes/{quiz.pk}/start/")
        attempt = Attempt.objects.get(
            learner=teacher, quiz_key=quiz.translation_key, status=AttemptStatus.IN_PROGRESS
        )
        response = client.post(
            f"/ro/learning/quizzes/{quiz.pk}/attempts/{attempt.pk}/submit/",
            answers_for(quiz, attempt),
        )
        assert response.status_code == 302
        return client.get(response["Location"])

    # The course starts with the pre-test; it does not count for completion.
    with translation.override("ro"):
        start = client.post(reverse("courses:course_start", args=[course.pk]))
    assert start["Location"] == pre.url
    take(pre, wrong_answers)
    assert client.post(f"/ro/learning/quizzes/{pre.pk}/start/").status_code == 403  # taken once

    for lesson in lessons_of(course):
        client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    assert Enrollment.objects.get(learner=teacher).completed_at is None

    result = take(final, wrong_answers)
    html = result.content.decode()
    assert "Pentru promovare sunt necesare 70%" in html
    assert "EXPLICAȚIA-1" not in html  # review only once passed
    refused = client.post(f"/ro/learning/quizzes/{final.pk}/start/")
    assert refused.status_code == 403 and "Puteți încerca din nou" in refused.content.decode()

    Attempt.objects.filter(learner=teacher).update(
        submitted_at=timezone.now() - timedelta(minutes=61)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = take(final, correct_answers)
    html = result.content.decode()
    assert "Ați promovat" in html and "EXPLICAȚIA-1" in html
    assert Enrollment.objects.get(learner=teacher).completed_at is not None

    with translation.override("ro"):
        dashboard = client.get(reverse("courses:my_learning"))
    assert [p.course.title for p in dashboard.context["completed"]] == [course.title]
