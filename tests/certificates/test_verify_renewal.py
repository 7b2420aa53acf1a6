"""The verification pages of a renewal (issue 16, item 2): the old code says it was renewed and
links the new one, and stays true about its own dates; the new code shows the first
certification and the renewal. A printed QR code never lies."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timezone import localtime

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_request

from ..courses.factories import make_course, publish
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def short(moment) -> str:
    return formats.date_format(localtime(moment), "SHORT_DATE_FORMAT")


@pytest.fixture
def renewal(demo_site):
    """A first certificate completed two years ago (valid 24 months) and its renewal, both
    as certificate_request makes them; the renewal still pending."""
    course = make_course(lessons=1)
    course.certificate_validity_months = 24
    publish(course)
    learner = UserFactory(full_name="Ioana Țurcanu")
    first_done = timezone.now() - datetime.timedelta(days=740)
    first = certificate_request(
        learner_id=learner.pk, course_key=course.translation_key, completed_at=first_done
    )
    Certificate.objects.filter(pk=first.pk).update(
        status=CertificateStatus.READY, issued_at=first_done
    )
    second = certificate_request(
        learner_id=learner.pk,
        course_key=course.translation_key,
        completed_at=timezone.now() - datetime.timedelta(days=2),
        run=2,
    )
    first.refresh_from_db()
    return first, second


def page(client, certificate, language="en") -> str:
    response = client.get(
        reverse("certificates:verify", args=[certificate.grouped_code]) + f"?lang={language}"
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_old_code_says_renewed_and_links_the_new_once_issued(client, renewal):
    first, second = renewal
    assert first.superseded_by_id == second.pk

    # While the renewal is being rendered its code verifies nothing: no link to a 404.
    html = page(client, first)
    assert "This certificate is being renewed" in html
    assert second.grouped_code not in html

    Certificate.objects.filter(pk=second.pk).update(status=CertificateStatus.READY)
    html = page(client, first)
    link = reverse("certificates:verify", args=[second.grouped_code]) + "?lang=en"
    assert f'This certificate was renewed: see <a href="{link}">{second.grouped_code}</a>.' in html
    # Its own dates, unchanged: completed and issued two years ago, expired since.
    assert f"On its own it expired on {short(first.expires_at)}." in html
    assert f"<dt>Completed on</dt><dd>{short(first.completed_at)}</dd>" in html
    assert f"<dt>Issued on</dt><dd>{short(first.issued_at)}</dd>" in html
    assert f"<dt>Expired on</dt><dd>{short(first.expires_at)}</dd>" in html
    assert f'<dt>Renewed by</dt><dd><a href="{link}">{second.grouped_code}</a></dd>' in html
    assert "First certified on" not in html  # it was the first

    # In Romanian too.
    html = page(client, first, "ro")
    assert "Acest certificat a fost reînnoit: vedeți" in html
    assert "Privit separat, a expirat la" in html


def test_a_renewed_certificate_not_yet_expired_says_it_remains_valid(client, renewal):
    first, second = renewal
    later = timezone.now() + datetime.timedelta(days=20)
    Certificate.objects.filter(pk=first.pk).update(expires_at=later)
    Certificate.objects.filter(pk=second.pk).update(status=CertificateStatus.READY)
    html = page(client, first)
    assert f"On its own it remains valid until {short(later)}." in html
    assert f"<dt>Valid until</dt><dd>{short(later)}</dd>" in html


def test_the_new_code_shows_first_certification_and_renewal(client, renewal):
    first, second = renewal
    Certificate.objects.filter(pk=second.pk).update(status=CertificateStatus.READY)
    html = page(client, second)
    assert "This certificate is valid." in html
    assert f"<dt>First certified on</dt><dd>{short(first.completed_at)}</dd>" in html
    assert f"<dt>Renewed on</dt><dd>{short(second.completed_at)}</dd>" in html
    assert "Completed on" not in html
    assert "Renewed by" not in html
    html = page(client, second, "ro")
    assert "Certificat prima dată la" in html and "Reînnoit la" in html
