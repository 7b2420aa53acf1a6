"""One definition of a step and of progress, the same everywhere (issue 14, item 1).

A step is what completing the course needs: its lessons and its graded final quizzes. A
pre-test, a post-test or a practice quiz is optional: listed in the outline, never numbered,
ticked or counted. The percentage is `courses.selectors.progress_percent` on the learner's pages
and its SQL twin `progress_percent_expression` in the reports and their exports.
"""

import csv
import io
import re

import pytest
from django.db.models import Q, Value
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from courses import services
from courses.models import LessonPage
from courses.selectors import progress_percent, progress_percent_expression

from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from .factories import lesson_body, make_course, publish

pytestmark = pytest.mark.django_db

TICK = 'class="outline__mark" aria-hidden="true">✓<'


def _lesson(course, n):
    lesson = LessonPage(title=f"Lecția {n}", slug=f"lectia-{n}", body=lesson_body(f"Lecția {n}."))
    course.add_child(instance=lesson)
    return publish(lesson)


@pytest.fixture
def course(demo_site):
    """Pre-test, two lessons, post-test, final quiz: five pages, three steps."""
    course = make_course(lessons=0, slug="curs-pasi", title="Curs cu pași", translate=False)
    make_quiz(course, kind="pre_test", slug="pre-test", translate=False)
    _lesson(course, 1)
    _lesson(course, 2)
    make_quiz(course, kind="post_test", slug="post-test", translate=False)
    make_quiz(course, kind="final", slug="test-final", translate=False)
    return course


def completion_csv_row(client, full_name: str) -> dict[str, str]:
    """The learner's line of the completion report's CSV export, by its (Romanian) headings."""
    body = b"".join(
        client.get(
            reverse("learning_reports:export", args=["completion"]), {"format": "csv"}
        ).streaming_content
    ).decode("utf-8-sig")
    heading, *rows = csv.reader(io.StringIO(body))
    (line,) = [r for r in rows if r[0] == full_name]
    return dict(zip(heading, line, strict=True))


def _outline(html: str) -> str:
    return re.search(r'<nav class="outline".*?</nav>', html, re.S).group(0)


def test_every_page_report_and_export_gives_the_same_steps_and_percent(client, course):
    pre, first, second, _post, _final = [p.specific for p in course.get_children().live()]
    learner = UserFactory(full_name="Ana Pașcu", county="CJ")
    for step in (pre, first, second):  # the pre-test and two of the three steps
        services.step_complete(learner=learner, course=course, step=step)
    client.force_login(learner)

    course_page = client.get(course.url).content.decode()
    assert re.search(r"<dt>Pași</dt><dd>3\b", course_page)  # not 5: the tests are optional
    assert "și 2 teste opționale" in course_page
    assert "2 din 3 pași parcurși" in course_page
    assert "67% parcurs" in course_page
    assert _outline(course_page).count(TICK) == 2  # the pre-test is done, but not a step

    lesson_page = client.get(second.url).content.decode()
    assert "2 din 3 pași parcurși" in lesson_page
    assert _outline(lesson_page).count(TICK) == 2
    # The numbers beside the steps run 1, 2, 3: none for the optional tests.
    marks = re.findall(r'class="outline__mark" aria-hidden="true">([^<]*)<', lesson_page)
    assert marks == ["–", "✓", "✓", "–", "3"]

    my_learning = client.get(reverse("courses:my_learning")).content.decode()
    assert "2 din 3 pași parcurși" in my_learning
    assert "67% parcurs" in my_learning

    coordinator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(coordinator)
    report = client.get(reverse("learning_reports:completion"))
    (row,) = [r for r in report.context["page"].object_list if r.learner_id == learner.pk]
    assert row.progress == 67  # was 66: integer division in SQL where the learner saw round()
    assert completion_csv_row(client, "Ana Pașcu")["Progres (%)"] == "67"


