"""The Indicators report: the coordinator's scope and period, overall and by role, county or
month; every figure with its n, "< 5" for a cell of fewer than five people, the same figures on
the page, in CSV, in XLSX and in the donor PDF."""

import csv
import datetime
import io
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from reports import services
from reports.models import ExportJob

from ..elearning.factories import UserFactory
from .conftest import _attempt
from .test_reports import login

pytestmark = pytest.mark.django_db

INDICATORS = reverse("learning_reports:indicators")
EXPORT = reverse("learning_reports:export", args=["indicators"])
SMALL = "< 5"


def _trained(world, scores, *, county="CJ", institution=None, days_ago=3):
    """People who completed the world's course with a matched pre/post pair each."""
    course = world.course
    completed = timezone.now() - datetime.timedelta(days=days_ago)
    for n, (pre, post) in enumerate(scores):
        learner = UserFactory(
            email=f"instruit-{county}-{days_ago}-{n}@example.org",
            county=county,
            institution=institution or world.cluj_school,
        )
        Enrollment.objects.create(
            learner=learner,
            course_key=course.translation_key,
            started_at=completed - datetime.timedelta(days=2),
            completed_at=completed,
        )
        _attempt(learner, world.pre, course, 1, f"{pre}.00")
        _attempt(learner, world.post, course, 1, f"{post}.00")


def _overall(response):
    assert response.status_code == 200
    return response.context["rows"][0]


def test_a_small_group_is_less_than_5_in_every_cell(client, world):
    # Cluj: only Ana completed (40 → 80).
    login(client, world.coordinators["cluj"])
    row = _overall(client.get(INDICATORS))
    assert row[1:3] == [SMALL, SMALL]
    assert set(row[3:]) == {SMALL}
    assert "&lt; 5" in client.get(INDICATORS).content.decode()


def test_cluj_shows_people_trained_and_gain_with_its_interval(client, world):
    # Ana (40 → 80) and five more in Cluj: gains 40, 20, 20, 20, 30, 50 (mean 30, sd 12.65,
    # t(5) = 2.571: ± 13.3). Iași's Mihai and anyone not completed are left out.
    _trained(world, [(50, 70), (50, 70), (60, 80), (40, 70), (30, 80)])
    login(client, world.coordinators["cluj"])
    row = _overall(client.get(INDICATORS))
    assert row[0] in ("Toate", "All")
    assert row[1] == 6  # people trained
    assert row[2] == SMALL  # currently certified: Ana only
    # Satisfaction: nobody answered (no surveys in this world) → "< 5".
    assert row[3:8] == [SMALL] * 5
    assert row[8:12] == [30.0, 16.7, 43.3, 6]
    # Retention and application: nobody checked yet.
    assert set(row[12:]) == {SMALL}
    # The method is said beside the figures.
    assert "95 %" in client.get(INDICATORS).context["impact_method"]


def test_by_county_for_the_national_coordinator(client, world):
    _trained(world, [(50, 70)] * 5)
    _trained(world, [(20, 60)] * 5, county="IS", institution=world.iasi_police)
    login(client, world.coordinators["national"])
    rows = client.get(INDICATORS, {"group_by": "county"}).context["rows"]
    groups = {r[0]: r for r in rows}
    assert groups["Cluj"][1] == 6 and groups["Iași"][1] == 6
    # Cluj: Ana's 40 and five 20s; Iași: Mihai's 80 and five 40s.
    assert groups["Cluj"][8] == pytest.approx(23.3, abs=0.05)
    assert groups["Iași"][8] == pytest.approx(46.7, abs=0.05)
    assert rows[0][1] == 12  # the overall row first


def test_the_period_is_the_completion_date(client, world):
    _trained(world, [(50, 70)] * 5, days_ago=100)
    login(client, world.coordinators["cluj"])
    recent = timezone.localdate() - datetime.timedelta(days=30)
    row = _overall(client.get(INDICATORS, {"date_from": recent.isoformat()}))
    assert row[1] == SMALL  # only Ana completed in the last 30 days
    row = _overall(client.get(INDICATORS))
    assert row[1] == 6


@pytest.mark.parametrize(
    "query",
    [
        {"group_by": "objective"},  # the impact report's cut, not this one's
        {"group_by": "x" * 10_000},
        {"county": "IS"},  # outside Cluj's scope
        {"date_from": "2026-13-45"},
        {"course": "not-a-course"},
    ],
)
def test_bad_filters_answer_400(client, world, query):
    login(client, world.coordinators["cluj"])
    response = client.get(INDICATORS, query)
    assert response.status_code == 400
    assert "rows" not in response.context or not response.context["rows"]


def test_queries_do_not_grow_with_learners(client, world):
    login(client, world.coordinators["national"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INDICATORS, {"group_by": "county"}).status_code == 200
        return len(queries)

    _trained(world, [(50, 70)] * 2)
    count()  # the first request fills the caches (report courses, the session)
    few = count()
    _trained(world, [(40, 90)] * 10, county="IS", institution=world.iasi_police, days_ago=4)
    assert count() == few


def test_csv_gives_the_page_figures(client, world):
    _trained(world, [(50, 70), (50, 70), (60, 80), (40, 70), (30, 80)])
    login(client, world.coordinators["cluj"])
    page = _overall(client.get(INDICATORS))
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    heading, overall, *_rest = csv.reader(io.StringIO(body))
    assert len(heading) == len(overall)
    assert overall[1] == "6" and overall[2] == SMALL
    assert [float(v) for v in overall[8:11]] == page[8:11]


def test_xlsx_and_donor_pdf_give_the_page_figures(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    _trained(world, [(50, 70), (50, 70), (60, 80), (40, 70), (30, 80)])
    coordinator = world.coordinators["cluj"]
    job = services.export_request(user=coordinator, report="indicators", format="xlsx", filters={})
    services.export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY, job.error
    with job.file.open("rb") as handle:
        sheet = load_workbook(handle).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    heading_row = next(i for i, row in enumerate(values) if row[1] and row[0])
    overall = values[heading_row + 1]
    assert overall[1] == 6 and overall[2] == SMALL
    assert overall[8:11] == [30.0, 16.7, 43.3]

    login(client, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("learning_reports:export", args=["donor"]), {"format": "pdf"})
    pdf_job = ExportJob.objects.get(report="donor")
    assert pdf_job.status == ExportJob.Status.READY, pdf_job.error
    download = client.get(reverse("learning_reports:export_download", args=[pdf_job.pk]))
    pdf = tmp_path / "donor.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The indicators' overall row: 6 trained, "< 5" certified, gain 30.0 [16.7; 43.3] n = 6.
    assert "30.0" in text.replace(",", ".") and "16.7" in text.replace(",", ".")
    assert "< 5" in text
