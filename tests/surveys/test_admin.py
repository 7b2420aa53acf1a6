"""The trainers' "Survey results": aggregates, "< 5" for small groups, free texts without
names, only for those who hold the permission."""

import pytest
from django.contrib.auth.models import Group

from courses.models import Enrollment
from tests.courses.factories import make_course
from tests.elearning.factories import UserFactory

from .factories import completed_run
from .test_indicators import answer_follow_up, answer_reaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(client, demo_site):
    trainer = UserFactory(email="formator@example.org")
    trainer.groups.add(Group.objects.get(name="Editors"))
    client.force_login(trainer)
    return trainer


def _answers(course, count, comment="Exemplu util"):
    for n in range(count):
        enrollment = completed_run(
            UserFactory(full_name=f"Nume Ascuns {n}"), course.translation_key, days_ago=95
        )
        answer_reaction(enrollment, (4, 5, 3, 5))
        answer_follow_up(enrollment, acted=n % 2 == 0)
        from surveys.models import ReactionAnswer

        ReactionAnswer.objects.filter(invitation__enrollment=enrollment).update(
            comment=f"{comment} {n}"
        )


def test_small_groups_are_hidden(client, trainer):
    course = make_course(lessons=1, slug="curs-mic", title="Curs mic")
    _answers(course, 3)
    index = client.get("/admin/survey-results/").content.decode()
    assert "Curs mic" in index and "&lt; 5" in index
    page = client.get(f"/admin/survey-results/{course.translation_key}/").content.decode()
    assert "Exemplu util" not in page
    assert "mai puțin de 5 persoane" in page or "Fewer than 5" in page


def test_results_without_names_and_constant_queries(client, trainer, django_assert_max_num_queries):
    course = make_course(lessons=1, slug="curs-mare", title="Curs mare")
    _answers(course, 6)
    url = f"/admin/survey-results/{course.translation_key}/"
    page = client.get(url).content.decode()
    assert "Exemplu util 0" in page and "Exemplu util 5" in page
    assert "Nume Ascuns" not in page
    assert "4,00" in page or "4.00" in page  # relevance: every answer said 4
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _answers(course, 6, comment="Altul")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)
    assert Enrollment.objects.count() == 12


def test_coordinators_and_learners_are_refused(client, demo_site):
    course = make_course(lessons=1, slug="curs-x", title="Curs x")
    _answers(course, 1)
    client.force_login(UserFactory(is_staff=False))
    response = client.get("/admin/survey-results/")
    assert response.status_code == 302
    assert client.get(f"/admin/survey-results/{course.translation_key}/").status_code == 302
