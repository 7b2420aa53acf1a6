"""A learner who came from their institution's platform (an LTI launch: no password, no address
of theirs) finds their profile, is told there is no password to change, and deletes their
account on the strength of that launch; in Romanian and English, desktop and phone, with axe."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from lti.models import LtiIdentity

from ..lti.conftest import course, launch, platform, registration, tool_key  # noqa: F401
from .conftest import assert_accessible, in_combinations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ro": {
        "address": "Niciuna: vă conectați din platforma de învățare",
        "no_password": "aici nu există nicio parolă de schimbat",
        "delete": "Ștergeți-mi contul",
        "proof": "în ultimele 30 de minute",
        "confirm": "Ștergeți-mi contul definitiv",
        "done": "Contul dumneavoastră a fost șters",
    },
    "en": {
        "address": "None: you sign in from your institution's learning platform",
        "no_password": "there is no password to change here",
        "delete": "Delete my account",
        "proof": "in the last 30 minutes",
        "confirm": "Delete my account for good",
        "done": "Your account has been deleted",
    },
}


@in_combinations(("ro", "desktop"), ("en", "phone"))
def test_a_learner_from_moodle_manages_an_account_without_a_password(
    page,
    viewport,
    demo_site,
    client,
    live_server,
    platform,  # noqa: F811
    registration,  # noqa: F811
    course,  # noqa: F811
    language,
):
    text = TEXT[language]
    # The launch (the platform's signed form, posted to us) through the test client; the
    # browser then carries the session it opened, as the learner's own browser would.
    response = launch(client, platform, course=course, locale=language)
    assert response.status_code == 302
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(response["Location"])
    assert_accessible(page)
    with translation.override(language):
        profile, password_change = reverse("accounts:profile"), reverse("accounts:password_change")
    page.goto(profile)
    assert text["address"] in page.locator("main").inner_text()
    assert page.locator(f'a[href="{password_change}"]').count() == 0
    assert_accessible(page)
    screenshot(page, f"lti-learner-profile-{language}-{viewport}")

    page.goto(password_change)  # a bookmark, or a link from elsewhere
    assert page.url.endswith(profile)
    assert text["no_password"] in page.locator("main").inner_text()

    page.get_by_role("link", name=text["delete"]).click()
    assert text["proof"] in page.locator("main").inner_text()
    assert page.locator('input[name="password"]').count() == 0
    assert_accessible(page)
    screenshot(page, f"lti-learner-delete-{language}-{viewport}")
    page.get_by_label(
        {
            "ro": "Înțeleg că contul și datele mele personale vor fi șterse definitiv.",
            "en": "I understand that my account and my personal data will be deleted for good.",
        }[language]
    ).check()
    page.get_by_role("button", name=text["confirm"]).click()
    page.wait_for_load_state()
    assert text["done"] in page.locator("main").inner_text()
    assert not LtiIdentity.objects.filter(subject="moodle-user-42").exists()
