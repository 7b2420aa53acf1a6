"""Issue 16's "Done when", as a learner would: the demo learner whose certificate expires soon
(seeded by the demo's own seed functions on small courses named like the starter ones) sees
the renewal on "My learning", starts it in Romanian, switches to English, completes every
step (lessons and the final quiz), downloads the new certificate, and the old code's
verification page says it was renewed and links the new code, whose page shows the first
certification and the renewal. axe-core on every page; screenshots in both languages at phone
(390 px) and desktop widths."""

import re
import subprocess

import pytest
from wagtail.models import Locale

from accounts.models import User
from certificates.demo import seed_demo_run_certificates
from certificates.models import Certificate
from courses.demo import RENEWAL_LEARNER, seed_demo_runs
from courses.models import Enrollment, RunKind
from quizzes.demo import seed_demo_run_attempts
from quizzes.models import QuizPage

from ..courses.factories import make_course, publish
from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from .conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}


def demo_like_learner():
    """The demo's renewal learner and her history (courses.demo.DEMO_RUNS) on two small
    courses with the starter courses' slugs: the police course's certificate expires in about
    20 days; the social workers' course (which allows retakes) was taken twice."""
    en = Locale.objects.get(language_code="en")
    courses = {}
    for slug, title in (("police", "Curs pentru polițiști"), ("social_workers", "Curs social")):
        course = make_course(lessons=2, slug=slug, title=title, roles=("police_officer",))
        for page in (course, course.get_translation(en)):
            page.certificate_validity_months = 24
            page.allows_retakes = slug == "social_workers"
            publish(page)
        make_quiz(
            course, kind="final", pass_mark=70, shuffle_questions=False, shuffle_choices=False
        )
        courses[slug] = course
    learner = UserFactory(email=RENEWAL_LEARNER, full_name="Gabriela Marin", role="police_officer")
    assert seed_demo_runs() == 3
    assert seed_demo_run_attempts() == 3
    assert seed_demo_run_certificates() == 3
    return learner, courses


def offer(button: str, course: str) -> re.Pattern:
    # The button's name ends with the course's title in a visually hidden span, which Chrome
    # joins with a space.
    return re.compile(rf"^{re.escape(button)}\s*:\s*{re.escape(course)}$")


def answer_correctly(page, quiz):
    for question in quiz.questions.all():
        for choice in question.choices.all():
            if choice.is_correct:
                page.locator(f'input[value="{choice.pk}"]').check()


def open_history(page):
    for summary in page.locator("details.past-runs > summary").all():
        summary.click()


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_demo_learner_renews_her_certificate(page, viewport, demo_site, media_root):
    page.set_viewport_size(PHONE_390)
    learner, courses = demo_like_learner()
    police = courses["police"]
    old = Certificate.objects.get(learner=learner, course_key=police.translation_key)

    # My learning, in Romanian: the renewal stands out; the earlier runs are listed.
    log_in(page, learner.email, "ro")
    page.goto("/ro/learning/")
    renew_ro = offer("Reînnoiți certificatul", "Curs pentru polițiști")
    renew = page.get_by_role("button", name=renew_ro)
    assert "button--secondary" not in renew.get_attribute("class")
    retake = page.get_by_role("button", name=offer("Parcurgeți din nou cursul", "Curs social"))
    assert "button--secondary" in retake.get_attribute("class")
    open_history(page)
    page.get_by_text("Chestionarul final: 75%").wait_for()
    assert page.get_by_text("(Reînnoit)").count() == 1
    assert_accessible(page)
    screenshot(page, "my-learning-runs-ro-phone390")
    page.locator('.language-switcher a[lang="en"]').click()
    renew_en = offer("Renew your certificate", "Curs pentru polițiști (EN)")
    page.get_by_role("button", name=renew_en).wait_for()
    open_history(page)
    assert_accessible(page)
    screenshot(page, "my-learning-runs-en-phone390")

    # Back to Romanian to start the renewal: run 2 starts at zero, at the first lesson.
    page.locator('.language-switcher a[lang="ro"]').click()
    page.get_by_role("button", name=renew_ro).click()
    page.get_by_role("heading", name="Lecția 1").wait_for()
    page.get_by_text("Ați început din nou").wait_for()
    assert page.locator(".outline__step--done").count() == 0
    screenshot(page, "renewal-run2-start-ro-phone390")
    run = Enrollment.objects.get(learner=learner, course_key=police.translation_key, current=True)
    assert (run.run, run.kind) == (2, RunKind.RENEWAL)
    page.get_by_role("button", name="Marcați ca terminată").click()
    page.get_by_role("heading", name="Lecția 2").wait_for()

    # Switch to English: lesson 1 is ticked; the rest, and the final quiz, in English.
    page.locator('.language-switcher a[lang="en"]').click()
    page.get_by_role("heading", name="Lesson 2").wait_for()
    assert page.locator(".outline__step--done").count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_role("button", name="Start the quiz").click()
    page.locator("fieldset.question").first.wait_for()
    en = Locale.objects.get(language_code="en")
    quiz_en = QuizPage.objects.child_of(police.get_translation(en)).get()
    answer_correctly(page, quiz_en)
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Your result").wait_for()
    assert "100%" in page.content()

    # The run is complete; My learning shows run 2 and its new certificate.
    page.get_by_role("link", name="My learning").first.click()
    page.get_by_text("Run 2 · Renewal").first.wait_for()
    download = page.get_by_role("link", name="Download your certificate (PDF)").first
    download.wait_for()
    new = Certificate.objects.get(learner=learner, course_key=police.translation_key, run=2)
    assert new.code != old.code
    response = page.request.get(f"/certificates/{new.pk}/pdf/")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.body(), capture_output=True, check=True
    ).stdout.decode()
    assert "first certified on" in text and "renewed on" in text
    assert new.grouped_code in text

    # The old code's page: renewed, with a link to the new code, and its own dates.
    page.goto(f"/verify/{old.grouped_code}/?lang=ro")
    page.get_by_text("Acest certificat a fost reînnoit").wait_for()
    assert_accessible(page)
    screenshot(page, "verify-superseded-ro-phone390")
    page.locator('.language-switcher a[lang="en"]').click()
    page.get_by_text("This certificate was renewed").wait_for()
    assert page.get_by_text("On its own it remains valid until").count() == 1
    assert_accessible(page)
    screenshot(page, "verify-superseded-en-phone390")
    page.locator(".verify-state").get_by_role("link", name=new.grouped_code).click()
    page.get_by_text("This certificate is valid.").wait_for()
    assert page.locator("dt", has_text="First certified on").count() == 1
    assert page.locator("dt", has_text="Renewed on").count() == 1
    assert_accessible(page)
    screenshot(page, "verify-renewal-en-phone390")
    assert User.objects.get(pk=learner.pk).certificates.count() == 4


@pytest.mark.parametrize("viewport", ["desktop"])
def test_runs_pages_at_desktop_width(page, viewport, demo_site, media_root):
    learner, courses = demo_like_learner()
    renewed = Certificate.objects.get(learner=learner, superseded_by__isnull=False)
    log_in(page, learner.email, "ro")
    for language in ("ro", "en"):
        page.goto(f"/{language}/learning/")
        open_history(page)
        page.locator(".run-offer--renewal").wait_for()
        assert_accessible(page)
        screenshot(page, f"my-learning-runs-{language}-desktop")
        page.goto(f"/verify/{renewed.grouped_code}/?lang={language}")
        page.locator(".verify-state--superseded a").wait_for()
        assert_accessible(page)
        screenshot(page, f"verify-superseded-{language}-desktop")
