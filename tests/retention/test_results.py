"""Retention results: the indicator and the curve by hand, in a fixed number of queries; the
learner's data file and account erasure."""

import math

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
