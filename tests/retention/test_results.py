"""Retention results: the indicator and the curve by hand, in a fixed number of queries; the
learner's data file and account erasure."""

import math
import uuid

import pytest
from django.utils import timezone

from accounts.models import ProfessionalRole
from accounts.personal_data import account_erase, personal_data_export
from courses.models import Enrollment
from retention.models import RetentionCheck
from retention.selectors import retention_curve, retention_indicator

from ..elearning.factories import UserFactory
from .factories import complete_run, make_check, make_retention_course

pytestmark = pytest.mark.django_db


def cohort(client, scores, role=ProfessionalRole.TEACHER):
    course, pre, post = make_retention_course()
    runs = []
    for score in scores:
        run = complete_run(client, UserFactory(role=role), pre, post)
        make_check(run, age=30, score=score)
        runs.append(run)
    return course, runs


def test_the_indicator_by_hand_in_one_query(client, demo_site, django_assert_num_queries):
    course, runs = cohort(client, [40, 60, 80, None])
    police = complete_run(
        client, UserFactory(role=ProfessionalRole.POLICE_OFFICER), *_tests(course)
    )
    make_check(police, age=30, score=100)
    completed = Enrollment.objects.filter(completed_at__isnull=False)
    with django_assert_num_queries(1):
        overall = retention_indicator(completed, None, 30)[None]
    # Scores 40, 60, 80, 100 (one invited person did not answer): mean 70, sd 25.82, t(3)=3.182.
    half = 3.182 * math.sqrt(((30**2 + 10**2) * 2) / 3) / 2
    assert overall["value"] == pytest.approx(70)
    assert overall["low"] == pytest.approx(70 - half, abs=0.01)
    assert overall["high"] == pytest.approx(70 + half, abs=0.01)
    assert overall["respondents"] == 4 and overall["invited"] == 5
    with django_assert_num_queries(1):
        by_role = retention_indicator(completed, "role", 30)
    assert by_role[ProfessionalRole.TEACHER]["value"] == pytest.approx(60)
    assert by_role[ProfessionalRole.TEACHER]["invited"] == 4
    assert by_role[ProfessionalRole.POLICE_OFFICER]["respondents"] == 1
    month = retention_indicator(completed, "month", 30)
    assert sum(v["invited"] for v in month.values()) == 5
    assert retention_indicator(completed, None, 180) == {}


def _tests(course):
    from quizzes.models import QuizKind, QuizPage

    children = QuizPage.objects.child_of(course).filter(locale=course.locale)
    return (
        children.get(kind=QuizKind.PRE_TEST),
        children.get(kind=QuizKind.POST_TEST),
    )


def test_the_curve_pre_post_30_180_in_two_queries(client, demo_site, django_assert_num_queries):
    course, runs = cohort(client, [50, 100])
    make_check(runs[0], age=180, score=25)
    completed = Enrollment.objects.filter(completed_at__isnull=False)
    with django_assert_num_queries(2):
        curve = retention_curve(completed, group_by=("course", "role"))
    point = curve[(course.translation_key, ProfessionalRole.TEACHER)]
    # Both took the pre-test and the post-test with one right answer of two: 50 and 50.
    assert point.pre.estimate.value == pytest.approx(50) and point.pre.people == 2
    assert point.post.estimate.value == pytest.approx(50)
    assert point.days_30.estimate.value == pytest.approx(75) and point.days_30.people == 2
    assert point.days_180.estimate.value == pytest.approx(25) and point.days_180.people == 1


def test_the_query_counts_do_not_grow_with_learners(client, demo_site, django_assert_num_queries):
    course, runs = cohort(client, [10, 20, 30, 40, 50, 60])
    completed = Enrollment.objects.filter(completed_at__isnull=False)
    with django_assert_num_queries(1):
        retention_indicator(completed, "county", 30)
    with django_assert_num_queries(2):
        retention_curve(completed, group_by=("course", "county"))


def test_data_file_and_erasure(client, demo_site):
    course, runs = cohort(client, [30])
    learner = runs[0].learner
    open_check = make_check(runs[0], age=180)
    RetentionCheck.objects.filter(learner=learner, age_days=30).update(answers={"k": ["c"]})
    data = personal_data_export(learner)["retention_checks"]
    assert [c["age_days"] for c in data] == [30, 180] and data[0]["score"] == 30.0
    token = RetentionCheck.objects.get(learner=learner, age_days=30).token
    account_erase(learner)
    # The open invitation is gone; the taken check keeps its score for the aggregates but
    # loses the choices picked and its link.
    assert not RetentionCheck.objects.filter(pk=open_check.pk).exists()
    kept = RetentionCheck.objects.get(learner=learner)
    assert float(kept.score) == 30.0 and kept.answers == {} and kept.token != token
    assert timezone.now()


