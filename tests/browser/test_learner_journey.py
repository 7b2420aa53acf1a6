"""A learner's whole story in one test: register, activate from the e-mail, take a course's
lessons and its final quiz, download the certificate the worker task rendered, and verify it
at /verify/<code>/ from the code printed on it. In Romanian and English, at desktop and phone
widths, with axe on the pages no other journey checks."""

import re
import subprocess

import pytest
from django.core import mail
from wagtail.models import Locale

from accounts.models import User
from certificates.models import Certificate

from ..courses.factories import catalogue, make_course
from ..quizzes.factories import make_quiz
from .conftest import assert_accessible, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Good-passw0rd-for-tests"


def register_and_activate(page, language: str, email: str):
    page.goto(f"/{language}/")
    page.get_by_role("link", name=say(language, "Create an account")).first.click()
    page.locator("#id_full_name").fill("Ana-Maria Popescu")
    page.locator("#id_email").fill(email)
    page.locator("#id_role").select_option("teacher")
    page.locator("#id_county").select_option("CJ")
    page.locator("#id_institution").select_option(label="Inspectoratul Școlar Județean Cluj")
    page.locator("#id_preferred_language").select_option(language)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name=say(language, "Create my account")).click()
    page.get_by_role("heading", name=say(language, "Check your e-mail")).wait_for()
    link = re.search(r"https?://\S+/accounts/activate/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", ""))
    page.get_by_role("heading", name=say(language, "My profile")).wait_for()


@pytest.mark.parametrize("language", ["ro", "en"])
def test_learner_registers_completes_a_course_and_verifies_the_certificate(
    page, viewport, demo_site, media_root, language
):
    course = make_course(slug="profesori", title="Curs pentru profesori", lessons=2)
    pre_test = make_quiz(
        course, kind="pre_test", slug="pre-test", pass_mark=0, max_attempts=1, review_policy="never"
    )
    english = Locale.objects.get(language_code="en")
    for version in (pre_test, pre_test.get_translation(english)):  # first, in both languages
        version.move(version.get_parent().get_first_child(), pos="left")
    quiz = make_quiz(course, shuffle_choices=False, shuffle_questions=False)
    email = f"ana.{language}.{viewport}@example.org"
    shot = f"{language}-{viewport}"

    register_and_activate(page, language, email)

    locale = Locale.objects.get(language_code=language)
    page.goto(catalogue().get_translation(locale).url)
    page.get_by_role("link", name=re.compile("^Curs pentru profesori")).first.click()
    page.get_by_role("button", name=say(language, "Start the course")).click()
    lesson = {"ro": "Lecția {}", "en": "Lesson {}"}[language]

    # The pre-test comes first; its quiz page says what it will show, from its review policy.
    page.get_by_text(
        say(language, "After each attempt you see your score; the correct answers are not shown.")
    ).wait_for()
    page.get_by_role("button", name=say(language, "Start the quiz")).click()
    page.locator("fieldset.question").first.wait_for()
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("input").first.check()
    page.get_by_role("button", name=say(language, "Submit my answers")).click()
    page.get_by_role("heading", name=say(language, "Your result")).wait_for()
    # No attempt left: the main action is the first lesson, said and linked (issue 14, 2).
    assert say(language, "Back to the quiz") not in page.locator(".quiz .actions").inner_text()
    continue_to = say(language, "Continue with “%(title)s”") % {"title": lesson.format(1)}
    page.get_by_role("link", name=continue_to).click()
    page.get_by_role("heading", name=lesson.format(1)).wait_for()
    page.get_by_role("button", name=say(language, "Mark as complete")).click()
    page.get_by_role("heading", name=lesson.format(2)).wait_for()
    page.get_by_role("button", name=say(language, "Mark as complete")).click()

    # The final quiz: every correct choice, then the result.
    page.get_by_role("button", name=say(language, "Start the quiz")).click()
    page.locator("fieldset.question").first.wait_for()
    for question in quiz.get_translation(locale).questions.all():
        for choice in question.choices.filter(is_correct=True):
            page.locator(f'input[value="{choice.pk}"]').check()
    page.get_by_role("button", name=say(language, "Submit my answers")).click()
    page.get_by_role("heading", name=say(language, "Your result")).wait_for()
    assert "100%" in page.content()
    # Every step done: the main action is the course page.
    main_action = page.locator(".quiz .actions a.button").inner_text()
    assert main_action == say(language, "Back to the course")
    screenshot(page, f"learner-quiz-result-{shot}")

    # The course is complete: the certificate task ran and its PDF is on "My learning".
    page.get_by_role("link", name=say(language, "My learning")).click()
    download_link = page.get_by_role("link", name=say(language, "Download your certificate (PDF)"))
    download_link.wait_for()
    assert_accessible(page)
    screenshot(page, f"learner-my-learning-{shot}")
    with page.expect_download() as download:
        download_link.click()
    printed = subprocess.run(
        ["pdftotext", download.value.path(), "-"], capture_output=True, text=True, check=True
    ).stdout
    code = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", printed).group(0)
    assert "Ana-Maria Popescu" in printed

    page.goto(f"/verify/{code}/?lang={language}")
    page.get_by_text(say(language, "This certificate is valid.")).wait_for()
    assert page.get_by_text("Ana-Maria Popescu").count() >= 1
    screenshot(page, f"learner-verified-{shot}")
    certificate = Certificate.objects.get(learner=User.objects.get(email=email))
    assert certificate.grouped_code == code and certificate.status == "ready"
