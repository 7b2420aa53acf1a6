"""One certificate state (issue 15, item 3): valid, expired, revoked, pending or failed is decided
by `certificates.selectors.certificate_state` (and its SQL twin for the reports), and every
surface that shows a certificate says the same: the verification page, "My learning", the
register in the admin, the completion report and its export, the certificates report."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import Certificate, CertificateState, CertificateStatus
from certificates.selectors import certificate_state, certificate_state_expression
from courses import services as course_services

from ..courses.factories import lessons_of, make_course
from ..courses.test_step_count import completion_csv_row
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(days=400)

# How each state is reached from an issued certificate: the row as the workers and the
# administrators leave it.
ROWS = {
    CertificateState.VALID: {},
    CertificateState.EXPIRED: {"expires_at": "past"},
    CertificateState.REVOKED: {"revoked_at": "past"},
    CertificateState.PENDING: {"status": CertificateStatus.PENDING},
    CertificateState.FAILED: {"status": CertificateStatus.FAILED},
}

# "My learning": what the learner reads beside the completed course.
DASHBOARD = {
    CertificateState.VALID: "Descărcați certificatul (PDF)",
    CertificateState.EXPIRED: "expirat: parcurgeți din nou cursul pentru a-l reînnoi",
    CertificateState.REVOKED: "Certificat revocat la",
    CertificateState.PENDING: "Certificatul este în curs de pregătire.",
    CertificateState.FAILED: "Certificatul este în curs de pregătire.",
}


@pytest.fixture
def issued(demo_site, media_root, django_capture_on_commit_callbacks) -> Certificate:
    learner = UserFactory(full_name="Ioana Țurcanu")
    course = make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    return Certificate.objects.get(learner=learner)


def _put_in(certificate: Certificate, state: CertificateState) -> Certificate:
    past = timezone.now() - datetime.timedelta(days=1)
    row = {k: (past if v == "past" else v) for k, v in ROWS[state].items()}
    if state == CertificateState.EXPIRED:
        row["issued_at"] = timezone.now() - LONG_AGO
    Certificate.objects.filter(pk=certificate.pk).update(**row)
    certificate.refresh_from_db()
    return certificate


@pytest.mark.parametrize("state", list(CertificateState))
def test_every_surface_says_the_same_state(client, issued, state):
    certificate = _put_in(issued, state)
    now = timezone.now()
    with translation.override("ro"):
        label_ro = str(state.label)

    # The rule and its SQL twin.
    assert certificate_state(certificate, now=now) == state
    annotated = Certificate.objects.annotate(state=certificate_state_expression(now=now))
    assert annotated.get(pk=certificate.pk).state == state

    # The public verification page: an issued certificate's state; one never issued is unknown.
    verify = client.get(reverse("certificates:verify", args=[certificate.grouped_code]))
    if state in (CertificateState.PENDING, CertificateState.FAILED):
        assert verify.status_code == 404
    else:
        assert f"verify-state--{state.value}" in verify.content.decode()

    # The learner's "My learning".
    client.force_login(certificate.learner)
    my_learning = client.get(reverse("courses:my_learning")).content.decode()
    assert DASHBOARD[state] in my_learning
    for other, text in DASHBOARD.items():
        if text != DASHBOARD[state] and not (
            # an expired certificate is still downloaded (with the note)
            state == CertificateState.EXPIRED and other == CertificateState.VALID
        ):
            assert text not in my_learning, other

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    # The register in the admin.
    register = client.get(reverse("wagtailsnippets_certificates_certificate:list"))
    html = register.content.decode()
    (row,) = re.findall(
        r"<tr[^>]*>(?:(?!</tr>).)*" + certificate.grouped_code + r".*?</tr>", html, re.S
    )
    shown = translation.get_language_from_request(register.wsgi_request)
    with translation.override(shown):
        assert re.search(r">\s*" + re.escape(str(state.label)) + r"\s*<", row), row

    # The completion report, on the page and in the export.
    report = client.get(reverse("learning_reports:completion"))
    (line,) = [r for r in report.context["page"].object_list if r.certificate_code]
    assert line.certificate_state == state and line.certificate_label == label_ro
    assert completion_csv_row(client, "Ioana Țurcanu")["Stare certificat"] == label_ro

    # The certificates report counts it as what it is (a failed one was never issued).
    register_report = client.get(reverse("learning_reports:certificates"))
    counts = [tuple(r[2:]) for r in register_report.context["rows"]]  # issued, expired, revoked
    if state == CertificateState.FAILED:
        assert counts == []
    else:
        assert counts == [
            (1, int(state == CertificateState.EXPIRED), int(state == CertificateState.REVOKED))
        ]
