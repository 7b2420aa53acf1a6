"""A trainer builds a course in the admin, previews it, submits it for moderation; a reviewer
approves it; the trainer creates the English translation; the translation report follows."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Locale, Page, TaskState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from courses.models import CoursePage, LessonPage
from courses.selectors import translation_statuses

from ..elearning.factories import UserFactory
from .factories import catalogue, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def editorial(demo_site):
    from elearning import demo

    demo.seed_accounts()  # groups, page permissions and the moderation workflow
    trainer = UserFactory(email="trainer@example.org")
    trainer.groups.add(Group.objects.get(name="Editors"))
    reviewer = UserFactory(email="reviewer@example.org")
    reviewer.groups.add(Group.objects.get(name="Moderators"))
    return trainer, reviewer


def course_form(**overrides):
    data = {
        "title": "Curs nou pentru asistenți sociali",
        "slug": "curs-nou",
        "summary": "Ce face asistentul social când observă semne de trafic.",
        "estimated_minutes": "30",
        "learning_outcomes": streamfield([("outcome", "Recunoașteți indicatorii.")]),
        "issues_certificate": "on",
        "certificate_validity_months": "24",
        "renewal_window_days": "60",
        "content_status": "Punct de plecare, de revizuit de experți.",
        "cover_image_alt": "",
        # The learning objectives' inline formset: none yet.
        "objectives": inline_formset([]),
    }
    data.update(overrides)
    # A multiple choice goes in as a list, outside nested_form_data (which would number it).
    return {**nested_form_data(data), "target_roles": ["social_worker"]}


def lesson_form(title, slug):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "estimated_minutes": "10",
            "body": streamfield(
                [
                    ("rich_text", rich_text("<p>Semnele sunt motive de atenție, nu dovezi.</p>")),
                    (
                        "key_fact",
                        {
                            "figure": "451",
                            "sentence": "victime identificate în 2023.",
                            "source": "ANITP",
                        },
                    ),
                    (
                        "sources",
                        {
                            "items": streamfield(
                                [
                                    (
                                        "item",
                                        {
                                            "title": "Legea 678/2001",
                                            "publisher": "",
                                            "year": "2001",
                                            "url": "",
                                        },
                                    )
                                ]
                            )
                        },
                    ),
                ]
            ),
        }
    )


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def test_trainer_to_reviewer_to_translation(client, editorial):
    trainer, reviewer = editorial
    index = catalogue()
    client.force_login(trainer)

    # Preview before saving.
    preview = add_url(CoursePage, index).replace("/add/", "/add/") + "preview/"
    assert client.post(preview, course_form()).json()["is_valid"] is True
    shown = client.get(preview, {"in_preview_panel": "true"})
    assert "Curs nou pentru asistenți sociali" in shown.content.decode()
    # The preview panel is an iframe in the admin: the public pages' "frame-ancestors 'none'"
    # must not reach it (it blanked the panel), and Wagtail allows same-origin framing.
    assert "frame-ancestors 'none'" not in shown.get("Content-Security-Policy", "")
    assert shown["X-Frame-Options"] == "SAMEORIGIN"

    # Create and submit for moderation in one go.
    response = client.post(add_url(CoursePage, index), {**course_form(), "action-submit": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="curs-nou")
    assert not course.live
    assert course.target_roles == ["social_worker"]
    for n in (1, 2):
        response = client.post(
            add_url(LessonPage, course),
            {**lesson_form(f"Lecția {n}", f"lectia-{n}"), "action-publish": "1"},
        )
        # Editors cannot publish: the lesson is saved as a draft (or sent for moderation).
        assert response.status_code in (302, 403)
        if response.status_code == 403:
            client.post(add_url(LessonPage, course), lesson_form(f"Lecția {n}", f"lectia-{n}"))
    assert LessonPage.objects.child_of(course).count() == 2

    # The reviewer approves the course.
    client.force_login(reviewer)
    state = TaskState.objects.get(
        workflow_state__base_content_type__isnull=False, status="in_progress"
    )
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", state.pk]),
        {"comment": "Bun."},
    )
    assert response.status_code in (200, 302)
    course.refresh_from_db()
    assert course.live
    for lesson in LessonPage.objects.child_of(course):
        lesson.save_revision(user=reviewer).publish(user=reviewer)

    # The trainer creates the English translation of the course and its lessons.
    course_en = translate_with_lessons(client, trainer, course)
    assert LessonPage.objects.child_of(course_en).count() == 2
    # The copies wait for the trainer to translate and publish them.
    states = {
        row.source.pk: row.state
        for row in translation_statuses(source_language="ro", target_language="en")
    }
    assert states[course.pk] == "outdated"  # the copy is a draft, so not yet published


def test_translation_report(client, editorial):
    trainer, _ = editorial
    translated = make_course(slug="tradus", lessons=1)
    untranslated = make_course(slug="netradus", lessons=1, translate=False)
    rows = {
        r.source.pk: r.state
        for r in translation_statuses(source_language="ro", target_language="en")
    }
    assert rows[translated.pk] == "current"
    assert rows[untranslated.pk] == "missing"

    # Changing the Romanian course after its translation makes the translation outdated.
    translated.summary = "Rezumat actualizat"
    translated.save_revision().publish()
    rows = {
        r.source.pk: r.state
        for r in translation_statuses(source_language="ro", target_language="en")
    }
    assert rows[translated.pk] == "outdated"

    client.force_login(trainer)
    response = client.get(reverse("course_translations"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lipsește" in html or "Missing" in html
    assert untranslated.title in html


def test_learners_cannot_open_the_translation_report(client, demo_site):
    client.force_login(UserFactory())
    response = client.get(reverse("course_translations"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_page_tree_rules():
    from wagtail.test.utils import WagtailPageTestCase

    from courses.models import CourseIndexPage
    from elearning.models import HomePage

    case = WagtailPageTestCase()
    case.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
    case.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
    case.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
    case.assertAllowedParentPageTypes(LessonPage, {CoursePage})
    case.assertAllowedSubpageTypes(LessonPage, set())


def test_cover_image_needs_alt_text(demo_site):
    from django.core.exceptions import ValidationError
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Copertă", file=get_test_image_file())
    course = CoursePage(title="C", slug="c", summary="S", cover_image=image, cover_image_alt="  ")
    with pytest.raises(ValidationError):
        course.clean()
    assert Page.objects.filter(slug="c").count() == 0


def test_seeded_workflow_waits_for_a_moderator(client, demo_site):
    """On a database without Wagtail's own workflow (a flushed one), the seed creates it.

    Its task used to be added with modelcluster's in-memory `workflow_tasks.create()`, so the
    workflow had no task: a submission finished at once and tried to publish as the trainer,
    who was told "Sorry, you do not have permission" (and anybody who may publish went live
    without a review).
    """
    from wagtail.models import Task, Workflow

    from elearning import demo

    Workflow.objects.all().delete()
    Task.objects.all().delete()
    demo.seed_accounts()
    demo.seed_accounts()  # idempotent: still one task
    workflow = Workflow.objects.get(name="Moderators approval")
    assert [t.specific.groups.get().name for t in workflow.tasks] == ["Moderators"]

    trainer = UserFactory(email="trainer@example.org")
    trainer.groups.add(Group.objects.get(name="Editors"))
    client.force_login(trainer)
    response = client.post(
        add_url(CoursePage, catalogue()), {**course_form(), "action-submit": "1"}
    )
    assert response.status_code == 302 and response["Location"] != reverse("wagtailadmin_home")
    course = CoursePage.objects.get(slug="curs-nou")
    assert not course.live
    assert course.current_workflow_task.name == "Moderators approval"


# Slugs (issue 14, items 10 and 11) ------------------------------------------------------------


def test_a_romanian_title_gives_an_ascii_slug_when_the_slug_is_left_empty(client, editorial):
    """A trainer who saves before the title reaches the slug (empty slug in the POST) gets a
    page, with an ASCII slug made from the title, not an error on the "Promote" tab."""
    trainer, _reviewer = editorial
    index = catalogue()
    client.force_login(trainer)
    title = "Curs de probă: ședință, țară, învățământ și şcoală (ţintă)"
    response = client.post(add_url(CoursePage, index), course_form(title=title, slug=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    course = CoursePage.objects.get(title=title)
    slug = "curs-de-proba-sedinta-tara-invatamant-si-scoala-tinta"
    assert course.slug == slug and course.url_path.endswith(f"/cursuri/{slug}/")

    # The same title again under the same parent: a free slug, still no error.
    response = client.post(add_url(CoursePage, index), course_form(title=title, slug=""))
    assert response.status_code == 302
    assert CoursePage.objects.filter(title=title).exclude(pk=course.pk).get().slug == f"{slug}-1"

    # A lesson saved the same way (the browser journey's quick trainer).
    response = client.post(add_url(LessonPage, course), lesson_form("Lecție nouă: semne", ""))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert LessonPage.objects.child_of(course).get().slug == "lectie-noua-semne"


def test_a_title_without_letters_or_digits_is_told_on_the_title(client, editorial):
    """No slug can come from "???": the message is on the title (the tab the trainer is on),
    not only on the slug's "Promote" tab."""
    trainer, _reviewer = editorial
    index = catalogue()
    client.force_login(trainer)
    response = client.post(add_url(CoursePage, index), course_form(title="???", slug=""))
    assert response.status_code == 200
    assert "adresă" in " ".join(response.context["form"].errors["title"])
    assert not CoursePage.objects.filter(title="???").exists()


