"""Launches from an LTI 1.3 platform we did not write (lti1p3platform), valid and forged."""

import time

import jwt
import pytest
from django.contrib.auth import get_user_model

from lti.models import LoginState, LtiIdentity

from ..elearning.factories import UserFactory
from .conftest import launch, start_login
from .platform import rsa_pem

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_valid_launch_creates_one_account_and_lands_in_the_course_in_english(
    client, registration, platform, course
):
    users = User.objects.count()
    response = launch(client, platform, locale="en", course=course)
    assert response.status_code == 302
    course_en = course.get_translations().get(locale__language_code="en")
    assert response["Location"] == course_en.url
    assert response["Location"].startswith("/en/")
    assert User.objects.count() == users + 1
    identity = LtiIdentity.objects.get(registration=registration, subject="moodle-user-42")
    user = identity.user
    assert not user.has_usable_password()
    assert user.full_name == "Ion Popescu"
    assert user.preferred_language == "en"
    assert identity.email == "ion@academia.example"
    assert user.email != "ion@academia.example"  # profile data, not the login
    # Logged in: the course page knows them.
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_second_launch_links_the_same_account(client, registration, platform, course):
    launch(client, platform, course=course)
    client.logout()
    users = User.objects.count()
    response = launch(client, platform, course=course, name="Ion Popescu-Ionescu")
    assert response.status_code == 302
    assert response["Location"].startswith("/ro/")
    assert User.objects.count() == users
    assert LtiIdentity.objects.filter(subject="moodle-user-42").count() == 1


def test_an_existing_account_with_the_same_e_mail_is_never_matched(
    client, registration, platform, course
):
    from tests.elearning.factories import UserFactory

    existing = UserFactory(email="ion@academia.example")
    launch(client, platform, course=course)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    assert identity.user != existing


def _nothing_created(users, identities):
    assert User.objects.count() == users
    assert LtiIdentity.objects.count() == identities


@pytest.fixture
def counts(registration):
    return User.objects.count(), LtiIdentity.objects.count()


def test_a_forged_signature_is_refused(client, platform, course, counts):
    other_private, _public = rsa_pem()

    def forge(data):
        # The same claims and key id, signed with a key that is not the platform's.
        claims = jwt.decode(data["id_token"], options={"verify_signature": False})
        kid = jwt.get_unverified_header(data["id_token"])["kid"]
        token = jwt.encode(claims, other_private, algorithm="RS256", headers={"kid": kid})
        return {**data, "id_token": token}

    response = launch(client, platform, course=course, tamper=forge)
    assert response.status_code == 403
    _nothing_created(*counts)
    assert "_auth_user_id" not in client.session


def test_an_unsigned_token_is_refused(client, platform, course, counts):
    def unsigned(data):
        claims = jwt.decode(data["id_token"], options={"verify_signature": False})
        return {**data, "id_token": jwt.encode(claims, None, algorithm="none")}

    response = launch(client, platform, course=course, tamper=unsigned)
    assert response.status_code == 400
    _nothing_created(*counts)


def test_a_replayed_launch_is_refused(client, platform, course, counts):
    posted = {}

    def keep(data):
        posted.update(data)
        return data

    assert launch(client, platform, course=course, tamper=keep).status_code == 302
    users, identities = User.objects.count(), LtiIdentity.objects.count()
    response = client.post("/lti/launch/", posted)
    assert response.status_code == 400
    _nothing_created(users, identities)


def test_a_reused_nonce_with_a_fresh_state_is_refused(client, platform, course, counts):
    first = {}

    def keep(data):
        first.update(data)
        return data

    launch(client, platform, course=course, tamper=keep)
    users, identities = User.objects.count(), LtiIdentity.objects.count()
    # A new login (new state), answered with the old token (its nonce is the old one's).
    params = start_login(client, platform)
    response = client.post(
        "/lti/launch/", {"id_token": first["id_token"], "state": params["state"]}
    )
    assert response.status_code == 400
    _nothing_created(users, identities)


def test_an_expired_token_is_refused(client, platform, course, counts):
    response = launch(
        client,
        platform,
        course=course,
        prepare=lambda message: message.set_id_token_expiration(-300),
    )
    assert response.status_code == 400
    _nothing_created(*counts)


def test_a_token_for_another_tool_is_refused(client, platform, course, counts):
    params = start_login(client, platform)  # our login, our state…
    # …answered with a token the platform signed for another tool (its audience).
    platform.registration.set_client_id("another-tool")
    form = platform.launch_form(
        {**params, "client_id": "another-tool"},
        prepare=lambda launch: (
            launch.set_resource_link_claim("resource-1"),
            launch.set_user_data("moodle-user-42", []),
        ),
    )
    response = client.post("/lti/launch/", {"id_token": form["id_token"], "state": form["state"]})
    assert response.status_code == 403
    _nothing_created(*counts)


