"""Who may open what: every report view and object URL × every kind of person, as a table.

"login" means redirected to the admin's login page (no admin access at all); "denied" means an
admin user without the reports permission, sent back to the dashboard with Wagtail's "you do not
have permission" message; 404 means the object is not theirs to know about.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from reports import services

from ..elearning.factories import UserFactory
from .test_reports import login

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "learner", "trainer", "coordinator", "other_coordinator", "admin"]

# url name → expected answer per person, in the order of PEOPLE.
MATRIX = {
    "completion": ["login", "login", "denied", 200, 200, 200],
    "summary": ["login", "login", "denied", 200, 200, 200],
    "impact": ["login", "login", "denied", 200, 200, 200],
    "certificates": ["login", "login", "denied", 200, 200, 200],
    "indicators": ["login", "login", "denied", 200, 200, 200],
    "export_list": ["login", "login", "denied", 200, 200, 200],
    "enrol": ["login", "login", "denied", 200, 200, 200],
    # The confirmation of "assign a renewal" for one course's completed learners (each
    # coordinator's own: Cluj has Ana, Iași has Mihai).
    "renewal": ["login", "login", "denied", 200, 200, 200],
    "export_csv": ["login", "login", "denied", 200, 200, 200],
    # Objects belonging to the coordinator (their export) or to their county (a certificate).
    "export_status": ["login", "login", "denied", 200, 404, 404],
    "export_download": ["login", "login", "denied", 200, 404, 404],
    "certificate_download": [404, 404, 404, 200, 404, 200],
    "certificate_revoke": ["login", "login", "denied", 200, 404, 200],
    "certificate_reissue": ["login", "login", 405, 405, 405, 405],
    # Platform (LTI) rosters: the list for anyone with a scope; one roster only for the scope
    # holding its registration's institution (Cluj's school here) and administrators.
    "platform_rosters": ["login", "login", "denied", 200, 200, 200],
    "platform_roster": ["login", "login", "denied", 200, 404, 200],
    # Not a report: Settings → Learning record store (learning_records), for administrators
    # only; a coordinator's people appear in it under pseudonyms at most, and not even those.
    "learning_record_store": ["login", "login", "denied", "denied", "denied", 200],
    "learning_record_store_retry": ["login", "login", 405, 405, 405, 405],
}


@pytest.fixture
def people(world):
    trainer = UserFactory(email="formator@example.org")
    editors, _ = Group.objects.get_or_create(name="Editors")
    from django.contrib.auth.models import Permission

    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    trainer.groups.add(editors)
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    return {
        "anonymous": None,
        "learner": world.learners["halfway"],
        "trainer": trainer,
        "coordinator": world.coordinators["cluj"],
        "other_coordinator": world.coordinators["iasi"],
        "admin": admin,
    }


@pytest.fixture
def urls(world, media_root):
    job = services.export_request(
        user=world.coordinators["cluj"], report="summary", format="xlsx", filters={}
    )
    services.export_run(job.pk)
    from certificates.models import Certificate

    certificate = Certificate.objects.get(learner=world.learners["done"])
    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    from lti.models import LtiContext, PlatformRegistration

    registration = PlatformRegistration.objects.create(
        institution=world.learners["done"].institution,
        name="Moodle Cluj",
        issuer="https://moodle.example",
        client_id="c",
        deployment_ids="1",
        jwks_url="https://moodle.example/jwks",
        auth_url="https://moodle.example/auth",
        token_url="https://moodle.example/token",
    )
    # No roster service offered: the page says so without calling the platform.
    context = LtiContext.objects.create(
        registration=registration, context_id="7", deployment_id="1", title="Curs Moodle"
    )
    return {
        "completion": reverse("learning_reports:completion"),
        "summary": reverse("learning_reports:summary"),
        "impact": reverse("learning_reports:impact"),
        "certificates": reverse("learning_reports:certificates"),
        "indicators": reverse("learning_reports:indicators"),
        "export_list": reverse("learning_reports:export_list"),
        "enrol": reverse("learning_reports:enrol"),
        "renewal": reverse("learning_reports:renewal")
        + f"?course={world.course.translation_key}&status=completed",
        "export_csv": reverse("learning_reports:export", args=["completion"]) + "?format=csv",
        "export_status": reverse("learning_reports:export_status", args=[job.pk]),
        "export_download": reverse("learning_reports:export_download", args=[job.pk]),
        "certificate_download": reverse("certificates:download", args=[certificate.pk]),
        "certificate_revoke": reverse("learning_reports:certificate_revoke", args=[certificate.pk]),
        "certificate_reissue": reverse(
            "learning_reports:certificate_reissue", args=[certificate.pk]
        ),
        "platform_rosters": reverse("learning_reports:platform_rosters"),
        "platform_roster": reverse("learning_reports:platform_roster", args=[context.pk]),
        "learning_record_store": reverse("learning_records_outbox"),
        "learning_record_store_retry": reverse("learning_records_outbox_retry"),
    }


def test_access_matrix(client, world, people, urls):
    failures = []
    for person, user in people.items():
        client.logout()
        if user is not None:
            login(client, user)
        for name, expected_row in MATRIX.items():
            expected = expected_row[PEOPLE.index(person)]
            response = client.get(urls[name])
            if expected == "login":
                ok = response.status_code == 302 and "/admin/login/" in response["Location"]
            elif expected == "denied":
                ok = response.status_code == 302 and response["Location"] == reverse(
                    "wagtailadmin_home"
                )
            else:
                ok = response.status_code == expected
            if ok and response.status_code == 200 and person == "other_coordinator":
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                # Out of scope: never a name from Cluj.
                ok = "Ana Țăranu".encode() not in body and "Ioana Șerban".encode() not in body
            if not ok:
                failures.append((person, name, expected, response.status_code))
    assert not failures, failures


def test_every_report_url_is_in_the_matrix():
    """A new report view without a rule here fails the build."""
    from reports import urls as report_urls

    names = {p.name for p in report_urls.urlpatterns}
    covered = set(MATRIX) | {"export"}  # export is covered as export_csv
    assert names <= covered, names - covered
