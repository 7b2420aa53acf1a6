"""Bulk (re)issue of a course's certificates from the Wagtail admin, with progress."""

import subprocess

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from certificates.models import Certificate, CertificateEvent, CertificateStatus
from certificates.tasks import reissue_certificate
from courses import services as course_services

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(certificate) -> str:
    return subprocess.run(
        ["pdftotext", certificate.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def course(demo_site, media_root):
    return make_course(slug="bulk", lessons=1)


@pytest.fixture
def completed(course):
    """Four learners who completed the course. The completion's after-commit callbacks never
    run here (no capture), so nobody has a certificate yet: what a bulk issue is for."""
    learners = UserFactory.create_batch(4)
    for learner in learners:
        course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    assert not Certificate.objects.exists()
    return learners


def admin_user(*, manage: bool):
    user = UserFactory()
    group = Group.objects.create(name=f"group-{user.pk}")
    codenames = ["access_admin"] + (["change_certificate"] if manage else [])
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("learner", "login"),  # no admin access at all
        ("editor", "refused"),  # in the admin, without certificate rights
        ("manager", 200),
        ("superuser", 200),
    ],
)
def test_who_may_open_and_post_the_bulk_views(client, course, completed, who, expected):
    users = {
        "learner": lambda: completed[0],
        "editor": lambda: admin_user(manage=False),
        "manager": lambda: admin_user(manage=True),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    if who in users:
        client.force_login(users[who]())

    def outcome(response):
        if response.status_code != 302:
            return response.status_code
        # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
        return "login" if "/admin/login/" in response["Location"] else "refused"

    index = reverse("certificate_bulk:index")
    page = reverse("certificate_bulk:course", args=[course.translation_key])
    assert outcome(client.get(index)) == expected
    assert outcome(client.get(page)) == expected
    posted = client.post(page, {"action": "missing"})
    if expected == 200:
        assert posted.status_code == 302 and page in posted["Location"]
        assert index in client.get(reverse("wagtailadmin_home")).content.decode()  # in the menu
    else:
        assert outcome(posted) == expected
        assert not Certificate.objects.exists()  # refused, and nothing queued
        if who == "editor":
            assert index not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_issue_missing_queues_the_missing_and_failed_and_shows_progress(
    client, course, completed, django_capture_on_commit_callbacks
):
    client.force_login(admin_user(manage=True))
    page = reverse("certificate_bulk:course", args=[course.translation_key])
    html = client.get(page).content.decode()
    assert "0 din 4 absolvenți au certificatul gata" in " ".join(html.split())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # eager Celery
        response = client.post(page, {"action": "missing"})
    assert len(callbacks) == 1  # one after-commit callback queues every task
    assert response.status_code == 302 and "?since=" in response["Location"]
    assert Certificate.objects.filter(status=CertificateStatus.READY).count() == 4

    # A failed one is queued again by the next "issue missing".
    failed = Certificate.objects.first()
    Certificate.objects.filter(pk=failed.pk).update(status=CertificateStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "missing"})
    html = " ".join(client.get(response["Location"]).content.decode().split())
    assert "1 de emis (0 solicitate acum), 0 de reemis" in html
    assert "4 din 4 absolvenți au certificatul gata" in html
    assert Certificate.objects.filter(status=CertificateStatus.READY).count() == 4
    # The index counts it too.
    index = client.get(reverse("certificate_bulk:index")).content.decode()
    assert course.title in index


def test_reissue_all_renders_again_with_current_names_except_revoked(
    client, course, completed, django_capture_on_commit_callbacks
):
    manager = admin_user(manage=True)
    client.force_login(manager)
    page = reverse("certificate_bulk:course", args=[course.translation_key])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "missing"})
    renamed, revoked = completed[0], completed[1]
    renamed.full_name = "Elena Vătămanu"
    renamed.save()
    Certificate.objects.filter(learner=revoked).update(revocation_reason="x")
    Certificate.objects.filter(learner=revoked).update(revoked_at="2026-01-01T00:00:00Z")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "reissue"})
    html = " ".join(client.get(response["Location"]).content.decode().split())
    assert "0 de emis (0 solicitate acum), 3 de reemis" in html
    assert "Reemise de la ultima cerere</dt><dd>3</dd>" in html.replace(" <dd>", "<dd>")
    reissued = CertificateEvent.objects.filter(kind="reissued")
    assert reissued.count() == 3 and set(reissued.values_list("by", flat=True)) == {manager.pk}
    assert not reissued.filter(certificate__learner=revoked).exists()
    certificate = Certificate.objects.get(learner=renamed)
    assert certificate.learner_name == "Elena Vătămanu"
    assert "Elena Vătămanu" in pdf_text(certificate)


def test_a_redelivered_reissue_task_renders_once(
    course, completed, django_capture_on_commit_callbacks
):
    from certificates import services

    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_queue_for_course(course_key=course.translation_key)
    certificate = Certificate.objects.first()
    requested_at = "2026-01-01T00:00:00+00:00"
    reissue_certificate.delay(str(certificate.pk), requested_at=requested_at)
    reissue_certificate.delay(str(certificate.pk), requested_at=requested_at)  # redelivered
    assert certificate.events.filter(kind="reissued").count() == 1


def test_unknown_action_or_course_changes_nothing(client, course, completed):
    client.force_login(admin_user(manage=True))
    page = reverse("certificate_bulk:course", args=[course.translation_key])
    assert client.post(page, {"action": "everything"}).status_code == 400
    assert client.get(page + "?since=not-a-time").status_code == 200
    assert client.get(page + "?since=1e300").status_code == 200
    missing = reverse("certificate_bulk:course", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(missing).status_code == 404
    assert not Certificate.objects.exists()


def test_the_command_queues_through_the_same_service_as_the_admin(
    course, completed, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # eager Celery
        call_command("issue_certificates", "bulk", "--queue", stdout=output)
    # certificates_queue_for_course queues every task in one after-commit callback.
    assert len(callbacks) == 1
    assert "4 requested, 4 queued to be issued, 0 queued to be re-issued" in output.getvalue()
    assert Certificate.objects.filter(status=CertificateStatus.READY).count() == 4

    revoked = Certificate.objects.filter(learner=completed[0])
    revoked.update(revoked_at="2026-01-01T00:00:00Z", revocation_reason="x")
    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("issue_certificates", "bulk", "--queue", "--reissue", stdout=output)
    assert "0 requested, 0 queued to be issued, 3 queued to be re-issued" in output.getvalue()
    assert CertificateEvent.objects.filter(kind="reissued").count() == 3
