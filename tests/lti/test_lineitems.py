"""A link added by hand in the platform (no deep linking): the launch carries the line items
service (`lineitems` and its `lineitem` scope) but no line item. The passback task finds or
creates the link's line item (AGS 2.0, 3.2), remembers it, then posts the score; the launch
itself asks nothing of the platform."""

import pytest

from courses import services as course_services
from courses.models import CoursePage
from lti.models import LineItem, LtiIdentity, PassbackStatus, ScorePassback

from .conftest import launch
from .test_advantage import _complete

pytestmark = pytest.mark.django_db


def _hand_added_launch(client, platform, course, *, user_id="moodle-user-42", locale="en"):
    client.logout()
    launch(
        client, platform, course=course, ags=platform.url, lineitem=False, user_id=user_id,
        locale=locale,
    )  # fmt: skip
    return LtiIdentity.objects.get(subject=user_id)


def test_one_line_item_is_created_and_each_run_scores_into_it(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    identity = _hand_added_launch(client, platform, course)
    row = LineItem.objects.get(identity=identity)
    assert (row.url, row.lineitems_url, row.resource_link_id, row.language) == (
        "",
        f"{platform.url}/lineitems",
        "resource-1",
        "en",
    )
    assert platform.lineitems == [] and platform.token_requests == 0  # the launch asked nothing

    _complete(identity.user, course, django_capture_on_commit_callbacks)
    (item,) = platform.lineitems
    assert item == {
        "id": f"{platform.url}/lineitems/100",
        "label": "Curs LTI (EN)",  # the course's title in the launch's language
        "scoreMaximum": 100,
        "resourceLinkId": "resource-1",
        "resourceId": str(course.translation_key),
        "tag": str(course.translation_key),
    }
    row.refresh_from_db()
    assert row.url == item["id"]
    assert [(line_item, score["scoreGiven"]) for line_item, score in platform.scores] == [
        ("100", 100)
    ]
    assert ScorePassback.objects.get().status == PassbackStatus.SENT

    # A second run: scored into the same line item, no second one created.
    CoursePage.objects.filter(translation_key=course.translation_key).update(allows_retakes=True)
    course.refresh_from_db()
    course_services.run_start(learner=identity.user, course=course, after_run=1)
    _complete(identity.user, course, django_capture_on_commit_callbacks)
    assert len(platform.lineitems) == 1
    assert [line_item for line_item, _score in platform.scores] == ["100", "100"]
    assert sorted(ScorePassback.objects.values_list("run", "status")) == [
        (1, PassbackStatus.SENT),
        (2, PassbackStatus.SENT),
    ]

    # Another learner of the same link: the link's line item is already known to us.
    other = _hand_added_launch(client, platform, course, user_id="moodle-user-43", locale="ro")
    _complete(other.user, course, django_capture_on_commit_callbacks)
    assert len(platform.lineitems) == 1
    assert [line_item for line_item, _score in platform.scores] == ["100", "100", "100"]
    assert LineItem.objects.get(identity=other).url == item["id"]


def test_a_line_item_the_platform_already_has_for_the_link_is_used(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    key = str(course.translation_key)
    platform.lineitems = [
        # Another link's column for the same course, and another course's for this link:
        # neither gets this grade.
        {"id": f"{platform.url}/lineitems/1", "resourceLinkId": "resource-9", "tag": key},
        {"id": f"{platform.url}/lineitems/2", "resourceLinkId": "resource-1", "tag": "other"},
        {"id": f"{platform.url}/lineitems/3", "resourceLinkId": "resource-1", "tag": key},
    ]
    identity = _hand_added_launch(client, platform, course)
    _complete(identity.user, course, django_capture_on_commit_callbacks)
    assert len(platform.lineitems) == 3  # found, not created
    assert [line_item for line_item, _score in platform.scores] == ["3"]
    assert LineItem.objects.get(identity=identity).url == f"{platform.url}/lineitems/3"


def test_a_launch_without_the_lineitem_scope_sends_nothing(
    client, platform, registration, course, django_capture_on_commit_callbacks
):
    def read_only(message):  # the platform lets the tool read line items, not create them
        message.set_ags(f"{platform.url}/lineitems", allow_creating_lineitems=False)

    launch(client, platform, course=course, prepare=read_only)
    identity = LtiIdentity.objects.get(subject="moodle-user-42")
    assert not LineItem.objects.exists()
    _complete(identity.user, course, django_capture_on_commit_callbacks)
    assert platform.lineitems == [] and platform.scores == []


def test_a_platform_that_fails_to_create_is_tried_again(
    client, platform, registration, course, django_capture_on_commit_callbacks, monkeypatch
):
    from celery.exceptions import Retry

    from lti.tasks import send_score

    identity = _hand_added_launch(client, platform, course)
    monkeypatch.setattr(platform, "lineitems", None)  # its container breaks: no answer
    with pytest.raises(Retry):
        _complete(identity.user, course, django_capture_on_commit_callbacks)
    passback = ScorePassback.objects.get()
    assert passback.status == PassbackStatus.FAILED and "lineitems" in passback.last_error
    assert LineItem.objects.get(identity=identity).url == ""

    monkeypatch.setattr(platform, "lineitems", [])
    assert send_score.delay(passback.pk).get() is True
    assert len(platform.lineitems) == 1 and len(platform.scores) == 1
