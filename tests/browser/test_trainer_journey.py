"""A trainer writes a course and a lesson in the admin, previews the lesson in the side panel
and submits both for moderation; a reviewer approves them from the dashboard; the trainer
creates the English translation with the subtree. In the Romanian and English admin, at desktop
and phone widths."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from wagtail.models import Locale, Page
from wagtail.users.models import UserProfile

from courses.models import CoursePage, LessonPage

from ..courses.factories import catalogue
from ..elearning.factories import UserFactory
from .conftest import admin_log_in, axe_on_report, in_combinations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The admin's Content-Security-Policy applies, and a violation fails the journey (conftest).
ENFORCE_CSP = True


def admin_user(group: str, language: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def labels(language: str) -> dict:
    """Wagtail's own labels, in the admin's language, as the trainer reads them."""
    with translation.override(language):
        return {
            "more": gettext("More actions"),
            "submit": gettext("Submit to %(workflow_name)s")
            % {"workflow_name": "Moderators approval"},
            "preview": gettext("Toggle preview"),
            "actions": gettext("Actions"),
            "approve": gettext("Approve"),
            "translate": gettext("Translate"),
            "subtree": ngettext(
                "Include subtree (%(descendant_count)s page)",
                "Include subtree (%(descendant_count)s pages)",
                1,
            )
            % {"descendant_count": 1},
            "send": gettext("Submit"),
            "rich_text": gettext("Text"),
        }


def submit_for_moderation(page, text):
    """Open the footer's "more actions" and submit; on a phone the side panel covers the
    footer, so close it first, as a person would."""
    preview = page.locator("#w-preview-iframe")
    if preview.is_visible():
        page.get_by_role("button", name=text["preview"]).click()
        preview.wait_for(state="hidden")
    page.get_by_role("button", name=text["more"]).click()
    page.get_by_role("button", name=text["submit"]).click()
    page.wait_for_url("**/admin/pages/*/")


def add_lesson_with_preview(page, text, course, title, shot):
    """A lesson with a rich-text block, typed in Draftail and seen in the preview panel."""
    page.goto(f"/admin/pages/add/courses/lessonpage/{course.pk}/")
    page.locator("#id_title").fill(title)
    page.locator(".c-sf-add-button").first.click()  # the body's "Insert a block"
    page.get_by_role("option", name=text["rich_text"]).first.click()
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type("Semnele sunt motive de atenție, nu dovezi.")
    # Draftail copies what was typed into the form a moment later; a preview opened before
    # that shows the empty (invalid) block, as it would to a very quick person.
    page.wait_for_function(
        "() => document.querySelector('input[name=\"body-0-value\"]').value.includes('motive')"
    )
    # Save the draft first (Wagtail's Ctrl+S), as a careful trainer does, rather than counting
    # on the autosave: it did not always fire at phone width, and a preview opened while it
    # turned the new page's form into the edit view's was lost.
    page.keyboard.press("Control+s")
    page.wait_for_url("**/admin/pages/*/edit/")
    page.get_by_role("button", name=text["preview"]).click()
    page.frame_locator("#w-preview-iframe").get_by_text("motive de atenție").wait_for()
    screenshot(page, f"trainer-preview-{shot}")
    submit_for_moderation(page, text)
    return LessonPage.objects.get(title=title)


# Each language and each width once (the suite's time budget): Romanian at desktop width,
# English on a phone.
@in_combinations(("ro", "desktop"), ("en", "phone"))
def test_trainer_writes_submits_and_translates_a_course(page, viewport, demo_site, language):
    shot = f"{language}-{viewport}"
    from elearning import demo

    demo.seed_accounts()
    text = labels(language)
    trainer = admin_user("Editors", language)
    reviewer = admin_user("Moderators", language)
    index = catalogue()
    tag = uuid.uuid4().hex[:6]
    course_title = f"Curs de probă {tag}"
    lesson_title = f"Lecție nouă {tag}"

    admin_log_in(page, trainer)
    page.goto(f"/admin/pages/add/courses/coursepage/{index.pk}/")
    page.locator("#id_title").fill(course_title)
    page.locator("#id_summary").fill("Ce face asistentul social când observă semne de trafic.")
    submit_for_moderation(page, text)
    course = CoursePage.objects.get(title=course_title)
    # ASCII slugs from Romanian titles (copied, /curs-de-prob%C4%83-…/ was no address to share).
    assert course.slug == f"curs-de-proba-{tag}"

    submitted = [course, add_lesson_with_preview(page, text, course, lesson_title, shot)]
    assert submitted[1].slug == f"lectie-noua-{tag}"
    for item in submitted:
        state = Page.objects.get(pk=item.pk).current_workflow_state
        assert state is not None and state.status == "in_progress", item

    # The reviewer approves from the dashboard.
    page.context.clear_cookies()
    admin_log_in(page, reviewer)
    for item in submitted:
        row = page.locator("tr", has_text=item.title)
        row.get_by_role("button", name=text["actions"]).click()
        row.get_by_role("button", name=text["approve"], exact=True).click()
        row.wait_for(state="detached")
    screenshot(page, f"trainer-approved-{shot}")
    assert all(Page.objects.get(pk=item.pk).live for item in submitted)

    # The trainer translates the course (and its lesson) into English.
    page.context.clear_cookies()
    admin_log_in(page, trainer)
    page.goto(f"/admin/pages/{course.pk}/edit/")
    page.get_by_role("button", name=text["actions"]).first.click()
    page.get_by_role("link", name=text["translate"]).click()
    page.get_by_label("English").check()
    page.get_by_label(text["subtree"]).check()
    screenshot(page, f"trainer-translate-{shot}")
    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_url("**/admin/pages/*/edit/")
    en = Locale.objects.get(language_code="en")
    course_en = course.get_translation(en)
    assert course_en.title == course_title and not course_en.live  # a draft, to translate
    (lesson_en,) = LessonPage.objects.child_of(course_en)
    assert lesson_en.translation_key == submitted[1].translation_key
    assert (course_en.slug, lesson_en.slug) == (course.slug, submitted[1].slug)
    screenshot(page, f"trainer-translated-{shot}")

    # The "Course translations" report lists the new course's copy as not yet published.
    page.goto(reverse("course_translations"))
    page.locator("table.listing").get_by_text(course_title).first.wait_for()
    axe_on_report(page)
    screenshot(page, f"trainer-translation-report-{shot}")
