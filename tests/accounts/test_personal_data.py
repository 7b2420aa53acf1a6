"""A learner's rights over their data: download all of it; delete the account (counts stay)."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from certificates.models import Certificate
from courses.models import Enrollment, StepCompletion
from quizzes.models import Attempt

from ..elearning.factories import PASSWORD
from ..reports.conftest import world, world_of_module  # noqa: F401 - learners with progress

pytestmark = pytest.mark.django_db


def url(name):
    with translation.override("ro"):
        return reverse(f"accounts:{name}")


def test_data_pages_need_a_login(client):
    for name in ("my_data", "account_delete"):
        response = client.get(url(name))
        assert response.status_code == 302 and "login" in response["Location"]


def test_learner_downloads_all_their_data(client, world):  # noqa: F811
    ana = world.learners["done"]
    client.login(email=ana.email, password=PASSWORD)
    page = client.get(url("my_data"))
    assert page.status_code == 200 and "Descărcați toate datele mele" in page.content.decode()
    response = client.get(url("my_data"), {"download": "1"})
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Ana Țăranu"
    assert data["profile"]["email"] == ana.email
    (enrolment,) = data["progress"]["enrolments"]
    assert enrolment["course"] == "Curs pentru rapoarte" and enrolment["completed_at"]
    assert len(data["progress"]["completed_steps"]) == 3
    assert sorted(a["score"] for a in data["quiz_attempts"]) == [40.0, 60.0, 80.0, 90.0]
    (certificate,) = data["certificates"]
    assert certificate["name_printed"] == "Ana Țăranu"
    # Nobody else's data is in the file.
    assert "Ioana" not in response.content.decode()


def test_wrong_password_or_no_confirmation_deletes_nothing(client, world):  # noqa: F811
    ana = world.learners["done"]
    client.login(email=ana.email, password=PASSWORD)
    response = client.post(url("account_delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert "Parola nu este corectă" in response.content.decode()
    assert client.post(url("account_delete"), {"password": PASSWORD}).status_code == 400
    ana.refresh_from_db()
    assert ana.is_active and ana.full_name == "Ana Țăranu" and ana.erased_at is None


def test_deleting_the_account_erases_the_person_and_keeps_the_counts(
    client,
    world,  # noqa: F811
    media_root,
):
    ana = world.learners["done"]
    certificate = Certificate.objects.get(learner=ana)
    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    pdf_path = certificate.pdf.path
    coordinator = world.coordinators["national"]
    client.login(email=coordinator.email, password=PASSWORD)
    summary_before = client.get(reverse("learning_reports:summary")).context["rows"]
    client.logout()
    counts_before = (
        Enrollment.objects.count(),
        StepCompletion.objects.count(),
        Attempt.objects.count(),
        Certificate.objects.count(),
    )

    client.login(email=ana.email, password=PASSWORD)
    response = client.post(url("account_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == url("account_deleted")
    assert client.get(url("profile")).status_code == 302  # logged out

    ana = User.objects.get(pk=ana.pk)
    assert ana.erased_at and not ana.is_active and not ana.has_usable_password()
    assert ana.full_name == "" and "Ana" not in ana.email and "example.org" not in ana.email
    assert not client.login(email="ana@example.org", password=PASSWORD)
    assert counts_before == (
        Enrollment.objects.count(),
        StepCompletion.objects.count(),
        Attempt.objects.count(),
        Certificate.objects.count(),
    )
    certificate.refresh_from_db()
    assert certificate.learner_name == "" and not certificate.pdf
    import os

    assert not os.path.exists(pdf_path)

    # The verification page: valid once, nobody named.
    page = client.get(f"/verify/{certificate.grouped_code}/?lang=ro").content.decode()
    assert "a fost valabil" in page and "Ana Țăranu" not in page

    # Reports count the same; the name is gone from them too.
    client.login(email=coordinator.email, password=PASSWORD)
    assert client.get(reverse("learning_reports:summary")).context["rows"] == summary_before
    completion = client.get(reverse("learning_reports:completion")).content.decode()
    assert "Ana Țăranu" not in completion
