"""Coordinators' reports: scope on every path, filters, bad input, exports."""

import csv
import datetime
import io
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reports import services
from reports.models import ExportJob

from ..elearning.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

COMPLETION = reverse("learning_reports:completion")


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_completion_report_shows_only_the_coordinators_county(client, world):
    login(client, world.coordinators["cluj"])
    response = client.get(COMPLETION)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Ana Țăranu", "Ioana Șerban", "Radu Moldovan", "Dan Pop"):
        assert name in html
    assert "Mihai Iașiotul" not in html
    # The finished learner: 100 %, best final score of two attempts, certificate downloadable.
    row = next(
        r for r in response.context["page"].object_list if r.learner.full_name == "Ana Țăranu"
    )
    assert (row.progress, int(row.final_score), row.attempts) == (100, 90, 2)
    assert row.status == "completed" and row.certificate_code
    halfway = next(
        r for r in response.context["page"].object_list if r.learner.full_name == "Ioana Șerban"
    )
    assert halfway.progress == 33  # one of the three required steps (2 lessons + final quiz)


def test_institution_scope_sees_only_its_institution(client, world):
    login(client, world.coordinators["school"])
    html = client.get(COMPLETION).content.decode()
    assert "Ana Țăranu" in html and "Radu Moldovan" in html
    assert "Ioana Șerban" not in html  # same county, institution not listed
    assert "Mihai Iașiotul" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "completed"}, {"Ana Țăranu"}),
        ({"status": "in_progress"}, {"Ioana Șerban"}),
        ({"status": "overdue"}, {"Radu Moldovan"}),
        ({"status": "not_started"}, {"Dan Pop"}),
        ({"role": "social_worker"}, {"Ioana Șerban"}),
        ({"language": "en"}, {"Ioana Șerban"}),
    ],
)
def test_completion_filters(client, world, query, expected):
    login(client, world.coordinators["cluj"])
    response = client.get(COMPLETION, query)
    assert response.status_code == 200
    names = {r.learner.full_name for r in response.context["page"].object_list}
    assert names == expected


