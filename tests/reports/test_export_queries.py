"""The completion CSV streams with a fixed number of queries, however many rows it has."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import County
from certificates.models import Certificate, CertificateStatus
from courses.models import Enrollment, StepCompletion

from ..elearning.factories import PASSWORD, InstitutionFactory, UserFactory
from .conftest import _attempt

pytestmark = pytest.mark.django_db

EXPORT = reverse("learning_reports:export", args=["completion"])


def _download(client) -> tuple[int, int]:
    """(queries, CSV lines) of one completion CSV, the streamed body read in full."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT, {"format": "csv"})
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
    return len(queries), body.decode("utf-8-sig").count("\r\n")


def _more_learners(world, n: int) -> None:
    """n learners at every stage: enrolled, halfway, finished with attempts and a certificate."""
    lessons = [s for s in world.steps if s.counts_for_completion and not s.kind]
    course_key = world.course.translation_key
    institution = InstitutionFactory(name="Școala nr. 7", county=County.CJ)
    now = timezone.now()
    for i in range(n):
        learner = UserFactory(
            email=f"many-{i}@example.org", institution=institution, county=County.CJ
        )
        finished = i % 3 == 0
        Enrollment.objects.create(
            learner=learner,
            course_key=course_key,
            completed_at=now if finished else None,
            due_on=timezone.localdate() - datetime.timedelta(days=1) if i % 3 == 1 else None,
        )
        for step in lessons[: len(lessons) if finished else i % 2]:
            StepCompletion.objects.create(
                learner=learner, course_key=course_key, step_key=step.translation_key
            )
        if finished:
            _attempt(learner, world.final, world.course, 1, "50.00", passed=False)
            _attempt(learner, world.final, world.course, 2, "85.00", passed=True)
            Certificate.objects.create(
                learner=learner,
                course_key=course_key,
                learner_name=learner.full_name,
                course_title_ro=world.course.title,
                hours=Decimal("0.5"),
                completed_at=now,
                status=CertificateStatus.READY,
            )


@pytest.mark.parametrize("coordinator", ["national", "cluj"])
def test_completion_csv_queries_do_not_grow_with_rows(client, world, coordinator):
    assert client.login(email=world.coordinators[coordinator].email, password=PASSWORD)
    _download(client)  # the first request also fills per-process caches (site, page tree)
    few_queries, few_lines = _download(client)
    _more_learners(world, 30)
    many_queries, many_lines = _download(client)
    assert many_lines == few_lines + 30
    assert many_queries == few_queries