def test_a_slug_typed_with_diacritics_is_saved_in_ascii(client, editorial):
    trainer, _reviewer = editorial
    index = catalogue()
    client.force_login(trainer)
    response = client.post(add_url(CoursePage, index), course_form(slug="curs-de-probă-ș-ţ"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CoursePage.objects.get(title=course_form()["title"]).slug == "curs-de-proba-s-t"


def test_a_slug_taken_by_a_sibling_is_still_refused_when_typed(client, editorial):
    trainer, _reviewer = editorial
    index = catalogue()
    client.force_login(trainer)
    assert client.post(add_url(CoursePage, index), course_form()).status_code == 302
    response = client.post(add_url(CoursePage, index), course_form(title="Alt curs"))
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert not CoursePage.objects.filter(title="Alt curs").exists()


def test_a_page_created_by_code_without_a_slug_gets_an_ascii_one(demo_site):
    index = catalogue()
    course = CoursePage(title="Curs de probă în școală", summary="Rezumat")
    index.add_child(instance=course)
    assert course.slug == "curs-de-proba-in-scoala"


def test_a_translations_default_slug_is_ascii(client, editorial):
    """ "Translate" copies the source's slug; one made before slugs were ASCII is not copied
    with its diacritics (nor are the lessons' slugs, with the subtree)."""
    trainer, _reviewer = editorial
    course = make_course(lessons=0, slug="curs-de-probă-școală", translate=False)
    lesson = LessonPage(title="Lecția întâi", slug="lecția-întâi", body=[])
    course.add_child(instance=lesson)
    course_en = translate_with_lessons(client, trainer, course)
    assert course_en.slug == "curs-de-proba-scoala"
    assert course_en.url_path.endswith("/courses/curs-de-proba-scoala/")
    lesson_en = LessonPage.objects.child_of(course_en).get()
    assert lesson_en.slug == "lectia-intai"
    assert lesson_en.url_path == course_en.url_path + "lectia-intai/"


def translate_with_lessons(client, trainer, course):
    """The trainer's "Translate" (simple_translation) into English, lessons included: the copy."""
    client.force_login(trainer)
    en = Locale.objects.get(language_code="en")
    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[course.pk]),
        {"locales": [en.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302
    return course.get_translation(en)
