"""Deep linking, grade passback (AGS) and the roster (NRPS), against lti1p3platform."""

import re
from urllib.parse import urlsplit

import pytest

from courses import services as course_services
from lti.models import LineItem, LtiContext, LtiIdentity, PassbackStatus, ScorePassback
from lti.services import DEEP_LINKING_SETTINGS

from ..courses.factories import make_course
from .conftest import launch, start_login

pytestmark = pytest.mark.django_db


def _deep_linking_picker(
    client, platform, *, ags=True, accept_types=("ltiResourceLink",), accept_multiple=True
):
    params = start_login(client, platform, deep_linking=True)

    def prepare(message):
        message.set_user_data(
            "teacher-1", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
        )
        message.set_dl(
            f"{platform.url}/deep-link-return", accept_types=set(accept_types), extra_data="x1"
        )
        message.set_extra_claims(
            {"https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {"locale": "en"}}
        )
        if not accept_multiple:  # lti1p3platform always offers several: its claim rewritten
            message._deep_linking_launch_data[DEEP_LINKING_SETTINGS]["accept_multiple"] = False
        if ags:
            message.set_ags(f"{platform.url}/lineitems")

    form = platform.launch_form(params, prepare=prepare)
    assert urlsplit(form["launch_url"]).path == "/lti/deep-link/"
    return client.post("/lti/deep-link/", {"id_token": form["id_token"], "state": form["state"]})


def test_deep_linking_answer_verifies_with_the_platforms_library(
    client, platform, registration, course
):
    picker = _deep_linking_picker(client, platform)
    assert picker.status_code == 200
    html = picker.content.decode()
    assert "Curs LTI (EN)" in html  # the English catalogue
    # Framed by the registered platform only.
    assert f"frame-ancestors {platform.url}" in picker["Content-Security-Policy"]
    token = re.search(r'name="token" value="([^"]+)"', html)[1]
    answer = client.post(
        "/lti/deep-link/choose/", {"token": token, "course": str(course.translation_key)}
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert f'action="{platform.url}/deep-link-return"' in body
    jwt = re.search(r'name="JWT" value="([^"]+)"', body)[1]
    assert f"form-action {platform.url}" in answer["Content-Security-Policy"]

    items = platform.config().validate_deeplinking_resp({"JWT": jwt})
    assert items == [
        {
            "type": "ltiResourceLink",
            "title": "Curs LTI (EN)",
            "url": "http://testserver/lti/launch/",
            "custom": {"course": str(course.translation_key)},
            "lineItem": {
                "scoreMaximum": 100,
                "label": "Curs LTI (EN)",
                "resourceId": str(course.translation_key),
            },
        }
    ]
    # Answered once.
    again = client.post(
        "/lti/deep-link/choose/", {"token": token, "course": str(course.translation_key)}
    )
    assert again.status_code == 400


def test_a_platform_that_accepts_no_resource_links_is_told_so(client, platform, registration):
    from lti.models import LoginState

    picker = _deep_linking_picker(client, platform, accept_types=("link",))
    assert picker.status_code == 400
    assert "legături LTI către resurse" in picker.content.decode()
    assert not LoginState.objects.filter(deep_link__isnull=False).exists()


def test_one_course_when_the_platform_accepts_one(client, platform, registration, course):
    other = make_course(lessons=1, slug="curs-lti-doi", title="Alt curs")
    picker = _deep_linking_picker(client, platform, accept_multiple=False)
    html = picker.content.decode()
    assert 'type="radio"' in html and 'type="checkbox"' not in html
    token = re.search(r'name="token" value="([^"]+)"', html)[1]
    both = [str(course.translation_key), str(other.translation_key)]
    refused = client.post("/lti/deep-link/choose/", {"token": token, "course": both})
    assert refused.status_code == 400 and "alegeți unul" in refused.content.decode()
    # Not answered yet: the teacher chooses again, one course.
    one = client.post("/lti/deep-link/choose/", {"token": token, "course": both[0]})
    assert one.status_code == 200


@pytest.mark.parametrize(
    "data", [{}, {"token": "forged"}, {"token": "x:y:z", "course": "not-a-uuid"}]
)
def test_a_forged_choice_is_refused(client, data):
    assert client.post("/lti/deep-link/choose/", data).status_code == 400


def _complete(user, course, capture):
    from tests.courses.factories import lessons_of

    with capture(execute=True):
        for lesson in lessons_of(course):
            course_services.step_complete(learner=user, course=course, step=lesson)


def test_grade_passback_arrives_once_per_run(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    launch(client, platform, course=course, ags=platform.url)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    assert LineItem.objects.get(identity=identity).url == f"{platform.url}/lineitems/7"

    _complete(identity.user, course, django_capture_on_commit_callbacks)
    assert len(platform.scores) == 1
    line_item_id, score = platform.scores[0]
    assert line_item_id == "7"
    assert score["userId"] == "moodle-user-42"
    assert score["scoreGiven"] == 100  # no final quiz: completion is the grade
    assert score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"]

    # The same completion heard again (a duplicate signal): nothing sent twice.
    from courses.models import Enrollment
    from lti.receivers import on_course_completed

    run = Enrollment.objects.get(learner=identity.user, course_key=course.translation_key)
    on_course_completed(
        None,
        learner_id=identity.user.pk,
        course_key=course.translation_key,
        completed_at=run.completed_at,
        run=run.run,
    )
    assert len(platform.scores) == 1
    passback = ScorePassback.objects.get()
    assert passback.status == PassbackStatus.SENT and passback.attempts == 1


def test_a_failed_passback_is_retried(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    from celery.exceptions import Retry

    from lti.tasks import send_score

    launch(client, platform, course=course, ags=platform.url)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    platform.failures_left = 1  # the platform's score endpoint answers 500 once
    # Eager in tests: the task asks Celery for a retry (a worker would run it after backoff).
    with pytest.raises(Retry):
        _complete(identity.user, course, django_capture_on_commit_callbacks)
    passback = ScorePassback.objects.get()
    assert (passback.status, passback.attempts, platform.scores) == (PassbackStatus.FAILED, 1, [])
    assert passback.last_error

    assert send_score.delay(passback.pk).get() is True  # the retry
    passback.refresh_from_db()
    assert (passback.status, passback.attempts, passback.last_error) == (PassbackStatus.SENT, 2, "")
    assert len(platform.scores) == 1 and platform.scores[0][1]["scoreGiven"] == 100
    # A success is never sent again, whatever runs the task again.
    assert send_score.delay(passback.pk).get() is False
    assert len(platform.scores) == 1


def test_a_learner_without_a_line_item_sends_nothing(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    launch(client, platform, course=course)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    _complete(identity.user, course, django_capture_on_commit_callbacks)
    assert platform.scores == [] and not ScorePassback.objects.exists()


def test_the_roster_matches_the_platforms_members(
    client, admin_client, platform, registration, course, django_capture_on_commit_callbacks
):
    launch(client, platform, course=course, nrps=platform.url)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    _complete(identity.user, course, django_capture_on_commit_callbacks)
    platform.members = [
        {"user_id": "moodle-user-42", "name": "Ion Popescu", "roles": ["Learner"]},
        {"user_id": "moodle-user-43", "name": "Ana Ionescu", "roles": ["Learner"]},
    ]
    context = LtiContext.objects.get()
    assert context.memberships_url == f"{platform.url}/memberships"
    response = admin_client.get(f"/admin/lti/contexts/{context.pk}/roster/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["name"], r["account"], r["completed"]) for r in rows] == [
        ("Ana Ionescu", False, []),
        ("Ion Popescu", True, ["Curs LTI"]),
    ]
    # In the reader's language (the drill showed Romanian titles to an English reader).
    from django.utils import translation

    from lti.selectors import roster

    with translation.override("en"):
        rows = roster(context=context, members=platform.members)
    assert [r["completed"] for r in rows] == [[], ["Curs LTI (EN)"]]


def test_the_tool_configuration_shows_our_addresses(admin_client, tool_key):
    html = admin_client.get("/admin/lti/tool/").content.decode()
    for url in ("/lti/login/", "/lti/launch/", "/lti/deep-link/", "/lti/jwks.json"):
        assert f"http://testserver{url}" in html


def test_the_data_file_lists_what_was_sent_and_deletion_stops_sending(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    from accounts.personal_data import account_erase, personal_data_export
    from lti.services import passback_send

    launch(client, platform, course=course, ags=platform.url)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    user = identity.user
    _complete(user, course, django_capture_on_commit_callbacks)
    (platform_data,) = personal_data_export(user)["lti_platforms"]
    assert platform_data["subject"] == "moodle-user-42"
    assert platform_data["issuer"] == registration.issuer
    (sent,) = platform_data["grades_sent_back"]
    assert sent["status"] == PassbackStatus.SENT and sent["score"] == 100.0
    assert sent["to"] == f"{platform.url}/lineitems/7" and sent["sent_at"]

    # A second run's passback is still waiting for its task when the account is deleted.
    passback = ScorePassback.objects.get()
    waiting = ScorePassback.objects.create(
        line_item=passback.line_item, run=2, score=80, completed_at=passback.completed_at
    )
    account_erase(user)
    assert not LtiIdentity.objects.exists() and not ScorePassback.objects.exists()
    assert passback_send(waiting.pk) is False  # the queued task finds nothing to send
    assert len(platform.scores) == 1  # nothing more sent
    assert personal_data_export(user)["lti_platforms"] == []


def test_a_coordinator_sees_the_roster_of_a_platform_in_their_scope(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    """NRPS for coordinators (Reports → Platform rosters): the platform of an institution in
    their county, read from the platform; another county's coordinator is not told it exists."""
    from django.urls import reverse

    from accounts.models import Institution
    from reports.models import ScopeLevel

    from ..reports.conftest import _coordinator

    cluj = Institution.objects.filter(county="CJ").order_by("pk").first()
    registration.institution = cluj
    registration.save()
    launch(client, platform, course=course, nrps=platform.url)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    _complete(identity.user, course, django_capture_on_commit_callbacks)
    platform.members = [
        {"user_id": "moodle-user-42", "name": "Ion Popescu", "roles": ["Learner"]},
        {"user_id": "moodle-user-43", "name": "Ana Ionescu", "roles": ["Learner"]},
    ]
    context = LtiContext.objects.get()
    roster_url = reverse("learning_reports:platform_roster", args=[context.pk])

    client.logout()
    client.force_login(_coordinator("cluj@example.org", ScopeLevel.COUNTY, county="CJ"))
    listing = client.get(reverse("learning_reports:platform_rosters")).content.decode()
    assert roster_url in listing and cluj.name in listing
    response = client.get(roster_url)
    assert response.status_code == 200
    assert [(r["name"], r["account"], r["completed"]) for r in response.context["rows"]] == [
        ("Ana Ionescu", False, []),
        ("Ion Popescu", True, ["Curs LTI"]),
    ]
    assert reverse("lti_tool_configuration") not in response.content.decode()

    client.force_login(_coordinator("iasi@example.org", ScopeLevel.COUNTY, county="IS"))
    assert (
        roster_url not in client.get(reverse("learning_reports:platform_rosters")).content.decode()
    )
    assert client.get(roster_url).status_code == 404


MOODLE_TEACHER = (
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
)


@pytest.mark.parametrize(
    "roles, teaching",
    [
        (list(MOODLE_TEACHER), True),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], True),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"], True),
        (["Instructor"], True),  # the deprecated short name
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], False),
        # A site administrator enrolled as a student takes the course as a student.
        (
            [
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
                "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
            ],
            False,
        ),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], False),
        ([], False),
        ("Instructor", False),  # not a list: no roles
        ([None, 7, {"x": 1}], False),
    ],
)
def test_who_teaches(roles, teaching):
    from lti.services import ROLES, launch_is_teaching

    assert launch_is_teaching({ROLES: roles}) is teaching


@pytest.mark.parametrize(
    "locale, said",
    [("ro", "Ați deschis acest curs ca profesor"), ("en", "You opened this course as a teacher")],
)
def test_a_teacher_lands_in_the_course_and_is_graded_nowhere(
    client, platform, registration, course, django_capture_on_commit_callbacks, locale, said
):
    response = launch(
        client,
        platform,
        course=course,
        ags=platform.url,
        nrps=platform.url,
        roles=MOODLE_TEACHER,
        locale=locale,
        user_id="moodle-teacher-3",
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert said in text and registration.name in text
    identity = LtiIdentity.objects.get(subject="moodle-teacher-3")
    # The context is remembered (the roster), the line item is not: nothing for the gradebook.
    assert LtiContext.objects.filter(registration=registration, context_id="course-7").exists()
    assert not LineItem.objects.filter(identity=identity).exists()
    _complete(identity.user, course, django_capture_on_commit_callbacks)
    assert platform.scores == [] and not ScorePassback.objects.exists()

    # A learner of the same link is graded as before, and is told nothing about teaching.
    response = launch(client, platform, course=course, ags=platform.url, locale=locale)
    assert said not in client.get(response["Location"]).content.decode()
    learner = LtiIdentity.objects.get(subject="moodle-user-42")
    assert LineItem.objects.filter(identity=learner).exists()


def test_a_coordinator_sees_the_platforms_address_not_the_placeholder(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    """An account a launch created logs in with a `.invalid` placeholder; the completion report
    and its export show the address the platform gave (none: blank), and sort by it."""
    import csv
    import io

    from django.urls import reverse

    from accounts.models import Institution
    from reports.models import ScopeLevel

    from ..reports.conftest import _coordinator

    cluj = Institution.objects.filter(county="CJ").order_by("pk").first()
    registration.institution = cluj
    registration.save()
    launch(client, platform, course=course)
    launch(client, platform, course=course, user_id="moodle-user-43", name="Ana Ionescu", email="")
    for identity in LtiIdentity.objects.all():
        # Accounts created with the registration's institution get its county too: a county
        # coordinator's reports find people by county.
        assert identity.user.county == "CJ"
        _complete(identity.user, course, django_capture_on_commit_callbacks)

    client.logout()
    client.force_login(_coordinator("cluj@example.org", ScopeLevel.COUNTY, county="CJ"))
    page = client.get(reverse("learning_reports:completion"), {"sort": "email"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "ion@academia.example" in html and ".invalid" not in html
    rows = page.context["page"].object_list
    assert [row.contact_email for row in rows] == ["", "ion@academia.example"]
    export = client.get(reverse("learning_reports:export", args=["completion"]), {"format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert sorted((r[0], r[1]) for r in rows[1:]) == [
        ("Ana Ionescu", ""),
        ("Ion Popescu", "ion@academia.example"),
    ]