def test_an_unknown_deployment_is_refused(client, platform, course, counts):
    # Named in the login initiation: refused there, before any state is stored.
    platform.registration.set_deployment_id("99")
    assert client.get(platform.login_url(user_id="moodle-user-42")).status_code == 403
    assert LoginState.objects.count() == 0
    # Named only in the signed token.
    platform.registration.set_deployment_id("1")
    params = start_login(client, platform)
    platform.registration.set_deployment_id("99")
    form = platform.launch_form(
        params,
        prepare=lambda launch: (
            launch.set_resource_link_claim("resource-1"),
            launch.set_user_data("moodle-user-42", []),
        ),
    )
    response = client.post("/lti/launch/", {"id_token": form["id_token"], "state": form["state"]})
    assert response.status_code == 403
    _nothing_created(*counts)


def test_a_disabled_registration_is_refused(client, platform, registration, course):
    registration.enabled = False
    registration.save()
    response = client.get(platform.login_url(user_id="moodle-user-42"))
    assert response.status_code == 403
    assert LoginState.objects.count() == 0


def test_a_launch_from_another_browser_is_refused(client, platform, course, counts):
    """The state cookie binds the launch to the browser that began the login (login CSRF)."""

    def other_browser(data):
        client.cookies.pop("lti1p3-state")
        return data

    response = launch(client, platform, course=course, tamper=other_browser)
    assert response.status_code == 400
    _nothing_created(*counts)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"id_token": "x", "state": "y"},
        {"id_token": "a.b.c", "state": "9" * 40},
        {"id_token": "x" * 100_000, "state": "y"},
        {"id_token": "eyJhbGciOiJSUzI1NiJ9.e30.AAAA", "state": "y" * 500},
    ],
)
def test_garbage_is_a_clear_4xx(client, registration, data):
    response = client.post("/lti/launch/", data, HTTP_ACCEPT_LANGUAGE="ro")
    assert response.status_code == 400
    assert "Lansarea nu a funcționat" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?iss=https://unknown.example&login_hint=1&target_link_uri=http://testserver/lti/launch/",
        "?iss=x&login_hint=1&target_link_uri=https://evil.example/",
    ],
)
def test_bad_login_initiations_are_refused(client, registration, query):
    response = client.get("/lti/login/" + query)
    assert response.status_code in (400, 403)
    assert LoginState.objects.count() == 0


def test_a_login_naming_another_site_is_refused(client, platform, registration):
    url = platform.login_url(user_id="u").replace(
        "target_link_uri=http%3A%2F%2Ftestserver", "target_link_uri=https%3A%2F%2Fevil.example"
    )
    assert client.get(url).status_code == 400
    assert LoginState.objects.count() == 0


def test_our_key_set_is_public(client, tool_key):
    keys = client.get("/lti/jwks.json").json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and "d" not in keys[0]


def test_without_a_tool_key_launches_answer_503(client, settings, registration):
    settings.LTI_TOOL_PRIVATE_KEY = ""
    settings.LTI_TOOL_PRIVATE_KEY_FILE = ""
    assert client.get("/lti/login/").status_code == 503
    assert client.get("/lti/jwks.json").json() == {"keys": []}


def test_the_platform_key_set_is_cached(client, platform, registration, course):
    from unittest import mock

    import requests

    real_get = requests.get
    with mock.patch("requests.get", side_effect=real_get) as spy:
        launch(client, platform, course=course)
        client.logout()
        launch(client, platform, course=course)
    assert [c.args[0] for c in spy.call_args_list].count(f"{platform.url}/jwks") == 1
    assert time.time()  # (both launches verified against one fetch)


def test_an_account_without_a_mailbox_is_sent_no_mail(client, platform, registration, course):
    """An account a launch created has an address in the reserved `.invalid` domain: the
    e-mails other learners get (certificate ready, reminders) are not sent to it, instead of
    bouncing through the task queue's retries."""
    from django.core import mail

    from accounts.services import email_deliverable, email_send_to_user
    from accounts.tasks import send_email

    launch(client, platform, course=course)
    user = LtiIdentity.objects.get().user
    assert user.email.endswith("@lti.invalid") and not email_deliverable(user.email)
    mail.outbox.clear()
    email_send_to_user(user=user, template="accounts/email/account_exists")
    send_email(to=user.email, subject="s", body="b")
    assert mail.outbox == []
    email_send_to_user(
        user=UserFactory(email="ana@example.org"), template="accounts/email/account_exists"
    )
    send_email(to="ana@example.org", subject="s", body="b")
    assert [m.to for m in mail.outbox] == [["ana@example.org"], ["ana@example.org"]]


