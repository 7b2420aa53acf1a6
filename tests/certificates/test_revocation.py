"""A revoked certificate: its PDF is refused, its holder is told by e-mail (once, in their
language) why and whom to ask, and "My learning" says the same."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, translation
from django.utils.timezone import localtime

from certificates import services
from certificates.models import Certificate
from courses import services as course_services

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def issued(language: str, capture) -> Certificate:
    learner = UserFactory(full_name="Ioana Țurcanu", preferred_language=language)
    course = make_course(lessons=1)
    with capture(execute=True):
        course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    mail.outbox.clear()  # the "ready" e-mail
    return Certificate.objects.get(learner=learner)


@pytest.fixture
def admin():
    return UserFactory(
        full_name="Maria Pop", email="maria.pop@isj-cluj.ro", is_superuser=True, is_staff=True
    )


def test_revoking_in_the_register_mails_the_learner_once_in_romanian(
    client, demo_site, media_root, admin, django_capture_on_commit_callbacks
):
    certificate = issued("ro", django_capture_on_commit_callbacks)
    client.force_login(admin)
    revoke = reverse("certificate_revoke", args=[certificate.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(revoke, {"reason": "Curs absolvit de altă persoană"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(revoke, {"reason": "A doua oară"})  # already revoked: nothing again
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [certificate.learner.email]
    assert message.subject == "Certificatul dumneavoastră a fost revocat"
    assert "a fost revocat" in message.body
    assert "Curs absolvit de altă persoană" in message.body
    assert "A doua oară" not in message.body
    assert "Maria Pop <maria.pop@isj-cluj.ro>" in message.body
    assert certificate.grouped_code in message.body
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Curs absolvit de altă persoană"
    assert certificate.events.filter(kind="revoked").count() == 1


def test_the_email_is_in_the_learners_language_and_sent_after_commit(
    demo_site, media_root, admin, django_capture_on_commit_callbacks
):
    certificate = issued("en", django_capture_on_commit_callbacks)
    with translation.override("ro"), django_capture_on_commit_callbacks() as callbacks:
        services.certificate_revoke(certificate=certificate, by=admin, reason="Wrong person")
        assert mail.outbox == []  # not before the revocation is committed
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your certificate has been revoked"
    assert "Wrong person" in mail.outbox[0].body
    assert "maria.pop@isj-cluj.ro" in mail.outbox[0].body


def test_without_the_revoker_the_programmes_address_is_the_contact(
    demo_site, media_root, admin, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATES_CONTACT_EMAIL = "certificate@program.example.org"
    certificate = issued("en", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(certificate=certificate, by=None, reason="Wrong person")
    assert "certificate@program.example.org" in mail.outbox[0].body


def test_my_learning_shows_the_date_the_reason_and_whom_to_ask(
    client, demo_site, media_root, admin, django_capture_on_commit_callbacks
):
    certificate = issued("ro", django_capture_on_commit_callbacks)
    services.certificate_revoke(certificate=certificate, by=admin, reason="Date greșite")
    certificate.refresh_from_db()
    client.force_login(certificate.learner)
    with translation.override("ro"):
        html = client.get(reverse("courses:my_learning")).content.decode()
        day = formats.date_format(localtime(certificate.revoked_at), "SHORT_DATE_FORMAT")
        date = translation.gettext("Certificate revoked on %(date)s") % {"date": day}
    assert date in html and date.startswith("Certificat revocat la ")
    assert "Motiv: Date greșite" in html
    assert "maria.pop@isj-cluj.ro" in html
    assert reverse("certificates:download", args=[certificate.pk]) not in html


def test_a_revoked_pdf_is_refused_and_the_verification_page_says_revoked(
    client, demo_site, media_root, admin, settings, django_capture_on_commit_callbacks
):
    certificate = issued("ro", django_capture_on_commit_callbacks)
    services.certificate_revoke(certificate=certificate, by=admin, reason="Date greșite")
    download = reverse("certificates:download", args=[certificate.pk])
    client.force_login(certificate.learner)
    for mode in ("", "x-accel-redirect"):
        settings.PRIVATE_FILES_SERVE = mode
        response = client.get(download, HTTP_ACCEPT_LANGUAGE="ro")
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
        assert "X-Accel-Redirect" not in response
        html = response.content.decode()
        assert "a fost revocat" in html and "Date greșite" in html
    client.force_login(admin)  # not even an administrator gets the PDF
    assert client.get(download).status_code == 410
    # Someone else still cannot tell it exists.
    client.force_login(UserFactory())
    assert client.get(download).status_code == 404
    verify = client.get(reverse("certificates:verify", args=[certificate.grouped_code]))
    assert "verify-state--revoked" in verify.content.decode()
