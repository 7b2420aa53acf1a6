"""Runs in the coordinators' reports (issue 16): one row per learner and course showing the
current run, completions counted per run by their date, the certificate filters and columns,
renewals apart from first certificates, the currently certified, first-run knowledge gain, and
a renewal assigned to many people at once (from the report, or by CSV)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import County
from certificates.models import Certificate, CertificateState, CertificateStatus
from courses.models import Enrollment, RunKind, StepCompletion
from quizzes.models import Attempt, AttemptStatus
from reports import exports, selectors, services
from reports.models import ExportJob

from ..elearning.factories import InstitutionFactory, UserFactory
from .test_enrollment import CLASS
from .test_reports import login

pytestmark = pytest.mark.django_db

COMPLETION = reverse("learning_reports:completion")
EXPORT = reverse("learning_reports:export", args=["completion"])
RENEWAL = reverse("learning_reports:renewal")
SUMMARY = reverse("learning_reports:summary")
REGISTER = reverse("learning_reports:certificates")


def _moment(year: int, month: int = 3, day: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, 0, tzinfo=datetime.UTC)


def _certify(learner, world, run: int, completed_at, *, previous=None, **fields):
    certificate = Certificate.objects.create(
        learner=learner,
        course_key=world.course.translation_key,
        run=run,
        first_certified_at=previous.first_certified if previous else completed_at,
        learner_name=learner.full_name,
        course_title_ro=world.course.title,
        hours=Decimal("0.5"),
        completed_at=completed_at,
        issued_at=completed_at,
        status=CertificateStatus.READY,
        **fields,
    )
    if previous is not None:
        Certificate.objects.filter(pk=previous.pk).update(superseded_by=certificate)
    return certificate


def with_runs(world, learner, runs: int, *, last_complete: bool, first_year: int = 2020):
    """Give `learner` (enrolled once, as the world has them) `runs` runs of the world's course:
    every run but the last complete, in March of consecutive years from `first_year`, each
    with its steps, a passed final-quiz attempt and a certificate superseding the one before;
    the last run complete and certified too when `last_complete`, else just started."""
    course_key = world.course.translation_key
    required = [s for s in world.steps if s.counts_for_completion]
    Enrollment.objects.filter(learner=learner, course_key=course_key).delete()
    StepCompletion.objects.filter(learner=learner, course_key=course_key).delete()
    Certificate.objects.filter(learner=learner, course_key=course_key).delete()
    Attempt.objects.filter(learner=learner, quiz_key=world.final.translation_key).delete()
    previous = None
    for run in range(1, runs + 1):
        complete = run < runs or last_complete
        started = _moment(first_year + run - 1, 3, 1)
        completed = _moment(first_year + run - 1) if complete else None
        Enrollment.objects.create(
            learner=learner,
            course_key=course_key,
            run=run,
            current=run == runs,
            kind=RunKind.FIRST if run == 1 else RunKind.RENEWAL,
            started_at=started,
            completed_at=completed,
        )
        if not complete:
            break
        for step in required:
            StepCompletion.objects.create(
                learner=learner,
                course_key=course_key,
                step_key=step.translation_key,
                run=run,
                completed_at=completed,
            )
        _attempt_in(run, learner, world.final, world.course, "95.00", passed=True)
        previous = _certify(
            learner,
            world,
            run,
            completed,
            previous=previous,
            expires_at=timezone.now() + datetime.timedelta(days=400),
        )
    return previous


def _attempt_in(run: int, learner, quiz, course, score: str, passed=None):
    from .conftest import measured, pool_of

    attempt = Attempt.objects.create(
        pool_key=pool_of(quiz),
        learner=learner,
        quiz_key=quiz.translation_key,
        course_key=course.translation_key,
        run=run,
        number=1,
        page=quiz,
        status=AttemptStatus.SUBMITTED,
        submitted_at=timezone.now(),
        score=Decimal(score),
        passed=passed,
    )
    measured(attempt, quiz)
    return attempt


def _rows(response) -> list:
    return list(response.context["page"].object_list)


def _csv(client, **query) -> list[dict]:
    response = client.get(EXPORT, {"format": "csv", **query})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    heading, *rows = csv.reader(io.StringIO(body))
    return [dict(zip(heading, row, strict=True)) for row in rows]


def _heading(text: str) -> str:
    with translation.override("ro"):
        return gettext(text)


# Counting with runs --------------------------------------------------------------------------


def test_three_runs_are_one_row_showing_the_current_run(client, world):
    ana = world.learners["done"]
    renewed = with_runs(world, ana, 3, last_complete=False)
    login(client, world.coordinators["cluj"])

    rows = [r for r in _rows(client.get(COMPLETION)) if r.learner_id == ana.pk]
    assert len(rows) == 1
    (row,) = rows
    # The current run, started and not done; the certificate shown is the latest the learner
    # holds (run 2's), carrying the first certification (run 1's).
    assert (row.run, row.status, row.progress) == (3, selectors.Status.NOT_STARTED, 0)
    assert row.certificate_code == renewed.code
    assert row.certificate_state == CertificateState.VALID
    assert row.certificate_first_certified == _moment(2020)
    assert row.final_score is None and row.attempts == 0  # of the current run

    (line,) = [r for r in _csv(client) if r[_heading("E-mail")] == ana.email]
    assert line[_heading("Run")] == "3"
    assert line[_heading("First certified on")] == "2020-03-10"

    # Enrolled once in the summary; each completed run is a completion.
    (summary,) = client.get(SUMMARY).context["table"].rows
    enrolled, completed, completions = summary[2], summary[3], summary[8]
    assert enrolled == 4  # Ana, Ioana, Radu, Dan: Ana once, whatever her runs
    assert completed == 1  # Ana (her first two runs)
    assert completions == 2  # her runs 1 and 2


def test_completed_in_a_period_counts_each_run_by_its_date(client, world):
    ana = world.learners["done"]
    with_runs(world, ana, 3, last_complete=True, first_year=2021)  # March 2021, 2022, 2023
    login(client, world.coordinators["cluj"])

    def completed_runs(start, end):
        query = {"status": "completed", "date_from": start, "date_to": end}
        return sorted(r.run for r in _rows(client.get(COMPLETION, query)) if r.learner_id == ana.pk)

    assert completed_runs("2022-01-01", "2022-12-31") == [2]
    assert completed_runs("2021-01-01", "2023-12-31") == [1, 2, 3]
    assert completed_runs("2024-01-01", "2024-12-31") == []

    (row,) = (
        client.get(SUMMARY, {"date_from": "2022-01-01", "date_to": "2022-12-31"})
        .context["table"]
        .rows
    )
    assert (row[2], row[3], row[8]) == (1, 1, 1)  # Ana's renewal of 2022, once

    # The donor's chart of people trained per month: one per month with a run completed.
    scope = selectors.scope_for(world.coordinators["cluj"])
    months = selectors.trained_per_month(
        scope=scope,
        filters={"date_from": datetime.date(2021, 1, 1), "date_to": datetime.date(2023, 12, 31)},
        courses=selectors.report_courses(),
    )
    assert sum(n for _month, n in months) == 3
    assert dict(months)[datetime.date(2022, 3, 1)] == 1


def test_the_register_counts_renewals_apart_from_first_certificates(client, world):
    ana = world.learners["done"]
    with_runs(world, ana, 3, last_complete=True, first_year=2021)
    login(client, world.coordinators["cluj"])
    rows = client.get(REGISTER, {"period": "year"}).context["rows"]
    by_year = {r[1]: r[2:] for r in rows}  # issued, expired, revoked, first, renewals
    assert by_year["2021"] == [1, 0, 0, 1, 0]
    assert by_year["2022"] == [1, 0, 0, 0, 1]
    assert by_year["2023"] == [1, 0, 0, 0, 1]
    # The same rule as the model's property.
    for certificate in Certificate.objects.filter(learner=ana):
        assert certificate.is_renewal == (certificate.run > 1)


# Certificate filter and columns --------------------------------------------------------------


@pytest.fixture
def certificate_states(world):
    """Cluj learners' latest certificates in four states: Ana valid (expiring in 400 days),
    Radu expiring in 30 days, Dan expired, Ioana valid but asked to renew by last week."""
    now = timezone.now()
    ana = world.learners["done"]
    Certificate.objects.filter(learner=ana).update(expires_at=now + datetime.timedelta(days=400))
    states = {"ana": ana}
    for key, expires, renew_by in [
        ("late", now + datetime.timedelta(days=30), None),
        ("fresh", now - datetime.timedelta(days=1), None),
        (
            "halfway",
            now + datetime.timedelta(days=200),
            timezone.localdate() - datetime.timedelta(7),
        ),
    ]:
        learner = world.learners[key]
        Enrollment.objects.filter(learner=learner).update(
            completed_at=now - datetime.timedelta(400)
        )
        _certify(
            learner,
            world,
            1,
            now - datetime.timedelta(days=400),
            expires_at=expires,
            renew_by=renew_by,
        )
        states[key] = learner
    return states


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Valid today, whenever it expires (the expiring ones too).
        ({"certificate": "valid"}, {"Ana Țăranu", "Radu Moldovan"}),
        ({"certificate": "expiring"}, {"Radu Moldovan"}),  # 90 days by default
        ({"certificate": "expiring", "expiring_days": "250"}, {"Radu Moldovan", "Ioana Șerban"}),
        (
            {"certificate": "expiring", "expiring_days": "3650"},
            {"Radu Moldovan", "Ioana Șerban", "Ana Țăranu"},
        ),
        ({"certificate": "expired"}, {"Dan Pop"}),
        ({"certificate": "renewal_overdue"}, {"Ioana Șerban"}),
        # The days alone filter nothing.
        ({"expiring_days": "5"}, {"Ana Țăranu", "Radu Moldovan", "Dan Pop", "Ioana Șerban"}),
    ],
)
def test_certificate_filter_on_page_and_csv(client, world, certificate_states, query, expected):
    login(client, world.coordinators["cluj"])
    response = client.get(COMPLETION, query)
    assert response.status_code == 200
    assert {r.learner.full_name for r in _rows(response)} == expected
    assert {r[_heading("Name")] for r in _csv(client, **query)} == expected


@pytest.mark.parametrize(
    "query",
    [
        {"certificate": "expiring", "expiring_days": "0"},
        {"certificate": "expiring", "expiring_days": "3651"},
        {"certificate": "expiring", "expiring_days": "nouăzeci"},
        {"certificate": "expiring", "expiring_days": "9" * 40},
        {"certificate": "superseded"},
        {"certificate": "'; drop table x"},
    ],
)
def test_bad_certificate_filters_are_400(client, world, query):
    login(client, world.coordinators["cluj"])
    assert client.get(COMPLETION, query).status_code == 400
    assert client.get(EXPORT, {"format": "csv", **query}).status_code == 400


def test_state_column_on_page_csv_and_xlsx(client, world, certificate_states, media_root):
    login(client, world.coordinators["cluj"])
    by_name = {r.learner.full_name: r for r in _rows(client.get(COMPLETION))}
    assert by_name["Ioana Șerban"].certificate_state == CertificateState.RENEWAL_OVERDUE
    assert by_name["Dan Pop"].certificate_state == CertificateState.EXPIRED
    html = client.get(COMPLETION).content.decode()
    with translation.override("ro"):
        assert str(CertificateState.RENEWAL_OVERDUE.label) in html
        assert gettext("First certified on") in html

    lines = {r[_heading("Name")]: r for r in _csv(client)}
    with translation.override("ro"):
        assert lines["Ioana Șerban"][gettext("Certificate status")] == str(
            CertificateState.RENEWAL_OVERDUE.label
        )
    assert lines["Ana Țăranu"][_heading("Run")] == "1"

    job = services.export_request(
        user=world.coordinators["cluj"],
        report=ExportJob.Report.COMPLETION,
        format=ExportJob.Format.XLSX,
        filters={"certificate": "expired"},
    )
    job = services.export_run(job.pk)
    assert job.status == ExportJob.Status.READY, job.error
    with job.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    heading, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    (row,) = values
    with translation.override(job.language):
        row = dict(zip(heading, row, strict=True))
        assert row[gettext("Name")] == "Dan Pop"
        assert row[gettext("Run")] == 1
        assert row[gettext("Certificate status")] == str(CertificateState.EXPIRED.label)
        assert row[gettext("First certified on")] is not None


# Currently certified, first-run knowledge gain -----------------------------------------------


def _certified_learners(world, n: int, **certificate_fields):
    institution = InstitutionFactory(name="Școala nr. 9", county=County.CJ)
    now = timezone.now()
    for i in range(n):
        learner = UserFactory(email=f"cert-{i}@example.org", institution=institution, county="CJ")
        Enrollment.objects.create(
            learner=learner, course_key=world.course.translation_key, completed_at=now
        )
        _certify(learner, world, 1, now, **certificate_fields)


def test_currently_certified_is_given_with_n_and_hidden_under_five(client, world):
    login(client, world.coordinators["cluj"])
    (row,) = client.get(SUMMARY).context["table"].rows
    assert row[2] == 4 and row[9] == "" and row[10] == ""  # Ana alone: hidden
    html = client.get(SUMMARY).content.decode()
    assert "Currently certified" in html or gettext("Currently certified") in html

    _certified_learners(world, 5)
    # Renewed ones count once (their latest certificate); expired and revoked do not count.
    with_runs(world, world.learners["done"], 2, last_complete=True)
    _certified_learners_expired = UserFactory(email="old@example.org", county="CJ")
    Enrollment.objects.create(
        learner=_certified_learners_expired,
        course_key=world.course.translation_key,
        completed_at=timezone.now(),
    )
    _certify(
        _certified_learners_expired,
        world,
        1,
        timezone.now() - datetime.timedelta(days=800),
        expires_at=timezone.now() - datetime.timedelta(days=70),
    )
    (row,) = client.get(SUMMARY).context["table"].rows
    enrolled, certified, share = row[2], row[9], row[10]
    assert (enrolled, certified) == (10, 6)  # 4 + 5 + the expired one; Ana + the five
    assert share == 60.0
    with translation.override("en"):
        assert "Currently certified: of the enrolled people (n)" in selectors.summary_method()


def test_donor_summary_says_how_many_are_currently_certified(world):
    _certified_learners(world, 6)
    scope = selectors.scope_for(world.coordinators["cluj"])
    html = exports.donor_summary_html(scope=scope, filters={}, courses=selectors.report_courses())
    assert selectors.summary_method() in html.replace("&#x27;", "'")
    assert "<b>7</b>" in html  # Ana and the six


def test_knowledge_gain_pairs_first_runs_only(world):
    ana = world.learners["done"]
    # A renewal's tests (run 2) are left out: her pair stays 40 → 80.
    for quiz, score in ((world.pre, "90.00"), (world.post, "100.00")):
        _attempt_in(2, ana, quiz, world.course, score)
    scope = selectors.scope_for(world.coordinators["cluj"])
    (row,) = selectors.impact(
        scope=scope, filters={}, courses=selectors.report_courses(), group_by=None
    )
    assert (row.gain.pairs, row.gain.mean_pre, row.gain.mean_post) == (1, 40.0, 80.0)
    with translation.override("en"):
        assert "first run" in selectors.impact_method()


# Bulk renewal --------------------------------------------------------------------------------


def _due(days=30) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_renewal_from_the_report_for_the_people_shown(client, world):
    course = str(world.course.translation_key)
    query = {"course": course, "status": "completed"}
    login(client, world.coordinators["cluj"])
    completion = client.get(COMPLETION, query).content.decode()
    assert RENEWAL in completion  # offered once the report is of one course

    confirm = client.get(RENEWAL, query)
    assert confirm.status_code == 200 and confirm.context["count"] == 1  # Ana, not Iași's Mihai

    response = client.post(RENEWAL, {**query, "due_on": _due()})
    assert response.status_code == 302
    assert response["Location"].startswith(COMPLETION)
    ana_runs = Enrollment.objects.filter(learner=world.learners["done"]).order_by("run")
    assert [(r.run, r.current, r.kind) for r in ana_runs] == [
        (1, False, RunKind.FIRST),
        (2, True, RunKind.RENEWAL),
    ]
    assert ana_runs[1].due_on.isoformat() == _due()
    assert ana_runs[1].enrolled_by == world.coordinators["cluj"]
    # Out of scope: untouched.
    assert Enrollment.objects.filter(learner=world.learners["iasi"]).count() == 1

    # A second submit opens nothing: Ana is in her renewal run now.
    again = client.post(RENEWAL, {**query, "due_on": _due()})
    assert again.status_code == 400
    assert Enrollment.objects.filter(learner=world.learners["done"]).count() == 2


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"status": "completed"}, "no course"),
        ({"course": "00000000-0000-0000-0000-000000000000"}, "forged course"),
        ({"course": "not-a-uuid"}, "forged course"),
        ({"course": "COURSE", "status": "in_progress"}, "nobody to renew"),
        ({"course": "COURSE", "due_on": "2020-01-01"}, "date in the past"),
        ({"course": "COURSE", "due_on": "31.02.2030"}, "bad date"),
        ({"course": "COURSE", "due_on": ""}, "no date"),
        ({"course": "COURSE", "institution": "999999999999999999999"}, "bad filter"),
    ],
)
def test_bad_renewal_requests_are_400_and_change_nothing(client, world, data, why):
    data = {k: str(world.course.translation_key) if v == "COURSE" else v for k, v in data.items()}
    login(client, world.coordinators["cluj"])
    runs = Enrollment.objects.count()
    post = {"due_on": _due(), **data}
    response = client.post(RENEWAL, post)
    assert response.status_code == 400, why
    assert Enrollment.objects.count() == runs
    assert client.get(RENEWAL, {k: v for k, v in data.items() if k != "due_on"}).status_code in (
        200,
        400,
    )


def test_renewal_by_csv(client, world, django_capture_on_commit_callbacks):
    ana = world.learners["done"]
    login(client, world.coordinators["cluj"])
    line = "Ana Țăranu;ana@example.org;teacher;Școala Gimnazială „Avram Iancu”;Cluj\n"
    text = CLASS.splitlines(keepends=True)[0] + line

    def upload(renewal: bool):
        data = {
            "file": SimpleUploadedFile("r.csv", text.encode("utf-8-sig"), content_type="text/csv"),
            "courses": [str(world.course.translation_key)],
            "due_on": _due(),
        }
        if renewal:
            data["renewal"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("learning_reports:enrol"), data)

    assert upload(renewal=False).status_code == 302
    assert Enrollment.objects.filter(learner=ana).count() == 1  # completed: left alone
    assert upload(renewal=True).status_code == 302
    assert list(
        Enrollment.objects.filter(learner=ana).order_by("run").values_list("run", "kind")
    ) == [(1, RunKind.FIRST), (2, RunKind.RENEWAL)]
    assert upload(renewal=True).status_code == 302  # again: no third run
    assert Enrollment.objects.filter(learner=ana).count() == 2


# Queries do not grow with runs ---------------------------------------------------------------


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("url", [COMPLETION, EXPORT])
def test_queries_do_not_grow_with_runs(client, world, url):
    query = {"format": "csv"} if url == EXPORT else {}
    login(client, world.coordinators["cluj"])
    learners = [world.learners[k] for k in ("done", "late", "fresh")]
    for learner in learners:
        with_runs(world, learner, 1, last_complete=True)
    _queries(client, url, query)  # fills the process's caches
    one = _queries(client, url, query)
    for learner in learners:
        with_runs(world, learner, 10, last_complete=False, first_year=2010)
    assert _queries(client, url, query) == one
    if url == COMPLETION:
        rows = _rows(client.get(url))
        assert len([r for r in rows if r.learner_id in {x.pk for x in learners}]) == 3


# Whatever is typed -----------------------------------------------------------------------------


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    days=st.one_of(st.text(max_size=30), st.integers().map(str)),
    due=st.one_of(st.text(max_size=30), st.dates().map(lambda d: d.isoformat())),
)
def test_any_days_or_due_date_is_an_answer_never_a_500(client, world, days, due):
    login(client, world.coordinators["cluj"])
    course = str(world.course.translation_key)
    page = client.get(COMPLETION, {"certificate": "expiring", "expiring_days": days})
    assert page.status_code in (200, 400)
    runs = Enrollment.objects.count()
    renewal = client.post(RENEWAL, {"course": course, "status": "completed", "due_on": due})
    assert renewal.status_code in (302, 400)
    if renewal.status_code == 400:
        assert Enrollment.objects.count() == runs
