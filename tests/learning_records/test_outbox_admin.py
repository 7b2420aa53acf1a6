"""Settings → Learning record store: the outbox as administrators see it, and "Retry now"."""

import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning_records.models import Statement, StatementStatus
from reports.apps import COORDINATORS_GROUP, ensure_coordinators_group

from ..elearning.factories import UserFactory
from .conftest import PASSWORD, USER
from .journey import sharing_learner

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/learning-records/"
RETRY = "/admin/learning-records/retry/"
DOWN = "http://127.0.0.1:9/xAPI"  # nothing listens there


@pytest.fixture
def lrs(settings):
    settings.XAPI_LRS_ENDPOINT = DOWN
    settings.XAPI_LRS_KEY, settings.XAPI_LRS_SECRET = "the-key", "the-very-secret"
    return settings


@pytest.fixture
def admin(client):
    user = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def failed(learner, n: int, *, error="503 Service Unavailable", at=None):
    """n statements of the learner that the LRS refused once."""
    at = at or timezone.now()
    rows = Statement.objects.bulk_create(
        Statement(
            id=uuid.uuid4(),
            learner=learner,
            verb="answered",
            occurred_at=at - timedelta(hours=1),
            payload={"id": "x"},
            attempts=1,
            last_error=error,
            last_failed_at=at - timedelta(minutes=i),
            next_attempt_at=at + timedelta(minutes=2),
        )
        for i in range(n)
    )
    return rows


def test_the_urls_are_the_admin_ones():
    assert reverse("learning_records_outbox") == OUTBOX
    assert reverse("learning_records_outbox_retry") == RETRY


def test_the_page_says_how_sending_goes_without_credentials_or_learners(
    client, admin, lrs, demo_site
):
    lrs.XAPI_LRS_ENDPOINT = "https://platform:hunter2@lrs.example.org:8443/xAPI/?token=abc"
    learner = sharing_learner(email="maria.popa@example.org", full_name="Maria Popa")
    Statement.objects.filter(learner=learner).update(
        status=StatementStatus.SENT, sent_at=timezone.now() - timedelta(minutes=3)
    )
    failed(learner, 2, error="0 [Errno 111] Connection refused")
    response = client.get(OUTBOX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Depozitul de înregistrări de învățare" in body  # the admin speaks Romanian here
    assert "https://lrs.example.org:8443/xAPI/" in body
    for secret in ("hunter2", "platform:", "token=abc", "the-key", "the-very-secret"):
        assert secret not in body
    for person in ("maria.popa", "Maria Popa"):
        assert person not in body
    assert "Connection refused" in body and "Reîncearcă acum" in body
    summary = response.context["summary"]
    assert (summary.pending, summary.failed, summary.sent) == (0, 2, 1)
    assert summary.last_error == "0 [Errno 111] Connection refused"
    assert summary.last_sent_at is not None and summary.oldest_pending_at is not None


def test_without_an_lrs_the_page_says_so(client, admin):
    response = client.get(OUTBOX)
    assert response.status_code == 200
    assert response.context["summary"].configured is False
    assert "XAPI_LRS_ENDPOINT" in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_failed_statements(client, admin, lrs):
    learner = UserFactory()
    failed(learner, 1)
    client.get(OUTBOX)  # the site, the user: cached for the requests that follow
    with CaptureQueriesContext(connection) as one:
        assert client.get(OUTBOX).status_code == 200
    failed(learner, 60)  # more than a page
    with CaptureQueriesContext(connection) as many:
        response = client.get(OUTBOX)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert len(many) == len(one), "\n".join(
        [q["sql"][:150] for q in one.captured_queries]
        + ["----"]
        + [q["sql"][:150] for q in many.captured_queries]
    )


@pytest.mark.parametrize("page", ["abc", str(10**30), "-1", "0", "1.5", "", "%00"])
def test_any_page_number_answers_without_an_error(client, admin, lrs, page):
    failed(UserFactory(), 3)
    response = client.get(OUTBOX, {"p": page})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3


def test_the_menu_item_is_shown_only_to_those_who_may_see_the_outbox(client, admin):
    response = client.get("/admin/")
    assert OUTBOX in response.content.decode()
    editor = UserFactory(email="editor@example.org")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert OUTBOX not in client.get("/admin/").content.decode()


def _coordinator():
    ensure_coordinators_group(apps.get_app_config("reports"))
    user = UserFactory(email="coord@example.org")
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return user


def _viewer():
    """Someone given the view permission only (no retry)."""
    user = UserFactory(email="viewer@example.org")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_statement"),
    )
    return user