def test_date_range_is_the_completion_date_for_completed(client, world):
    login(client, world.coordinators["national"])
    today = timezone.localdate()
    query = {"status": "completed", "date_from": (today - datetime.timedelta(days=1)).isoformat()}
    names = {r.learner.full_name for r in client.get(COMPLETION, query).context["page"]}
    assert names == {"Mihai Iașiotul"}  # completed yesterday; Ana two days ago


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"county": "IS"}, "Selectați o opțiune validă"),  # another county, by filter
        ({"institution": "999999"}, "Selectați o opțiune validă"),
        ({"role": "astronaut"}, "Selectați o opțiune validă"),
        ({"status": "finished"}, "Selectați o opțiune validă"),
        ({"course": "not-a-course"}, "Selectați o opțiune validă"),
        ({"date_from": "2026-13-45"}, "Introduceți o dată validă"),
        ({"date_from": "2026-06-01", "date_to": "2026-01-01"}, "Data de început este după"),
        ({"ordering": "password"}, "nu poate fi ordonat"),
    ],
)
def test_bad_filters_answer_400_in_romanian_and_show_nothing(client, world, query, message):
    login(client, world.coordinators["cluj"])
    response = client.get(COMPLETION, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Mihai Iașiotul" not in html and "Ana Țăranu" not in html


def test_other_countys_institution_is_not_a_choice(client, world):
    login(client, world.coordinators["cluj"])
    response = client.get(COMPLETION, {"institution": world.iasi_police.pk})
    assert response.status_code == 400
    assert "Mihai Iașiotul" not in response.content.decode()


def test_garbage_page_number_is_harmless(client, world):
    login(client, world.coordinators["cluj"])
    assert client.get(COMPLETION, {"p": "abc"}).status_code == 200
    assert client.get(COMPLETION, {"p": "99999"}).status_code == 200


def test_sorting(client, world):
    login(client, world.coordinators["cluj"])
    rows = client.get(COMPLETION, {"ordering": "-progress"}).context["page"].object_list
    assert [r.progress for r in rows] == sorted((r.progress for r in rows), reverse=True)
    names = [
        r.learner.full_name for r in client.get(COMPLETION, {"ordering": "name"}).context["page"]
    ]
    assert names == sorted(names)


def test_completion_page_queries_do_not_grow_with_rows(client, world):
    login(client, world.coordinators["national"])
    client.get(COMPLETION)  # warm caches (site, locale)
    with CaptureQueriesContext(connection) as few:
        client.get(COMPLETION)
    for _n in range(25):
        from courses.models import Enrollment

        learner = UserFactory(institution=world.cluj_school)
        Enrollment.objects.create(learner=learner, course_key=world.course.translation_key)
    with CaptureQueriesContext(connection) as many:
        response = client.get(COMPLETION)
    assert len(response.context["page"].object_list) == 30
    assert len(many) == len(few)


def test_report_courses_are_read_once_per_page_tree_version(client, world):
    """Every report request asks for the list of courses (titles, required steps, quiz kinds);
    it is read once per page-tree version, and a newly published course appears at once."""
    from reports.selectors import report_courses

    from ..courses.factories import make_course

    report_courses()  # warm
    with CaptureQueriesContext(connection) as warm:
        assert [c.title for c in report_courses()] == ["Curs pentru rapoarte"]
    assert len(warm) == 0
    make_course(slug="al-doilea", title="Al doilea curs", lessons=4)
    assert "Al doilea curs" in [c.title for c in report_courses()]
    login(client, world.coordinators["national"])
    response = client.get(reverse("learning_reports:summary"))
    offered = {label for _value, label in response.context["form"].fields["course"].choices}
    assert {"Al doilea curs", "Curs pentru rapoarte"} <= offered


def test_summary_impact_and_certificates(client, world):
    login(client, world.coordinators["national"])
    summary = client.get(reverse("learning_reports:summary"))
    assert summary.status_code == 200
    (row,) = summary.context["rows"]
    # 5 enrolled, 2 completed; both who tried the final passed; best scores 90 and 100.
    assert row[2:8] == [5, 2, 40.0, 100.0, 95.0, row[7]]
    by_county = client.get(reverse("learning_reports:summary"), {"group_by": "county"})
    groups = {r[1]: r[2] for r in by_county.context["rows"]}
    assert groups == {"Cluj": 4, "Iași": 1}
    impact = client.get(reverse("learning_reports:impact"))
    (gain,) = impact.context["rows"]
    # (40→80) and (20→100): two people, shown as "< 5" in every cell.
    assert gain[2:8] == ["< 5"] * 6
    certificates = client.get(reverse("learning_reports:certificates"))
    assert certificates.context["rows"][0][2] == 2

    login(client, world.coordinators["cluj"])
    (row,) = client.get(reverse("learning_reports:summary")).context["rows"]
    assert row[2:4] == [4, 1]
    assert client.get(reverse("learning_reports:certificates")).context["rows"][0][2] == 1


def test_impact_counts_no_attempt_made_after_seeing_the_answers(client, world):
    """Three more pairs make five, enough to show; a sixth learner games the post-test (0 %,
    reads the review, 100 %): only the attempt made before the review counts."""
    from courses.models import Enrollment
    from quizzes import services as quiz_services
    from quizzes.models import QuizPage
    from quizzes.selectors import question_source

    from .conftest import _attempt

    course = world.course
    for n in range(3):
        learner = UserFactory(email=f"pereche-{n}@example.org")
        Enrollment.objects.create(learner=learner, course_key=course.translation_key)
        _attempt(learner, world.pre, course, 1, "50.00")
        _attempt(learner, world.post, course, 1, "70.00")
    QuizPage.objects.filter(pk=world.post.pk).update(review_policy="after_each")
    post = QuizPage.objects.get(pk=world.post.pk)
    gamer = UserFactory(email="gamer@example.org")
    Enrollment.objects.create(learner=gamer, course_key=course.translation_key)
    for quiz, right in ((world.pre, False), (post, False), (post, True)):
        attempt = quiz_services.attempt_start(learner=gamer, quiz=quiz)
        answers = {
            str(q.key): [str(c.key) for c in q.choices.all() if c.is_correct == right]
            for q in question_source(quiz).questions.all()
        }
        quiz_services.attempt_submit(attempt=attempt, quiz=quiz, answers=answers)
    assert attempt.score == 100

    login(client, world.coordinators["national"])
    impact = client.get(reverse("learning_reports:impact"))
    (gain,) = impact.context["rows"]
    # Pre 40, 20, 50 x3, 0; post 80, 100, 70 x3 and the gamer's first attempt, 0 (not 100):
    # gains 40, 80, 20, 20, 20, 0 (mean 30, sd 27.57, t(5) 2.571: ± 28.9).
    assert gain[2:8] == [6, 35.0, 65.0, 30.0, 1.1, 58.9]
    # How n is counted is said beside the figures (in the coordinator's language).
    method = impact.context["impact_method"]
    assert "5" in method and escape(method) in impact.content.decode()


# Exports -------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_is_scoped_filtered_and_neutralised(client, world):
    login(client, world.coordinators["cluj"])
    response = client.get(
        reverse("learning_reports:export", args=["completion"]), {"format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    names = [r[0] for r in rows[1:]]
    assert sorted(names) == sorted(["Ana Țăranu", "Ioana Șerban", "Radu Moldovan", "Dan Pop"])
    ioana = next(r for r in rows if r[0] == "Ioana Șerban")
    assert ioana[3] == '\'=HYPERLINK("http://x")'
    filtered = _csv(
        client.get(
            reverse("learning_reports:export", args=["completion"]),
            {"format": "csv", "status": "overdue"},
        )
    )
    assert [r[0] for r in filtered[1:]] == ["Radu Moldovan"]


def test_csv_export_rejects_out_of_scope_filter(client, world):
    login(client, world.coordinators["cluj"])
    response = client.get(
        reverse("learning_reports:export", args=["completion"]), {"format": "csv", "county": "IS"}
    )
    assert response.status_code == 400


def test_xlsx_export_job_downloads_only_for_its_owner(
    client, world, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    login(client, world.coordinators["cluj"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("learning_reports:export", args=["completion"]), {"format": "xlsx"}
        )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("learning_reports:export_status", args=[job.pk])
    assert job.status == ExportJob.Status.READY and job.rows_done == 4
    status = client.get(response["Location"])
    assert "Descărcați" in status.content.decode() or "Download" in status.content.decode()
    download = client.get(reverse("learning_reports:export_download", args=[job.pk]))
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert {v[0] for v in values[1:]} == {"Ana Țăranu", "Ioana Șerban", "Radu Moldovan", "Dan Pop"}
    ioana = next(v for v in values if v[0] == "Ioana Șerban")
    assert ioana[3] == '\'=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=4).data_type == "s"

    # Another county's coordinator: by job id, status page and download alike, nothing.
    client.logout()
    login(client, world.coordinators["iasi"])
    assert client.get(reverse("learning_reports:export_status", args=[job.pk])).status_code == 404
    assert client.get(reverse("learning_reports:export_download", args=[job.pk])).status_code == 404
    # And the file is not under MEDIA_ROOT, so no web server can hand it out by name.
    from django.conf import settings

    assert settings.PRIVATE_FILES_ROOT.as_posix() in job.file.path
    assert settings.MEDIA_ROOT not in job.file.path


def test_same_export_requested_twice_while_running_is_one_job(world):
    coordinator = world.coordinators["cluj"]
    first = services.export_request(
        user=coordinator, report="completion", format="xlsx", filters={}
    )
    second = services.export_request(
        user=coordinator, report="completion", format="xlsx", filters={}
    )
    assert first.pk == second.pk and first.status == ExportJob.Status.QUEUED
    other = services.export_request(
        user=coordinator, report="completion", format="xlsx", filters={"status": "overdue"}
    )
    assert other.pk != first.pk
    assert ExportJob.objects.count() == 2


def test_redelivered_export_task_does_not_run_twice(world):
    coordinator = world.coordinators["cluj"]
    job = services.export_request(user=coordinator, report="summary", format="xlsx", filters={})
    services.export_run(job.pk)
    job.refresh_from_db()
    first_file = job.file.name
    services.export_run(job.pk)  # a second delivery of the same task
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.file.name == first_file


def test_expired_exports_are_deleted_and_no_longer_download(client, world):
    coordinator = world.coordinators["cluj"]
    job = services.export_request(user=coordinator, report="summary", format="xlsx", filters={})
    services.export_run(job.pk)
    job.refresh_from_db()
    path = job.file.path
    assert services.exports_delete_expired(now=timezone.now()) == 0
    later = timezone.now() + datetime.timedelta(days=8)
    assert services.exports_delete_expired(now=later) == 1
    import os

    assert not os.path.exists(path)
    login(client, coordinator)
    assert client.get(reverse("learning_reports:export_download", args=[job.pk])).status_code == 404


def test_donor_pdf_summary_has_its_charts(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    login(client, world.coordinators["national"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("learning_reports:export", args=["donor"]), {"format": "pdf"})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.READY, job.error
    download = client.get(reverse("learning_reports:export_download", args=[job.pk]))
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Persoane instruite pe lună" in text
    assert "Persoane instruite pe județe" in text
    assert "Iași" in text and "Cluj" in text


def test_export_with_unknown_format_is_400(client, world):
    login(client, world.coordinators["cluj"])
    url = reverse("learning_reports:export", args=["completion"])
    assert client.get(url, {"format": "exe"}).status_code == 400
    assert client.post(url, {"format": "pdf"}).status_code == 400
    assert client.get(reverse("learning_reports:export", args=["secrets"])).status_code == 404
    assert ExportJob.objects.count() == 0


# Certificates within scope -------------------------------------------------------------------


def test_coordinator_downloads_certificates_only_in_scope(client, world, media_root):
    from django.core.files.base import ContentFile

    certificate = world.learners["iasi_certificate"]
    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    url = reverse("certificates:download", args=[certificate.pk])
    login(client, world.coordinators["cluj"])
    assert client.get(url).status_code == 404
    client.logout()
    login(client, world.coordinators["iasi"])
    assert client.get(url).status_code == 200
    client.logout()
    login(client, world.learners["done"])
    assert client.get(url).status_code == 404


def test_coordinator_revokes_and_reissues_in_scope_only(client, world, media_root):
    from certificates.models import Certificate, CertificateEvent

    ana = Certificate.objects.get(learner=world.learners["done"])
    mihai = world.learners["iasi_certificate"]
    login(client, world.coordinators["cluj"])
    revoke = reverse("learning_reports:certificate_revoke", args=[ana.pk])
    assert client.get(revoke).status_code == 200
    assert client.post(revoke, {"reason": ""}).status_code == 400  # a reason is required
    response = client.post(revoke, {"reason": "Emis din greșeală"})
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.revoked_at and ana.revoked_by == world.coordinators["cluj"]
    assert ana.revocation_reason == "Emis din greșeală"
    # Another county's certificate: not found, and unchanged.
    other = reverse("learning_reports:certificate_revoke", args=[mihai.pk])
    assert client.post(other, {"reason": "x"}).status_code == 404
    reissue = reverse("learning_reports:certificate_reissue", args=[mihai.pk])
    assert client.post(reissue).status_code == 404
    mihai.refresh_from_db()
    assert mihai.revoked_at is None
    assert not CertificateEvent.objects.filter(
        certificate=mihai, kind=CertificateEvent.Kind.REISSUED
    ).exists()


def test_one_learners_status_is_singular_in_romanian(client, world):
    """A row says "Finalizat" (the filter's help says „Finalizat” too); "Finalizate" is the
    plural, for a heading over a group of courses (My learning)."""
    login(client, world.coordinators["cluj"])
    response = client.get(COMPLETION, {"status": "completed"})
    html = response.content.decode()
    assert "<small>Finalizat</small>" in html
    assert '<option value="completed" selected>Finalizat</option>' in html
    assert "Finalizate" not in html
    rows = _csv(
        client.get(
            reverse("learning_reports:export", args=["completion"]),
            {"format": "csv", "status": "completed"},
        )
    )
    assert "Finalizate" not in rows[0]
    (ana,) = rows[1:]
    assert ana[rows[0].index("Stare")] == "Finalizat"
    from django.utils import translation

    with translation.override("ro"):
        assert translation.gettext("Completed") == "Finalizate"  # My learning's heading


# The donor PDF (issue 14, item 9) ------------------------------------------------------------


def _complete_in(world, *months: datetime.date):
    """Move the world's completions to the given months (in order), mid-month, local time."""
    from courses.models import Enrollment

    completed = list(Enrollment.objects.filter(completed_at__isnull=False).order_by("pk"))
    for enrolment, month in zip(completed, months, strict=False):
        moment = timezone.make_aware(datetime.datetime(month.year, month.month, 10, 12))
        enrolment.started_at = moment - datetime.timedelta(days=3)
        enrolment.completed_at = moment
        enrolment.save(update_fields=["started_at", "completed_at"])
    return len(completed)


def test_trained_per_month_has_every_month_zeros_included(world):
    from reports import selectors

    jul, aug, sep, octo = (datetime.date(2025, m, 1) for m in (7, 8, 9, 10))
    assert _complete_in(world, jul, sep, sep) >= 2
    scope = selectors.scope_for(world.coordinators["national"])
    courses = selectors.report_courses()
    per_month = selectors.trained_per_month(scope=scope, filters={}, courses=courses)
    assert [m for m, _n in per_month] == [jul, aug, sep]  # the data's range: August is there
    assert dict(per_month)[aug] == 0 and dict(per_month)[jul] == 1
    # A filtered range: every month of it, before and after the data too.
    filters = {"date_from": datetime.date(2025, 6, 15), "date_to": datetime.date(2025, 10, 31)}
    per_month = selectors.trained_per_month(scope=scope, filters=filters, courses=courses)
    assert [m for m, _n in per_month] == [datetime.date(2025, 6, 1), jul, aug, sep, octo]
    assert [n for _m, n in per_month][::2] == [0, 0, 0]
    # Nothing at all: no chart of zeros without a range asked for.
    judges = {"role": "judge"}
    assert selectors.trained_per_month(scope=scope, filters=judges, courses=courses) == []


def test_chart_numbers_are_in_the_readers_language_and_labels_are_whole(world):
    from django.utils import translation

    from reports import charts

    role = "Asistent social sau specialist în protecția copilului"
    with translation.override("ro"):
        svg = charts.bar_chart([(role, 42.9), ("Judecător", 7)], title="Rol")
        rates = charts.grouped_bar_chart(
            [(role, [42.9, 100])], series=["a", "b"], title="Rate", maximum=100
        )
    for drawn in (svg, rates):
        assert "42,9" in drawn and "42.9" not in drawn
        assert "…" not in drawn
        assert "protecția copilului" in drawn  # on a second line, not cut off
    assert ">100<" in rates and ">7<" in svg
    with translation.override("en"):
        assert "42.9" in charts.bar_chart([(role, 42.9)], title="Role")


def test_donor_summary_header_names_every_filter_with_romanian_months(world):
    from django.utils import translation

    from reports import exports, selectors

    _complete_in(world, datetime.date(2025, 7, 1), datetime.date(2025, 9, 1))
    scope = selectors.scope_for(world.coordinators["national"])
    with translation.override("ro"):
        courses = selectors.report_courses()
        filters = {
            "course": world.course.translation_key,
            "role": "teacher",
            "institution": world.cluj_school,
            "county": "CJ",
            "date_from": datetime.date(2025, 7, 1),
            "date_to": datetime.date(2025, 12, 3),
        }
        html = exports.donor_summary_html(scope=scope, filters=filters, courses=courses)
        month_today = translation.gettext(timezone.localdate().strftime("%B"))
    header = html.split('<p class="meta">')[1].split("</p>")[0]
    assert "Curs: Curs pentru rapoarte" in header
    assert "Rol: Cadru didactic sau personal școlar" in header
    assert "Instituția: Școala Gimnazială" in header
    assert "Județ: Cluj" in header
    assert "Perioadă: 1 iulie 2025 – 3 decembrie 2025" in header
    assert month_today.islower() and month_today in header  # "pregătit la 3 decembrie 2026"
    # Every month of the range on the chart, the empty ones too, named in Romanian.
    for label in ("iul 2025", "aug 2025", "sep 2025", "oct 2025", "noi 2025", "dec 2025"):
        assert f">{label}<" in html


def test_donor_summary_headline_figures_agree_with_their_number_in_romanian(world):
    """ "1 persoane instruite" read wrong: each headline figure takes the plural form of its
    number (Romanian has three: 1, 2-19, 20 and more)."""
    import re

    from django.utils import translation

    from reports import exports, selectors

    figures = []
    for coordinator in ("national", "iasi"):  # 2 people trained in the country, 1 in Iași
        scope = selectors.scope_for(world.coordinators[coordinator])
        with translation.override("ro"):
            html = exports.donor_summary_html(
                scope=scope, filters={}, courses=selectors.report_courses()
            )
        pattern = r'<div class="figure"><b>(\d+)</b>([^<]*)</div>'
        figures += [(int(n), text.strip()) for n, text in re.findall(pattern, html)]
    assert {n for n, _text in figures} >= {1, 2}, figures
    for n, text in figures:
        if n == 1:
            assert text.startswith(("persoană instruită", "curs finalizat", "înscriere")), text
        elif 2 <= n % 100 <= 19 or n == 0:
            assert text.startswith(("persoane", "cursuri", "înscrieri")), text
        else:
            assert text.startswith("de "), text
