"""Re-certification campaigns (issue 16, item 3): a trainer or an administrator asks every
holder of a current certificate of a course to renew it by a date, with a reason in both
languages and the steps that carry over; reviewers and coordinators may not; bad input changes
nothing; a renewal keeps the carried-over steps; after the date the certificate is "renewal
overdue" until renewed; closing the campaign releases the certificates not yet renewed."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import GroupPagePermission, Locale, Page

from certificates.models import Certificate, CertificateState, CertificateStatus
from certificates.selectors import certificate_state
from courses import services
from courses.models import CoursePage, Enrollment, RecertificationCampaign, RunKind, StepCompletion
from reports.apps import COORDINATORS_GROUP

from ..elearning.factories import UserFactory
from .factories import lessons_of, make_course

pytestmark = pytest.mark.django_db


def _in_group(user, name: str, *page_permissions: str):
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in page_permissions:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user.groups.add(group)
    return user


@pytest.fixture
def people():
    return {
        # Wagtail's "Editors" have the re-certification permissions from courses.apps.
        "trainer": _in_group(UserFactory(email="formator@example.org"), "Editors", "change_page"),
        "reviewer": _in_group(
            UserFactory(email="evaluator@example.org"), "Moderators", "change_page", "publish_page"
        ),
        "coordinator": _in_group(UserFactory(email="coord@example.org"), COORDINATORS_GROUP),
        "admin": UserFactory(email="admin@example.org", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def course(demo_site, media_root) -> CoursePage:
    return make_course(lessons=3)


def certify(course, *, language="ro", capture) -> Certificate:
    """A learner who completed the course and holds its (ready) certificate."""
    learner = UserFactory(preferred_language=language)
    with capture(execute=True):
        for lesson in lessons_of(course):
            services.step_complete(learner=learner, course=course, step=lesson)
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.status == CertificateStatus.READY
    return certificate


def url(course) -> str:
    return reverse("recertification", args=[course.pk])


def form_data(course, *, days=60, carry=(), **overrides) -> dict:
    data = {
        "required_by": (timezone.localdate() + datetime.timedelta(days=days)).isoformat(),
        "reason_ro": "Codul penal s-a schimbat în 2024.",
        "reason_en": "The Criminal Code changed in 2024.",
        "carry_over": [str(lessons_of(course)[n].translation_key) for n in carry],
    }
    data.update(overrides)
    return data


def test_trainer_starts_a_campaign_and_holders_are_asked_to_renew(
    client, course, people, django_capture_on_commit_callbacks
):
    ro = certify(course, capture=django_capture_on_commit_callbacks)
    en = certify(course, language="en", capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client.force_login(people["trainer"])
    page = client.get(url(course))
    assert page.status_code == 200
    assert "Lecția 2" in page.content.decode()  # the steps to carry over
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(course), form_data(course, carry=[0, 1]))
    assert response.status_code == 302
    campaign = RecertificationCampaign.objects.get()
    assert campaign.created_by == people["trainer"] and campaign.closed_at is None
    assert campaign.carry_over_step_keys == [
        str(lesson.translation_key) for lesson in lessons_of(course)[:2]
    ]
    for certificate in (ro, en):
        certificate.refresh_from_db()
        assert certificate.recertification == campaign
        assert certificate.renew_by == campaign.required_by
    # The announcement, once each, in the holder's language.
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert "Codul penal s-a schimbat în 2024." in by_address[ro.learner.email].body
    assert "Recertificare" in by_address[ro.learner.email].subject
    assert "The Criminal Code changed in 2024." in by_address[en.learner.email].body
    assert "Re-certification required" in by_address[en.learner.email].subject
    assert "http://testserver/en/learning/" in by_address[en.learner.email].body
    # The campaign is listed, with its close button.
    listing = client.get(url(course)).content.decode()
    assert "Codul penal s-a schimbat în 2024." in listing
    assert reverse("recertification_close", args=[course.pk, campaign.pk]) in listing


def test_a_new_campaign_closes_the_open_one_and_takes_its_certificates(
    course, people, django_capture_on_commit_callbacks
):
    certificate = certify(course, capture=django_capture_on_commit_callbacks)
    first = services.recertification_start(
        course_key=course.translation_key,
        required_by=timezone.localdate() + datetime.timedelta(days=30),
        reason_ro="Unu",
        reason_en="One",
        carry_over_step_keys=[],
        by=people["admin"],
    )
    second = services.recertification_start(
        course_key=course.translation_key,
        required_by=timezone.localdate() + datetime.timedelta(days=90),
        reason_ro="Doi",
        reason_en="Two",
        carry_over_step_keys=[],
        by=people["admin"],
    )
    first.refresh_from_db()
    certificate.refresh_from_db()
    assert first.closed_at is not None and second.closed_at is None
    assert certificate.recertification == second and certificate.renew_by == second.required_by


def test_only_current_certificates_are_marked(course, people, django_capture_on_commit_callbacks):
    current = certify(course, capture=django_capture_on_commit_callbacks)
    expired = certify(course, capture=django_capture_on_commit_callbacks)
    revoked = certify(course, capture=django_capture_on_commit_callbacks)
    Certificate.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    Certificate.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    services.recertification_start(
        course_key=course.translation_key,
        required_by=timezone.localdate() + datetime.timedelta(days=30),
        reason_ro="Motiv",
        reason_en="Reason",
        carry_over_step_keys=[],
        by=people["admin"],
    )
    marked = set(Certificate.objects.filter(renew_by__isnull=False).values_list("pk", flat=True))
    assert marked == {current.pk}


@pytest.mark.parametrize("person", ["reviewer", "coordinator"])
def test_reviewers_and_coordinators_are_refused(client, course, people, person):
    client.force_login(people[person])
    for response in (
        client.get(url(course)),
        client.post(url(course), form_data(course)),
        client.post(reverse("recertification_close", args=[course.pk, 1])),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert not RecertificationCampaign.objects.exists()


def test_the_button_is_on_the_course_page_for_those_who_may_use_it(client, course, people):
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    for person, shown in (("trainer", True), ("admin", True), ("reviewer", False)):
        client.force_login(people[person])
        content = client.get(edit).content.decode()
        assert (url(course) in content) == shown, person
    # Not on a lesson.
    client.force_login(people["admin"])
    lesson = lessons_of(course)[0]
    assert (
        "/admin/recertification/"
        not in client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"days": -1}, "required_by"),
        ({"days": 0}, "required_by"),
        ({"days": 6 * 366}, "required_by"),
        ({"required_by": "not a date"}, "required_by"),
        ({"required_by": "99999-01-01"}, "required_by"),
        ({"reason_ro": "   "}, "reason_ro"),
        ({"reason_en": ""}, "reason_en"),
        ({"reason_en": "x" * 601}, "reason_en"),
        ({"carry_over": ["00000000-0000-0000-0000-000000000000"]}, "carry_over"),
        ({"carry_over": ["not-a-uuid"]}, "carry_over"),
        ({"carry": [0, 1, 2]}, "carry_over"),  # every required step: the renewal asks nothing
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    client, course, people, overrides, field, django_capture_on_commit_callbacks
):
    certificate = certify(course, capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client.force_login(people["trainer"])
    data = form_data(
        course, days=overrides.pop("days", 60), carry=overrides.pop("carry", ()), **overrides
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(course), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not RecertificationCampaign.objects.exists()
    certificate.refresh_from_db()
    assert certificate.renew_by is None and not mail.outbox


def test_bad_ids_are_404(client, course, people):
    client.force_login(people["admin"])
    lesson = lessons_of(course)[0]
    assert client.get(f"/admin/recertification/{2**63}/").status_code == 404
    assert client.get("/admin/recertification/99999999/").status_code == 404
    assert client.get(reverse("recertification", args=[lesson.pk])).status_code == 404
    close = f"/admin/recertification/{course.pk}/close/{2**64}/"
    assert client.post(close).status_code == 404
    assert client.post(reverse("recertification_close", args=[course.pk, 999999])).status_code == (
        404
    )
    # Another course's campaign cannot be closed through this course.
    other = make_course(lessons=1, slug="alt-curs")
    campaign = services.recertification_start(
        course_key=other.translation_key,
        required_by=timezone.localdate() + datetime.timedelta(days=30),
        reason_ro="Motiv",
        reason_en="Reason",
        carry_over_step_keys=[],
        by=people["admin"],
    )
    response = client.post(reverse("recertification_close", args=[course.pk, campaign.pk]))
    assert response.status_code == 404
    campaign.refresh_from_db()
    assert campaign.closed_at is None


def test_closing_releases_the_certificates_not_yet_renewed(
    client, course, people, django_capture_on_commit_callbacks
):
    certificate = certify(course, capture=django_capture_on_commit_callbacks)
    campaign = services.recertification_start(
        course_key=course.translation_key,
        required_by=timezone.localdate() + datetime.timedelta(days=30),
        reason_ro="Motiv",
        reason_en="Reason",
        carry_over_step_keys=[],
        by=people["admin"],
    )
    # Past the date: renewal overdue (not revoked).
    RecertificationCampaign.objects.filter(pk=campaign.pk).update(
        required_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        renew_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    certificate.refresh_from_db()
    assert certificate_state(certificate) == CertificateState.RENEWAL_OVERDUE
    client.force_login(certificate.learner)
    with translation.override("ro"):
        my_learning = client.get(reverse("courses:my_learning")).content.decode()
    assert "reînnoire restantă" in my_learning and "Motiv" in my_learning
    assert "Reînnoiți certificatul" in my_learning  # the renewal is offered

    client.force_login(people["trainer"])
    close = reverse("recertification_close", args=[course.pk, campaign.pk])
    assert client.post(close).status_code == 302
    campaign.refresh_from_db()
    certificate.refresh_from_db()
    assert campaign.closed_at is not None
    assert certificate.renew_by is None and certificate.recertification == campaign
    assert certificate_state(certificate) == CertificateState.VALID
    closed_at = campaign.closed_at
    assert client.post(close).status_code == 302  # twice: nothing more
    campaign.refresh_from_db()
    assert campaign.closed_at == closed_at
    client.force_login(certificate.learner)
    with translation.override("ro"):
        my_learning = client.get(reverse("courses:my_learning")).content.decode()
    assert "reînnoire restantă" not in my_learning and "Motiv" not in my_learning


def test_a_renewal_keeps_the_carried_over_steps_and_renews_the_certificate(
    client, course, people, django_capture_on_commit_callbacks
):
    """End to end as the learner: asked to renew, they start the renewal from "My learning"
    (in English, after certifying in Romanian), only lesson 3 is left, and completing it
    issues the certificate that supersedes the old one (and is asked nothing more)."""
    old = certify(course, capture=django_capture_on_commit_callbacks)
    learner = old.learner
    lessons = lessons_of(course)
    services.recertification_start(
        course_key=course.translation_key,
        required_by=timezone.localdate() + datetime.timedelta(days=30),
        reason_ro="Lecția 3 s-a schimbat.",
        reason_en="Lesson 3 changed.",
        carry_over_step_keys=[lessons[0].translation_key, lessons[1].translation_key],
        by=people["trainer"],
    )
    client.force_login(learner)
    with translation.override("en"):
        my_learning = client.get(reverse("courses:my_learning")).content.decode()
        assert "Lesson 3 changed." in my_learning
        assert "Renew your certificate" in my_learning
        english = course.get_translation(Locale.objects.get(language_code="en"))
        response = client.post(reverse("courses:run_start", args=[english.pk]), {"after_run": 1})
    assert response.status_code == 302
    run = Enrollment.objects.get(learner=learner, current=True)
    assert run.run == 2 and run.kind == RunKind.RENEWAL
    carried = StepCompletion.objects.filter(learner=learner, run=2)
    assert {c.step_key for c in carried} == {lessons[0].translation_key, lessons[1].translation_key}
    assert all(c.carried_over for c in carried)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.step_complete(
            learner=learner, course=course, step=lessons_of(course, "en")[2]
        )
    old.refresh_from_db()
    new = Certificate.objects.get(learner=learner, run=2)
    assert old.superseded_by == new
    assert new.renew_by is None and new.status == CertificateStatus.READY
    assert certificate_state(old) == CertificateState.SUPERSEDED


def test_trainers_have_the_permission_and_administrators_can_grant_it(client, people):
    """Wagtail's "Editors" get it after migrating (courses.apps); the group editor offers it,
    so an administrator may give it to another group of course authors."""
    editors = Group.objects.get(name="Editors")
    permission = Permission.objects.get(
        content_type__app_label="courses", codename="add_recertificationcampaign"
    )
    assert permission in editors.permissions.all()
    assert not Group.objects.get(name="Moderators").permissions.filter(pk=permission.pk).exists()
    client.force_login(people["admin"])
    response = client.get(reverse("wagtailusers_groups:edit", args=[editors.pk]))
    assert response.status_code == 200
    assert f'value="{permission.pk}"' in response.content.decode()