def _outcome(response) -> str | int:
    location = response.get("Location", "")
    if response.status_code == 302 and "/admin/login/" in location:
        return "admin-login"
    if response.status_code == 302 and location == reverse("wagtailadmin_home"):
        return "denied"
    if response.status_code == 302 and location == OUTBOX:
        return "done"
    return response.status_code


def test_who_may_retry(client, lrs, demo_site):
    """POST "Retry now": anonymous and learners to the admin's login, coordinators (and those
    who may only look) refused; administrators retry. Nothing changes for the refused."""
    learner = UserFactory()
    [row] = failed(learner, 1)
    people = {
        "anonymous": (None, "admin-login"),
        "learner": (learner, "admin-login"),
        "coordinator": (_coordinator(), "denied"),
        "viewer": (_viewer(), "denied"),
    }
    for who, (user, expected) in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        assert _outcome(client.post(RETRY)) == expected, who
        row.refresh_from_db()
        assert row.next_attempt_at > timezone.now(), who
    client.force_login(UserFactory(email="root@example.org", is_superuser=True))
    assert _outcome(client.post(RETRY)) == "done"
    row.refresh_from_db()
    assert row.next_attempt_at <= timezone.now() and row.attempts >= 1


def test_the_viewer_sees_the_page_without_the_retry_button(client, lrs):
    failed(UserFactory(), 1)
    client.force_login(_viewer())
    response = client.get(OUTBOX)
    assert response.status_code == 200 and RETRY not in response.content.decode()


def test_retry_needs_a_csrf_token(lrs, demo_site):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(UserFactory(email="root@example.org", is_superuser=True))
    [row] = failed(UserFactory(), 1)
    assert csrf_client.post(RETRY).status_code == 403
    row.refresh_from_db()
    assert row.next_attempt_at > timezone.now()


def test_retry_with_nothing_failed_says_so(client, admin, lrs):
    response = client.post(RETRY, follow=True)
    assert response.status_code == 200
    assert "Nicio înregistrare eșuată nu așteaptă" in response.content.decode()


@pytest.mark.lrs
def test_retry_now_sends_the_failed_statements_to_the_lrs(
    client, admin, settings, ralph, demo_site, django_capture_on_commit_callbacks
):
    """The LRS was down when the statements were sent; it is back: "Retry now" sends them
    seconds later (here at once: eager tasks), without waiting out the backoff or for beat."""
    from learning_records.tasks import send_learning_records

    settings.XAPI_LRS_ENDPOINT = DOWN
    settings.XAPI_LRS_KEY, settings.XAPI_LRS_SECRET = USER, PASSWORD
    settings.XAPI_SEND_DELAY_SECONDS = None  # the learner's events: not sent until we say so
    learner = sharing_learner()
    assert send_learning_records.apply().get() == 0  # refused: backing off
    row = Statement.objects.get(learner=learner)
    assert row.attempts == 1 and row.last_failed_at and row.next_attempt_at > timezone.now()

    settings.XAPI_LRS_ENDPOINT = ralph.endpoint
    settings.XAPI_SEND_DELAY_SECONDS = 5
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RETRY, follow=True)
    assert "1 înregistrare eșuată va fi trimisă din nou" in response.content.decode()
    row.refresh_from_db()
    assert row.status == StatementStatus.SENT
    assert [s["id"] for s in ralph.statements_of(learner.learning_pseudonym.pseudonym)] == [
        str(row.pk)
    ]


@pytest.mark.parametrize(
    "endpoint, shown",
    [
        ("https://lrs.example.org/xAPI", "https://lrs.example.org/xAPI"),
        ("https://user:pass@lrs.example.org/xAPI/", "https://lrs.example.org/xAPI/"),
        (
            "https://user@lrs.example.org:8443/xAPI?key=s3cret#x",
            "https://lrs.example.org:8443/xAPI",
        ),
        ("http://[::1]:8100/xAPI", "http://[::1]:8100/xAPI"),
        ("http://lrs.example.org:notaport/xAPI", "http://lrs.example.org/xAPI"),
    ],
)
def test_the_endpoint_is_shown_without_anything_secret(settings, endpoint, shown):
    from learning_records import lrs

    settings.XAPI_LRS_ENDPOINT = endpoint
    assert lrs.endpoint_for_display() == shown
