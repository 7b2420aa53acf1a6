"""A course put inside a Moodle page with the "Embed" launch container: the platform's page
(another site) frames our login and launch; the frame shows our button, and the button opens
the course, signed in, in a window of its own. Chromium with the site's Content-Security-Policy
enforced (frame-ancestors among it), axe in the frame, Romanian at desktop width and English on
a phone. The platform is lti1p3platform (tests/lti/platform.py); its two pages a browser sees,
the course page with the frame and the auto-posted launch form, are served by its own HTTP
server (`TestPlatform.pages`), another site than ours (127.0.0.1 against localhost)."""

from html import escape

import pytest

from lti.models import LtiIdentity

from ..lti.conftest import course, platform, registration, resource_link, tool_key  # noqa: F401
from .conftest import assert_accessible, in_combinations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ENFORCE_CSP = True

BUTTON = {"ro": "Deschideți cursul într-o fereastră nouă", "en": "Open the course in a new window"}
SIGNED_IN = {"ro": "Profilul meu", "en": "My profile"}


@in_combinations(("ro", "desktop"), ("en", "phone"))
def test_an_embedded_course_opens_in_its_own_window_signed_in(
    page,
    viewport,
    demo_site,
    live_server,
    platform,  # noqa: F811
    registration,  # noqa: F811
    course,  # noqa: F811
    language,
):
    # The platform's registration of our tool, at the live server's address.
    platform.registration.set_oidc_login_url(f"{live_server.url}/lti/login/").set_launch_url(
        f"{live_server.url}/lti/launch/"
    )
    login_url = platform.login_url(user_id="moodle-user-42")

    def embed(launch):
        resource_link(launch, course=course, locale=language)
        launch.set_extra_claims(
            {
                "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                    "document_target": "iframe",
                    "locale": language,
                }
            }
        )

    def course_page(query):
        return (
            f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Moodle course 7</title></head><body><main><h1>Moodle course 7</h1>"
            f'<iframe src="{escape(login_url)}" title="Curs LTI" '
            'style="width:100%;height:420px;border:1px solid #999"></iframe>'
            "</main></body></html>"
        )

    def authorise(query):
        form = platform.launch_form(query, prepare=embed)
        return (
            '<!DOCTYPE html><html lang="en"><head><title>Launch</title></head><body>'
            f'<form method="post" action="{escape(form["launch_url"])}">'
            f'<input type="hidden" name="id_token" value="{escape(form["id_token"])}">'
            f'<input type="hidden" name="state" value="{escape(form["state"])}">'
            "</form><script>document.forms[0].submit()</script></body></html>"
        )

    platform.pages = {"/course/7": course_page, "/auth": authorise}
    page.goto(f"{platform.url}/course/7")

    frame = page.frame_locator("iframe")
    button = frame.get_by_role("button", name=BUTTON[language])
    button.wait_for()
    framed = next(f for f in page.frames if f.url.startswith(f"{live_server.url}/lti/launch/"))
    assert_accessible(framed)
    screenshot(page, f"lti-embedded-{language}-{viewport}")

    with page.expect_popup() as opened:
        button.click()
    window = opened.value
    window.wait_for_load_state()
    course_in_language = course.get_translations(inclusive=True).get(locale__language_code=language)
    assert window.url == f"{live_server.url}{course_in_language.url}"
    assert SIGNED_IN[language] in window.locator("header").inner_text()
    assert LtiIdentity.objects.get(subject="moodle-user-42").user.preferred_language == language
    assert_accessible(window)
    screenshot(window, f"lti-embedded-window-{language}-{viewport}")
