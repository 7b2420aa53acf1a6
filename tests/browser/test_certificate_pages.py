"""Verification pages, as a person who scans a certificate sees them; axe in both languages."""

import pytest
from django.utils import timezone

from certificates import services
from courses import services as course_services
from courses.models import Enrollment

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory
from .conftest import assert_accessible, in_combinations, log_in, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_verification_pages(page, viewport, demo_site, media_root):
    learner = UserFactory(full_name="Ioana Țurcanu")
    course = make_course(lessons=1)
    course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    certificate = services.certificate_request(
        learner_id=learner.pk, course_key=course.translation_key, completed_at=timezone.now()
    )
    services.certificate_issue(certificate_id=certificate.pk)

    # The QR code's URL has no language: the browser's language decides; ?lang= switches.
    page.goto(f"/verify/{certificate.grouped_code}/?lang=ro")
    page.get_by_text("Acest certificat este valid.").wait_for()
    assert_accessible(page)
    page.locator('.language-switcher a[lang="en"]').click()
    page.get_by_text("This certificate is valid.").wait_for()
    assert_accessible(page)
    screenshot(page, f"verify-valid-en-{viewport}")

    page.goto("/verify/?lang=en")
    page.locator("#id_code").fill(certificate.code.lower())
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("This certificate is valid.").wait_for()

    services.certificate_revoke(certificate=certificate, by=None, reason="Test")
    page.goto(f"/verify/{certificate.grouped_code}/?lang=ro")
    page.get_by_text("a fost revocat").wait_for()
    assert_accessible(page)

    # Its holder: My learning says when and why; the PDF is refused with the same.
    log_in(page, learner.email, "ro")
    page.goto("/ro/learning/")
    page.get_by_text("Motiv: Test").wait_for()
    assert page.get_by_text("Certificat revocat la").count() == 1
    assert_accessible(page)
    response = page.goto(f"/certificates/{certificate.pk}/pdf/")
    assert response.status == 410
    page.get_by_text("Motiv: Test").wait_for()
    assert_accessible(page)
    screenshot(page, f"download-revoked-ro-{viewport}")

    response = page.goto("/verify/AAAA-BBBB-CCCC-DDDD/")
    assert response.status == 404
    assert_accessible(page)


@in_combinations(("ro", "phone"))
def test_my_learning_shows_the_certificate_when_it_is_ready(
    page, language, viewport, demo_site, media_root
):
    # The course is complete and its certificate requested, not yet rendered (the worker's
    # part, done below by this test).
    learner = UserFactory(full_name="Ioana Țurcanu")
    course = make_course(lessons=1)
    Enrollment.objects.create(
        learner=learner, course_key=course.translation_key, completed_at=timezone.now()
    )
    certificate = services.certificate_request(
        learner_id=learner.pk, course_key=course.translation_key, completed_at=timezone.now()
    )
    log_in(page, learner.email, language)
    page.get_by_role("link", name=say(language, "My learning")).first.click()
    page.get_by_text(say(language, "Your certificate is being prepared.")).wait_for()
    assert_accessible(page)
    screenshot(page, f"my-learning-pending-{language}-{viewport}")
    page.evaluate("window.notReloaded = true")

    services.certificate_issue(certificate_id=certificate.pk)  # the worker renders it
    download = page.get_by_role("link", name=say(language, "Download your certificate (PDF)"))
    download.wait_for()  # without reloading: the page asked again by itself
    assert page.evaluate("window.notReloaded") is True
    assert_accessible(page)
    screenshot(page, f"my-learning-ready-{language}-{viewport}")
    with page.expect_download() as pdf:
        download.click()
    assert pdf.value.suggested_filename.endswith(".pdf")
