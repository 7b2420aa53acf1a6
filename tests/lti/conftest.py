from urllib.parse import parse_qsl, urlsplit

import pytest

from lti import keys
from lti.models import PlatformRegistration

from .platform import TestPlatform, rsa_pem

_TOOL_KEY = rsa_pem()[0]


@pytest.fixture
def tool_key(settings):
    settings.LTI_TOOL_PRIVATE_KEY = _TOOL_KEY
    return _TOOL_KEY


@pytest.fixture
def platform(tool_key):
    platform = TestPlatform(keys.tool_jwks())
    yield platform
    platform.close()


@pytest.fixture
def registration(platform, db):
    return PlatformRegistration.objects.create(
        name="Academia de Poliție (Moodle)", enabled=True, **platform.registration_values()
    )


@pytest.fixture
def course(db):
    from tests.courses.factories import make_course

    return make_course(lessons=2, slug="curs-lti", title="Curs LTI")


def start_login(client, platform, *, user_id="moodle-user-42", deep_linking=False):
    """The platform's login initiation sent to us, and our answer: its authentication request."""
    response = client.get(platform.login_url(user_id=user_id, deep_linking=deep_linking))
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(platform.url + "/auth?")
    return dict(parse_qsl(urlsplit(location).query))


def resource_link(
    launch,
    *,
    user_id="moodle-user-42",
    locale="ro",
    course=None,
    ags=False,
    lineitem=True,
    nrps=False,
    name="Ion Popescu",
    email="ion@academia.example",
    roles=("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",),
):
    launch.set_user_data(
        user_id,
        list(roles),
        full_name=name,
        email_address=email,
    )
    launch.set_resource_link_claim("resource-1", title="Curs")
    launch.set_launch_context_claim("course-7", context_title="Moodle course 7")
    launch.set_extra_claims(
        {
            "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                "document_target": "window",
                "locale": locale,
            }
        }
    )
    if course is not None:
        launch.set_custom_parameters_claim({"course": str(course.translation_key)})
    if ags:
        # Without `lineitem`: a link added by hand, not through deep linking (the platform
        # offers its line items service for the tool to find or create one).
        launch.set_ags(
            lineitems_url=f"{ags}/lineitems",
            lineitem_url=f"{ags}/lineitems/7" if lineitem else None,
        )
    if nrps:
        launch.set_nrps(f"{nrps}/memberships")


def launch(client, platform, *, prepare=None, tamper=None, user_id="moodle-user-42", **claims):
    """A whole launch: login initiation, the platform's signed answer, posted to us."""
    params = start_login(client, platform, user_id=user_id)

    def build(launch):
        resource_link(launch, user_id=user_id, **claims)
        if prepare:
            prepare(launch)

    form = platform.launch_form(params, prepare=build)
    data = {"id_token": form["id_token"], "state": form["state"]}
    if tamper:
        data = tamper(data)
    return client.post(urlsplit(form["launch_url"]).path, data)
