"""The page tree's cached reads (caching.pages) follow every change to the tree."""

import warnings

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses.models import LessonPage

from ..courses.factories import lesson_body, lessons_of, make_course, publish
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(client, demo_site):
    client.force_login(UserFactory())
    lesson = lessons_of(make_course())[0]
    assert client.get(lesson.url).status_code == 200  # the route is now cached
    assert client.get(lesson.url).status_code == 200
    return lesson


def test_an_unpublished_page_is_not_served_from_a_cached_route(client, lesson):
    lesson.unpublish()
    assert client.get("/ro/cursuri/curs/lectia-1/").status_code == 404


def test_a_cached_route_never_serves_a_draft(client, lesson):
    lesson.title = "Ciornă nepublicată"
    lesson.save_revision()  # a draft: not published
    html = client.get(lesson.url).content.decode()
    assert "Ciornă nepublicată" not in html and "Lecția 1" in html


def test_the_page_itself_is_cached_until_it_is_published_again(client, lesson):
    # A change that bypasses Wagtail (no publish, no signal) is not seen: the page is cached...
    LessonPage.objects.filter(pk=lesson.pk).update(title="Schimbat pe ascuns")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(lesson.url).content.decode()
    assert "Schimbat pe ascuns" not in html and "Lecția 1" in html
    assert not [q for q in queries.captured_queries if "courses_lessonpage" in q["sql"]]
    # ...and publishing drops it at once.
    page = LessonPage.objects.get(pk=lesson.pk)
    page.title = "Lecția revizuită"
    publish(page)
    assert "Lecția revizuită" in client.get(lesson.url).content.decode()


def test_publishing_a_draft_replaces_the_cached_body(client, lesson):
    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.body = lesson_body("Text nou, încă ciornă.")
    revision = draft.save_revision()
    # Another page's publication reloads this page (with its draft as the latest revision)
    # while its live body is still the old one, which is rendered and cached again.
    publish(make_course(slug="altul", lessons=0, translate=False))
    html = client.get(lesson.url).content.decode()
    assert "Conținutul lecției 1." in html and "încă ciornă" not in html
    revision.publish()  # the same revision goes live
    html = client.get(lesson.url).content.decode()
    assert "Text nou, încă ciornă." in html and "Conținutul lecției 1." not in html


def test_an_edited_referral_contact_shows_at_once(client, demo_site):
    from wagtail.models import Locale

    from courses.models import ReferralContact

    client.force_login(UserFactory())
    contact = ReferralContact.objects.create(
        organisation="Direcția veche",
        helps_with="Protecția copilului",
        locale=Locale.objects.get(language_code="ro"),
    )
    course = make_course(slug="contacte", lessons=0, translate=False)
    lesson = LessonPage(
        title="Pe cine sunați",
        slug="pe-cine-sunati",
        body=[("referral_contacts", {"heading": "Contacte", "contacts": []})],
    )
    course.add_child(instance=lesson)
    publish(lesson)
    for _ in range(2):  # rendered, then served from the cached fragment
        assert "Direcția veche" in client.get(lesson.url).content.decode()
    contact.organisation = "Direcția nouă"
    contact.save()
    html = client.get(lesson.url).content.decode()
    assert "Direcția nouă" in html and "Direcția veche" not in html


def test_cached_fragments_are_shared_only_by_learners_at_the_same_point(client, lesson):
    """The outline is rendered once per course, step and set of steps done, and the body once per
    county: another learner never gets someone else's ticks or county's contacts."""
    from courses import services

    course = lesson.get_parent().specific
    ana, ion = UserFactory(county="CJ"), UserFactory(county="IS")
    services.step_complete(learner=ana, course=course, step=lesson)
    pages = {}
    for learner in (ana, ion, ana):
        client.force_login(learner)
        pages.setdefault(learner.pk, []).append(client.get(lesson.url).content.decode())
    assert all("outline__step--done" in html for html in pages[ana.pk])
    assert "outline__step--done" not in pages[ion.pk][0]


