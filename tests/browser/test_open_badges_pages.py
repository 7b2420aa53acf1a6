"""The digital credential as its holder and a verifier meet it, in Romanian on a phone (390 px):
the link beside the PDF on "My learning", the download, the verification page's line; axe."""

import json

import pytest
from django.utils import timezone

from certificates import services
from courses import services as course_services

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory
from .conftest import AXE, assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, bypass_csp=True, base_url=live_server.url, accept_downloads=True
    )
    if AXE.exists():
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_credential_on_my_learning_and_the_verification_page(phone, demo_site, media_root):
    page = phone
    learner = UserFactory(full_name="Ioana Țurcanu", preferred_language="ro")
    course = make_course(lessons=1)
    course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    certificate = services.certificate_request(
        learner_id=learner.pk, course_key=course.translation_key, completed_at=timezone.now()
    )
    services.certificate_issue(certificate_id=certificate.pk)

    log_in(page, learner.email, "ro")
    page.goto("/ro/learning/")
    link = page.get_by_role("link", name="Descărcați credențialul digital (Open Badges)")
    link.wait_for()
    assert_accessible(page)
    screenshot(page, "my-learning-credential-ro-phone")
    with page.expect_download() as download:
        link.click()
    token = open(download.value.path()).read()
    head, body, _signature = token.split(".")
    assert len(_signature) > 40 and head and body

    page.goto(f"/verify/{certificate.grouped_code}/?lang=ro")
    page.get_by_text("nerevocat în lista sa de stare").wait_for()
    assert_accessible(page)
    screenshot(page, "verify-credential-ro-phone")
    page.get_by_role("link", name="cheia publică a emitentului").click()
    assert json.loads(page.locator("body").inner_text())["keys"][0]["kty"] == "EC"