def test_a_platform_that_registered_the_tool_twice_gets_one_account_per_person(
    client, platform, registration, course
):
    """LTI 1.3 makes `sub` unique per issuer: the same Moodle with our tool under a second
    client id sends the same person's `sub`, and the launch lands in the same account (the
    interoperability drill made two accounts of one student before)."""
    from lti.models import PlatformRegistration

    assert launch(client, platform, course=course).status_code == 302
    first = LtiIdentity.objects.get()
    second = PlatformRegistration.objects.create(
        name="Same Moodle, another department",
        enabled=True,
        **{**platform.registration_values(), "client_id": "a-second-client-id"},
    )
    platform.registration.set_client_id("a-second-client-id")
    client.logout()
    assert launch(client, platform, course=course).status_code == 302
    identities = LtiIdentity.objects.order_by("pk")
    assert [i.registration_id for i in identities] == [registration.pk, second.pk]
    assert {i.user_id for i in identities} == {first.user_id}
    assert get_user_model().objects.filter(email__endswith="@lti.invalid").count() == 1
    # Another person of that platform is another account.
    client.logout()
    assert launch(client, platform, course=course, user_id="moodle-user-43").status_code == 302
    assert get_user_model().objects.filter(email__endswith="@lti.invalid").count() == 2


def test_login_states_older_than_a_day_are_purged_daily(client, platform, registration, course):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from lti.tasks import purge_login_states

    assert launch(client, platform, course=course).status_code == 302
    start_login(client, platform)  # a login never finished
    assert LoginState.objects.count() == 2
    assert purge_login_states.delay().get() == 0  # both recent: kept
    LoginState.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    start_login(client, platform)
    assert purge_login_states.delay().get() == 2
    assert LoginState.objects.count() == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-lti-login-states"]
    assert schedule["task"] == "lti.tasks.purge_login_states"


def test_an_account_without_an_institution_takes_its_registrations_on_a_later_launch(
    client, platform, registration, course
):
    """The drill's finding 6: an institution linked to the registration after a person's first
    launch reaches them on their next one (its opt-ins with it); an institution the account
    already has is kept."""
    from accounts.models import Institution

    assert launch(client, platform, course=course).status_code == 302
    user = LtiIdentity.objects.get().user
    assert user.institution_id is None
    alba, cluj = Institution.objects.order_by("pk")[:2]
    registration.institution = alba
    registration.save()
    client.logout()
    assert launch(client, platform, course=course).status_code == 302
    user.refresh_from_db()
    assert user.institution_id == alba.pk
    assert user.county == alba.county  # where a county coordinator's reports find them
    registration.institution = cluj
    registration.save()
    client.logout()
    assert launch(client, platform, course=course).status_code == 302
    user.refresh_from_db()
    assert user.institution_id == alba.pk  # never changed by a launch
    assert user.county == alba.county


def test_people_who_launched_before_get_their_institutions_county_once(
    client, platform, registration, course
):
    """lti 0003: the county of their institution for platform learners without one (the
    function the migration runs, on today's models, which hold the same fields)."""
    import importlib

    from django.apps import apps

    from accounts.models import Institution

    migration = importlib.import_module("lti.migrations.0003_platform_learners_county")
    alba, cluj = Institution.objects.order_by("pk")[:2]
    launch(client, platform, course=course)
    launch(client, platform, course=course, user_id="moodle-user-43")
    first, second = (i.user for i in LtiIdentity.objects.order_by("subject"))
    User.objects.filter(pk=first.pk).update(institution=alba, county="")
    User.objects.filter(pk=second.pk).update(institution=cluj, county="B")  # chosen: kept
    other = UserFactory(institution=alba, county="")  # not a platform learner: left alone
    migration.county_from_institution(apps, None)
    first.refresh_from_db(), second.refresh_from_db(), other.refresh_from_db()
    assert (first.county, second.county, other.county) == (alba.county, "B", "")


def test_a_returning_learners_launch_costs_the_same_whatever_the_platform_holds(
    client, platform, registration, course
):
    """Query counts, not times: a launch of someone known reads their identity, line item and
    context by key, so it does not grow with the platform's other people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lti.models import LtiContext

    def counted_launch():
        client.logout()
        with CaptureQueriesContext(connection) as queries:
            assert launch(client, platform, course=course, ags=platform.url).status_code == 302
        return len(queries)

    launch(client, platform, course=course, ags=platform.url)
    few = counted_launch()
    for n in range(30):
        other = UserFactory()
        LtiIdentity.objects.create(registration=registration, subject=f"other-{n}", user=other)
        LtiContext.objects.create(
            registration=registration, context_id=f"other-course-{n}", title="C"
        )
    assert counted_launch() == few
