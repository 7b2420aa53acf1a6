"""A launch inside the platform's page (Moodle's "Embed" launch container: document_target
"iframe"). Our pages refuse to be framed and browsers withhold our cookies from a frame of
another site, so the frame shows a page of ours, framed by the platform only, with a button
that opens the course in a window of its own: a one-time, short-lived sign-in."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import signing

from lti.models import LoginState, LtiIdentity
from lti.services import CONTINUE_SALT
from lti.views import STATE_COOKIE

from .conftest import launch, start_login

pytestmark = pytest.mark.django_db

CONTINUE = "/lti/continue/"
OURS = "http://testserver"  # the origin of our framed page, which posts the button


def in_a_frame(locale="ro", target="iframe"):
    def prepare(launch):
        launch.set_extra_claims(
            {
                "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                    "document_target": target,
                    "locale": locale,
                }
            }
        )

    return prepare


def framed_launch(client, platform, *, cookie=False, **claims):
    """A launch from inside the platform's frame, where the browser withheld our state cookie
    (a frame of another site) unless `cookie`."""
    params = start_login(client, platform)
    if not cookie:
        del client.cookies[STATE_COOKIE]

    def build(launch):
        from .conftest import resource_link

        resource_link(launch, **{k: v for k, v in claims.items() if k != "prepare"})
        claims.get("prepare", in_a_frame())(launch)

    form = platform.launch_form(params, prepare=build)
    return client.post(
        urlsplit(form["launch_url"]).path, {"id_token": form["id_token"], "state": form["state"]}
    )


def token_of(response) -> str:
    return response.context["token"]


@pytest.mark.parametrize(
    ("locale", "button"),
    [("ro", "Deschideți cursul într-o fereastră nouă"), ("en", "Open the course in a new window")],
)
def test_a_framed_launch_shows_a_button_that_opens_the_course_in_its_own_window(
    client, platform, registration, course, locale, button
):
    response = framed_launch(client, platform, course=course, prepare=in_a_frame(locale))
    assert response.status_code == 200
    html = response.content.decode()
    assert button in html and 'target="_blank"' in html
    # Framed by the platform only; nobody signed in inside the frame.
    policy = response["Content-Security-Policy"]
    assert f"frame-ancestors {platform.url}" in policy
    assert "X-Frame-Options" not in response.headers
    assert SESSION_KEY not in client.session
    identity = LtiIdentity.objects.get(subject="moodle-user-42")  # the launch did its work
    assert LoginState.objects.get().used_at is not None

    # The button: a top-level window of our site, signed in, in the course, in the language.
    opened = client.post(CONTINUE, HTTP_ORIGIN=OURS, data={"token": token_of(response)})
    assert opened.status_code == 302
    course_in_language = course.get_translations(inclusive=True).get(locale__language_code=locale)
    assert opened["Location"] == course_in_language.url
    assert int(client.session[SESSION_KEY]) == identity.user.pk


def test_the_button_works_once(client, platform, registration, course):
    token = token_of(framed_launch(client, platform, course=course))
    assert client.post(CONTINUE, HTTP_ORIGIN=OURS, data={"token": token}).status_code == 302
    client.logout()
    again = client.post(CONTINUE, HTTP_ORIGIN=OURS, data={"token": token})
    assert again.status_code == 400
    assert "a fost folosit deja" in again.content.decode()
    assert SESSION_KEY not in client.session


def test_the_button_expires(client, platform, registration, course, monkeypatch):
    token = token_of(framed_launch(client, platform, course=course))
    # Any age is past a lifetime of -1 s: the button's lifetime is enforced.
    monkeypatch.setattr("lti.services.CONTINUE_LIFETIME", timedelta(seconds=-1))
    expired = client.post(CONTINUE, HTTP_ORIGIN=OURS, data={"token": token})
    assert expired.status_code == 400
    assert "Deschideți din nou cursul" in expired.content.decode()
    assert SESSION_KEY not in client.session


# Made in the test, not at collection: a signed token holds the time, and the ids of a
# parametrised test must be the same in every test process.
BROKEN_TOKENS = {
    "empty": lambda: "",
    "garbage": lambda: "garbage",
    "huge": lambda: "x" * 5000,
    "another-salt": lambda: signing.dumps({"state": 1, "user": 1}, salt="another-salt"),
    "not-ids": lambda: signing.dumps({"state": "x", "user": None}, salt=CONTINUE_SALT),
    "huge-ids": lambda: signing.dumps({"state": 10**30, "user": 10**30}, salt=CONTINUE_SALT),
    "not-a-dict": lambda: signing.dumps(["not", "a", "dict"], salt=CONTINUE_SALT),
}


@pytest.mark.parametrize("kind", BROKEN_TOKENS)
def test_forged_or_broken_tokens_sign_nobody_in(client, platform, registration, course, kind):
    token = BROKEN_TOKENS[kind]()
    response = client.post(CONTINUE, HTTP_ORIGIN=OURS, data={"token": token})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_token_names_its_own_launch_only(client, platform, registration, course):
    """A token signed for another person's launch state is refused: the state and the account
    are checked together."""
    token = token_of(framed_launch(client, platform, course=course))
    data = signing.loads(token, salt=CONTINUE_SALT)
    other = LtiIdentity.objects.get().user.pk + 1
    forged = signing.dumps({**data, "user": other}, salt="not-our-key")
    assert client.post(CONTINUE, HTTP_ORIGIN=OURS, data={"token": forged}).status_code == 400


def test_continue_answers_post_only(client):
    assert client.get(CONTINUE).status_code == 405


def test_a_launch_in_a_window_still_needs_the_browser_it_started_in(
    client, platform, registration, course
):
    """Only a framed launch, which signs nobody in where it lands, goes without our state
    cookie; a launch in a window without it is refused as before."""
    response = framed_launch(client, platform, course=course, prepare=in_a_frame(target="window"))
    assert response.status_code == 400
    assert not LtiIdentity.objects.exists()


def test_a_framed_launch_with_the_cookie_works_the_same(client, platform, registration, course):
    response = framed_launch(client, platform, course=course, cookie=True)
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_a_teachers_framed_launch_says_their_grade_is_not_sent(
    client, platform, registration, course
):
    response = framed_launch(
        client,
        platform,
        course=course,
        roles=("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",),
    )
    assert "notele cursanților" in response.content.decode()
    opened = client.post(
        CONTINUE, HTTP_ORIGIN=OURS, data={"token": token_of(response)}, follow=True
    )
    assert "Ați deschis acest curs ca profesor" in opened.content.decode()


def test_a_normal_launch_is_unchanged(client, platform, registration, course):
    response = launch(client, platform, course=course)
    assert response.status_code == 302 and int(client.session[SESSION_KEY])


@pytest.mark.parametrize("origin", [None, "http://attacker.example", "null", OURS + ".evil"])
def test_a_token_posted_from_another_page_signs_nobody_in(
    client, platform, registration, course, origin
):
    """Someone's own token, posted from a page of another site into a visitor's browser, would
    sign the visitor into their account (login CSRF): only our framed page may post it."""
    token = token_of(framed_launch(client, platform, course=course))
    headers = {} if origin is None else {"HTTP_ORIGIN": origin}
    response = client.post(CONTINUE, {"token": token}, **headers)
    assert response.status_code == 403
    assert "funcționează doar pe pagina cursului" in response.content.decode()
    assert SESSION_KEY not in client.session
    # The token is still good where it belongs.
    assert client.post(CONTINUE, {"token": token}, HTTP_ORIGIN=OURS).status_code == 302


def test_moodles_existing_window_is_a_window_not_a_frame(client, platform, registration, course):
    """Moodle sends document_target "frame" for "Existing window": the launch replaces Moodle's
    page, nothing frames it, so the learner lands in the course signed in (drill, finding 7)."""
    response = framed_launch(
        client, platform, course=course, cookie=True, prepare=in_a_frame(target="frame")
    )
    assert response.status_code == 302 and int(client.session[SESSION_KEY])


@pytest.mark.parametrize("language", ["ro", "en"])
def test_the_buttons_refusals_speak_the_launchs_language(
    client, platform, registration, course, monkeypatch, language
):
    """Drill, finding 8: a Romanian learner whose browser asks for English was refused in
    English. The token carries the launch's language; used or late, the refusal speaks it."""
    refused = {
        "ro": "Acest buton a fost folosit deja sau a expirat.",
        "en": "This button has been used already or has expired.",
    }[language]
    other = {"ro": "en", "en": "ro"}[language]
    response = framed_launch(client, platform, course=course, prepare=in_a_frame(language))
    token = token_of(response)
    browser = {"HTTP_ORIGIN": OURS, "HTTP_ACCEPT_LANGUAGE": other}
    assert client.post(CONTINUE, {"token": token}, **browser).status_code == 302
    client.logout()
    used = client.post(CONTINUE, {"token": token}, **browser)
    assert used.status_code == 400 and refused in used.content.decode()
    monkeypatch.setattr("lti.services.CONTINUE_LIFETIME", timedelta(seconds=-1))
    late = client.post(CONTINUE, {"token": token}, **browser)
    assert late.status_code == 400 and refused in late.content.decode()


def test_a_refused_launch_is_shown_inside_its_platforms_page_only(
    client, platform, registration, course
):
    """A launch refused after its login started (here replayed) says so inside the platform's
    frame (framed by that platform only), instead of a frame the browser refuses; a refusal
    whose state is nobody's keeps our pages' policy."""
    params = start_login(client, platform)

    def build(launch):
        from .conftest import resource_link

        resource_link(launch, course=course)
        in_a_frame()(launch)

    form = platform.launch_form(params, prepare=build)
    path, data = urlsplit(form["launch_url"]).path, {k: form[k] for k in ("id_token", "state")}
    assert client.post(path, data).status_code == 200
    replayed = client.post(path, data)
    assert replayed.status_code == 400
    assert f"frame-ancestors {platform.url}" in replayed["Content-Security-Policy"]
    assert "X-Frame-Options" not in replayed.headers
    assert "Această lansare LTI a expirat sau a fost deja folosită." in replayed.content.decode()

    nobodys = client.post(path, {**data, "state": "x" * 40})
    assert nobodys.status_code == 400
    assert platform.url not in nobodys.get("Content-Security-Policy", "")
    assert nobodys["X-Frame-Options"] == "DENY"