def test_the_curve_by_objective_by_hand_in_three_queries(
    client, demo_site, django_assert_num_queries
):
    """Per learning objective: each person's pre/post score on the objective's questions of
    their matched pair, then on the objective's questions of their checks; n is people."""
    from quizzes.models import ItemResponse
    from retention.models import RetentionResponse
    from retention.selectors import objective_retention_curve

    course, runs = cohort(client, [None, None])
    objectives = list(course.objectives.order_by("sort_order").values_list("key", flat=True))
    # Check answers by hand: learner 1 gets objective 0 right and 1 wrong at 30 days; learner 2
    # gets both right; learner 1 half of objective 0 at 180 days (two questions, one right).
    plan = {
        (0, 30): {objectives[0]: [1], objectives[1]: [0]},
        (1, 30): {objectives[0]: [1], objectives[1]: [1]},
        (0, 180): {objectives[0]: [1, 0]},
    }
    for (who, age), by_objective in plan.items():
        # cohort() invited both to the 30-day check (not taken yet): they take it now.
        RetentionCheck.objects.filter(enrollment=runs[who], age_days=age).update(
            submitted_at=timezone.now(), score=50, passed=False
        )
        check = RetentionCheck.objects.filter(enrollment=runs[who], age_days=age).first()
        check = check or make_check(runs[who], age=age, score=50)
        for objective, credits in by_objective.items():
            for credit in credits:
                RetentionResponse.objects.create(
                    retention_check=check,
                    learner_id=check.learner_id,
                    course_key=course.translation_key,
                    question_key=uuid.uuid4(),
                    objective_key=objective,
                    credit=credit,
                )
    completed = Enrollment.objects.filter(completed_at__isnull=False)
    with django_assert_num_queries(3):
        curve = objective_retention_curve(completed)

    def expected(kind, objective):
        """The mean over learners of their mean credit × 100 on the objective, from the
        answers as stored (the pre-test and post-test were taken through the quiz views)."""
        scores = []
        for run in runs:
            credits = [
                float(r.credit)
                for r in ItemResponse.objects.filter(
                    learner_id=run.learner_id, objective_key=objective, attempt__page__slug=kind
                )
            ]
            scores.append(100 * sum(credits) / len(credits))
        return sum(scores) / len(scores)

    first = curve[(course.translation_key, objectives[0])]
    second = curve[(course.translation_key, objectives[1])]
    assert first.pre.people == 2 and first.post.people == 2
    assert first.pre.estimate.value == pytest.approx(expected("test-initial", objectives[0]))
    assert second.post.estimate.value == pytest.approx(expected("test-dupa-curs", objectives[1]))
    assert first.days_30.estimate.value == pytest.approx(100) and first.days_30.people == 2
    assert second.days_30.estimate.value == pytest.approx(50) and second.days_30.people == 2
    assert first.days_180.estimate.value == pytest.approx(50) and first.days_180.people == 1
    assert second.days_180.people == 0
    # The queries stay three with more learners.
    for _n in range(3):
        complete_run(client, UserFactory(), *_tests(course))
    with django_assert_num_queries(3):
        objective_retention_curve(Enrollment.objects.filter(completed_at__isnull=False))


def test_the_impact_report_cuts_the_retention_curve_by_objective(client, demo_site):
    """Grouped by learning objective, the impact report's retention rows are the objectives
    (in the report's language), "< 5" below five people."""
    from django.utils import translation

    from reports.models import CoordinatorScope, ScopeLevel
    from reports.selectors import report_courses, retention_rows

    course, runs = cohort(client, [None] * 5)
    national = CoordinatorScope(level=ScopeLevel.NATIONAL)
    with translation.override("en"):
        rows = retention_rows(
            scope=national, filters={"group_by": "objective"}, courses=report_courses()
        )
    assert [r.group for r in rows] == ["Objective 0", "Objective 1"]
    # Five matched pairs: pre and post shown with n; nobody took a check yet.
    assert all(r.cells[0].endswith("n=5") and r.cells[2:] == ["", ""] for r in rows)
    with translation.override("ro"):
        rows = retention_rows(
            scope=national,
            filters={"group_by": "objective"},
            courses=report_courses(),
        )
    assert [r.group for r in rows] == ["Obiectivul 0", "Obiectivul 1"]
    RetentionCheck.objects.filter(enrollment=runs[0]).update(submitted_at=timezone.now(), score=100)
    assert retention_rows(scope=national, filters={}, courses=report_courses())[0].cells[2] == (
        "< 5"
    )
