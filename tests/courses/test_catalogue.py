"""Catalogue (role first, filter, search), My learning, and constant query counts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses import services
from courses.models import Enrollment, StepCompletion

from ..elearning.factories import UserFactory
from .factories import catalogue, lesson_queries, lessons_of, make_course, publish

pytestmark = pytest.mark.django_db


def titles(response):
    return [item.course.title for item in response.context["courses"]]


def test_catalogue_lists_the_active_language_with_the_learners_role_first(client, demo_site):
    make_course(slug="a-police", title="A pentru poliție", roles=["police_officer"])
    make_course(slug="b-teachers", title="B pentru profesori", roles=["teacher"])
    index = catalogue()
    assert titles(client.get(index.url)) == ["A pentru poliție", "B pentru profesori"]
    client.force_login(UserFactory(role="teacher"))
    assert titles(client.get(index.url)) == ["B pentru profesori", "A pentru poliție"]
    english = client.get(
        index.get_translation(index.locale.__class__.objects.get(language_code="en")).url
    )
    assert titles(english) == ["B pentru profesori (EN)", "A pentru poliție (EN)"]


def test_role_filter_and_bad_filter_values(client, demo_site):
    make_course(slug="a-police", title="A pentru poliție", roles=["police_officer"])
    make_course(slug="b-teachers", title="B pentru profesori", roles=["teacher"])
    url = catalogue().url
    assert titles(client.get(url, {"role": "police_officer"})) == ["A pentru poliție"]
    for bad in ({"role": "astronaut"}, {"q": "x" * 500}):
        response = client.get(url, bad)
        assert response.status_code == 400
        assert "Acest filtru nu este valid" in response.content.decode()
        assert len(titles(response)) == 2  # all courses still shown


def test_search_finds_course_and_lesson_text(client, demo_site):
    course = make_course(slug="cautare", title="Curs despre indicatori")
    make_course(slug="altul", title="Alt curs")
    lesson = lessons_of(course)[1]
    lesson.body = [("rich_text", "<p>Cerșetoria forțată este o formă de exploatare.</p>")]
    publish(lesson)
    url = catalogue().url
    assert titles(client.get(url, {"q": "cerșetoria"})) == ["Curs despre indicatori"]
    assert titles(client.get(url, {"q": "indicatori"})) == ["Curs despre indicatori"]
    assert titles(client.get(url, {"q": "nimic asemănător"})) == []


def test_catalogue_shows_the_learners_progress(client, demo_site):
    course = make_course()
    learner = UserFactory()
    client.force_login(learner)
    services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    item = client.get(catalogue().url).context["courses"][0]
    assert item.percent == 33 and item.continue_url == lessons_of(course)[1].url


def test_my_learning_groups_courses(client, demo_site):
    done = make_course(slug="gata", title="Terminat", lessons=1)
    started = make_course(slug="inceput", title="Început", lessons=2)
    make_course(slug="recomandat", title="Recomandat", roles=["teacher"])
    make_course(slug="altcineva", title="Pentru judecători", roles=["judge"])
    learner = UserFactory(role="teacher")
    client.force_login(learner)
    services.step_complete(learner=learner, course=done, step=lessons_of(done)[0])
    services.step_complete(learner=learner, course=started, step=lessons_of(started)[0])
    with translation.override("ro"):
        response = client.get(reverse("courses:my_learning"))
    context = response.context
    assert [p.course.title for p in context["completed"]] == ["Terminat"]
    assert [(p.course.title, p.percent) for p in context["in_progress"]] == [("Început", 50)]
    assert [p.course.title for p in context["recommended"]] == ["Recomandat"]


def test_lesson_page_queries_do_not_grow_with_lessons_or_learners(client, demo_site):
    # Neither has an English translation, so the language switcher takes the same path.
    small = make_course(slug="mic", lessons=3, translate=False)
    big = make_course(slug="mare", lessons=30, translate=False)
    learner = UserFactory()
    client.force_login(learner)
    for course in (small, big):
        for lesson in lessons_of(course)[:2]:
            services.step_complete(learner=learner, course=course, step=lesson)

    # Nothing cached (the session and Wagtail's site root paths included): every read goes to
    # the database, as after a cache flush, and the count still does not depend on the course.
    cache.clear()
    cold_small = lesson_queries(client, lessons_of(small)[1])
    cache.clear()
    cold_big = lesson_queries(client, lessons_of(big)[15])
    assert len(cold_small) == len(cold_big), (cold_small, cold_big)
    # (36: the course's steps are read once per step type, and decision scenarios added one.)
    assert len(cold_big) <= 36, "\n".join(q[:120] for q in cold_big)

    # The usual case, a learner moving on to a lesson others have opened: the tree's reads come
    # from the cache; the visit is written and the learner's progress read again.
    someone_else = Client()
    someone_else.force_login(UserFactory())
    for lesson in (lessons_of(small)[2], lessons_of(big)[16]):
        assert someone_else.get(lesson.url).status_code == 200
    next_small = lesson_queries(client, lessons_of(small)[2])
    next_big = lesson_queries(client, lessons_of(big)[16])
    assert len(next_small) == len(next_big), (next_small, next_big)
    # The visit's UPDATE, then the learner's enrolment and completions read again.
    assert len(next_big) == 3, "\n".join(q[:120] for q in next_big)

    # Reloads: the first reads the progress the visit changed again; from then on, nothing
    # (the page, as published, and the user come from the cache).
    for lesson in (lessons_of(small)[2], lessons_of(big)[16]):
        assert len(lesson_queries(client, lesson)) == 2
    again_small = lesson_queries(client, lessons_of(small)[2])
    again_big = lesson_queries(client, lessons_of(big)[16])
    assert len(again_small) == len(again_big) == 0, (again_small, again_big)

    # Many other learners with progress in the same course change nothing.
    others = UserFactory.create_batch(50)
    Enrollment.objects.bulk_create(
        Enrollment(learner=o, course_key=big.translation_key) for o in others
    )
    StepCompletion.objects.bulk_create(
        StepCompletion(learner=o, course_key=big.translation_key, step_key=lesson.translation_key)
        for o in others
        for lesson in lessons_of(big)
    )
    assert len(lesson_queries(client, lessons_of(big)[16])) == 0
    cache.clear()
    assert len(lesson_queries(client, lessons_of(big)[15])) == len(cold_big)


def test_catalogue_queries_do_not_grow_with_courses(client, demo_site):
    client.force_login(UserFactory())
    make_course(slug="c1")
    url = catalogue().url
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2, 6):
        make_course(slug=f"c{n}", translate=False)
    client.get(url)  # publishing refreshed the cached navigation links
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(one)