def test_a_completed_course_is_100_percent_everywhere(client, course):
    steps = [p.specific for p in course.get_children().live()]
    learner = UserFactory()
    for step in steps[1:3] + steps[4:]:  # the steps only, no test
        services.step_complete(learner=learner, course=course, step=step)
    assert progress_percent(done=3, total=3, completed=True) == 100
    coordinator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(coordinator)
    report = client.get(reverse("learning_reports:completion"))
    (row,) = [r for r in report.context["page"].object_list if r.learner_id == learner.pk]
    assert row.progress == 100


def test_the_percent_rounds_half_up_and_stays_within_0_and_100():
    assert progress_percent(done=2, total=3) == 67
    assert progress_percent(done=1, total=3) == 33
    assert progress_percent(done=1, total=8) == 13  # round() would give 12 (half to even)
    assert progress_percent(done=5, total=8) == 63  # and 62 here
    assert progress_percent(done=0, total=0) == 0
    assert progress_percent(done=4, total=3) == 100
    assert progress_percent(done=0, total=3, completed=True) == 100


def test_sql_and_python_percent_agree_for_every_n_of_m(demo_site):
    """The reports' SQL gives what the learner sees, for every n of m up to 60 (run on SQLite
    by default and on PostgreSQL in CI; integer division is the same in both)."""
    one_row = Locale.objects.order_by("pk")[:1]
    for total in range(1, 61):
        annotations = {
            f"p{done}": progress_percent_expression(
                done=Value(done), total=Value(total), completed=Value(False)
            )
            for done in range(total + 1)
        }
        (row,) = one_row.annotate(**annotations).values(*annotations)
        expected = {f"p{d}": progress_percent(done=d, total=total) for d in range(total + 1)}
        assert row == expected, total
    (row,) = one_row.annotate(
        p=progress_percent_expression(done=Value(1), total=Value(3), completed=Q(pk__gt=0))
    ).values("p")
    assert row["p"] == 100


@pytest.mark.parametrize(("done", "percent"), [(1, 33), (2, 67)])
def test_the_learner_and_the_coordinator_see_the_same_percent(
    client, course, media_root, done, percent
):
    """1 of 3 and 2 of 3 steps: the same number on the learner's course page, lesson page and
    "My learning" as in the coordinator's report page, CSV and XLSX (on SQLite here, and on
    PostgreSQL in CI: the reports compute it in SQL)."""
    from openpyxl import load_workbook

    from reports import services as report_services
    from reports.models import ExportJob

    _pre, first, second, _post, _final = [p.specific for p in course.get_children().live()]
    learner = UserFactory(full_name="Ana Pașcu", county="CJ")
    for step in (first, second)[:done]:
        services.step_complete(learner=learner, course=course, step=step)
    client.force_login(learner)
    learner_sees = f"{percent}% parcurs"
    assert learner_sees in client.get(course.url).content.decode()
    assert learner_sees in client.get(reverse("courses:my_learning")).content.decode()
    assert f"{done} din 3 pași parcurși" in client.get(first.url).content.decode()

    coordinator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(coordinator)
    report = client.get(reverse("learning_reports:completion"))
    (row,) = [r for r in report.context["page"].object_list if r.learner_id == learner.pk]
    assert row.progress == percent
    assert f"<td>{percent}%<br>" in report.content.decode()
    assert completion_csv_row(client, "Ana Pașcu")["Progres (%)"] == str(percent)
    with translation.override("ro"):
        job = report_services.export_request(
            user=coordinator, report="completion", format="xlsx", filters={}
        )
    job = report_services.export_run(job.pk)
    assert job.status == ExportJob.Status.READY
    with job.file.open("rb") as handle:
        heading, *rows = load_workbook(handle).active.iter_rows(values_only=True)
    (ana,) = [r for r in rows if r[0] == "Ana Pașcu"]
    assert ana[heading.index("Progres (%)")] == percent
