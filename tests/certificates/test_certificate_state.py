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
from certificates.services import certificate_request
from courses import services as course_services
from courses.models import CoursePage

from ..courses.factories import lessons_of, make_course
from ..courses.test_step_count import completion_csv_row
from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(days=400)

# How each state is reached from an issued certificate: the row as the workers and the
# administrators leave it.
ROWS = {
    CertificateState.VALID: {},
    CertificateState.SUPERSEDED: {},  # renewed: see _renew
    CertificateState.EXPIRED: {"expires_at": "past"},
    CertificateState.RENEWAL_OVERDUE: {"renew_by": "yesterday"},
    CertificateState.REVOKED: {"revoked_at": "past"},
    CertificateState.PENDING: {"status": CertificateStatus.PENDING},
    CertificateState.FAILED: {"status": CertificateStatus.FAILED},
}

# "My learning": what the learner reads beside the completed course.
DASHBOARD = {
    CertificateState.VALID: "Descărcați certificatul (PDF)",
    # "My learning" shows the newest certificate: the renewal, which is valid.
    CertificateState.SUPERSEDED: "Descărcați certificatul (PDF)",
    CertificateState.EXPIRED: "expirat: parcurgeți din nou cursul pentru a-l reînnoi",
    CertificateState.RENEWAL_OVERDUE: "reînnoire restantă: parcurgeți din nou cursul pentru a-l",
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


def _renew(certificate: Certificate) -> None:
    """Run 2 of the course, completed: its certificate supersedes the first (the real path)."""
    course = CoursePage.objects.get(
        translation_key=certificate.course_key, locale__language_code="ro"
    )
    CoursePage.objects.filter(translation_key=course.translation_key).update(allows_retakes=True)
    course.allows_retakes = True
    run = course_services.run_start(learner=certificate.learner, course=course, after_run=1)
    for lesson in lessons_of(course):
        course_services.step_complete(learner=certificate.learner, course=course, step=lesson)
    run.refresh_from_db()
    certificate_request(
        learner_id=certificate.learner_id,
        course_key=certificate.course_key,
        completed_at=run.completed_at,
        run=2,
    )
    Certificate.objects.filter(run=2).update(status=CertificateStatus.READY)


def _put_in(certificate: Certificate, state: CertificateState) -> Certificate:
    past = timezone.now() - datetime.timedelta(days=1)
    if state == CertificateState.SUPERSEDED:
        _renew(certificate)
    values = {"past": past, "yesterday": past.date()}
    row = {k: values.get(v, v) for k, v in ROWS[state].items()}
    if state == CertificateState.EXPIRED:
        row["issued_at"] = timezone.now() - LONG_AGO
    Certificate.objects.filter(pk=certificate.pk).update(**row)
    certificate.refresh_from_db()
    return certificate


@pytest.mark.parametrize("state", list(CertificateState))
def test_every_surface_says_the_same_state(client, issued, state):
    certificate = _put_in(issued, state)
    now = timezone.now()

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
            # an expired or overdue certificate is still downloaded (with the note)
            state in (CertificateState.EXPIRED, CertificateState.RENEWAL_OVERDUE)
            and other in (CertificateState.VALID, CertificateState.SUPERSEDED)
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

    # The completion report, on the page and in the export: the learner's current run, whose
    # certificate is the renewal when the first was renewed.
    shown_state = CertificateState.VALID if state == CertificateState.SUPERSEDED else state
    with translation.override("ro"):
        shown_label = str(shown_state.label)
    report = client.get(reverse("learning_reports:completion"))
    (line,) = [r for r in report.context["page"].object_list if r.certificate_code]
    assert line.certificate_state == shown_state and line.certificate_label == shown_label
    assert completion_csv_row(client, "Ioana Țurcanu")["Stare certificat"] == shown_label

    # The certificates report counts it as what it is (a failed one was never issued).
    register_report = client.get(reverse("learning_reports:certificates"))
    counts = [tuple(r[2:5]) for r in register_report.context["rows"]]  # issued, expired, revoked
    if state == CertificateState.FAILED:
        assert counts == []
    elif state == CertificateState.SUPERSEDED:
        assert counts == [(2, 0, 0)]
    else:
        assert counts == [
            (1, int(state == CertificateState.EXPIRED), int(state == CertificateState.REVOKED))
        ]