def test_the_cached_header_follows_the_visitors_login(client, lesson):
    from django.urls import reverse
    from django.utils import translation

    with translation.override("ro"):
        my_learning = reverse("courses:my_learning")
    assert f'href="{my_learning}"' in client.get("/ro/").content.decode()
    client.logout()
    assert f'href="{my_learning}"' not in client.get("/ro/").content.decode()


def test_a_renamed_page_moves_its_route(client, lesson):
    lesson.slug = "lectia-noua"
    publish(lesson)
    assert client.get("/ro/cursuri/curs/lectia-1/").status_code == 404
    assert client.get("/ro/cursuri/curs/lectia-noua/").status_code == 200


def test_a_moved_page_moves_its_route(client, lesson):
    other = make_course(slug="altul", lessons=0, translate=False)
    LessonPage.objects.get(pk=lesson.pk).move(other, pos="last-child")
    # Wagtail's automatic redirect answers the old address, not the cached route.
    assert client.get("/ro/cursuri/curs/lectia-1/")["Location"] == "/ro/cursuri/altul/lectia-1/"
    assert client.get("/ro/cursuri/altul/lectia-1/").status_code == 200


def test_a_deleted_page_is_gone(client, lesson):
    LessonPage.objects.get(pk=lesson.pk).delete()
    assert client.get("/ro/cursuri/curs/lectia-1/").status_code == 404


def test_a_view_restriction_added_after_caching_applies_at_once(client, lesson):
    course = lesson.get_parent()
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Doar formatori"))
    response = client.get(lesson.url)
    assert response.status_code == 302 and "/_util/login/" in response["Location"]
    restriction.delete()
    assert client.get(lesson.url).status_code == 200


def test_the_language_switcher_follows_a_new_translation(client, demo_site):
    client.force_login(UserFactory())
    course = make_course(translate=False)
    lesson = lessons_of(course)[0]
    assert 'href="/en/"' in client.get(lesson.url).content.decode()  # no translation yet
    from wagtail.models import Locale

    en = Locale.objects.get(language_code="en")
    course_en = course.copy_for_translation(en)
    publish(course_en)
    lesson_en = lesson.copy_for_translation(en)
    lesson_en.title = "Lesson 1"
    publish(lesson_en)
    html = client.get(lesson.url).content.decode()
    assert f'href="{lesson_en.url}"' in html


def test_only_editors_get_the_userbar_and_learners_pay_no_permission_queries(client, lesson):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(lesson.url).content.decode()
    assert "wagtail-userbar" not in html
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]

    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert "wagtail-userbar" in client.get(lesson.url).content.decode()
    editor.groups.clear()  # rights taken away: the cached flag goes with them
    assert "wagtail-userbar" not in client.get(lesson.url).content.decode()


@pytest.mark.parametrize("path", ["/ro/" + "a" * 3000 + "/", "/ro/a%20b/", "/en/tab%09here/"])
def test_a_visitors_path_never_makes_a_cache_key_a_backend_could_refuse(client, demo_site, path):
    from django.core.cache.backends.base import CacheKeyWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        assert client.get(path).status_code == 404


def test_long_keys_are_digests_of_the_whole_key():
    from elearning.infrastructure.caching import pages

    long_a, long_b = ("x" * 500 + end for end in "ab")
    key_a, key_b = (
        pages.keys("route", 1, "ro", long_a)[-1],
        pages.keys("route", 1, "ro", long_b)[-1],
    )
    assert key_a != key_b and len(key_a) < 100 and key_a.startswith("pages:sha256:")
    assert pages.keys("route", 1, "ro", "cursuri/curs/")[-1] == "pages:route:1:ro:cursuri/curs/"
    assert pages.keys("route", 1, "ro", "a b")[-1].startswith("pages:sha256:")
