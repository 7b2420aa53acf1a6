"""The indicators reports.indicators reads: values computed by hand on a small cohort, grouped
as the report groups them, in one query whatever the number of learners."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import County, ProfessionalRole
from courses.models import Enrollment
from evaluation.statistics import mean_interval, proportion_interval
from reports.selectors import SMALLEST_CELL
from surveys import selectors, services
from surveys.models import SurveyKind
from tests.elearning.factories import UserFactory

from .factories import completed_run, invitation

pytestmark = pytest.mark.django_db


def answer_reaction(enrollment, ratings):
    services.reaction_answer_record(
        invitation=invitation(enrollment),
        answers=dict(
            zip(("relevance", "clarity", "confidence", "recommend"), ratings, strict=True)
        ),
    )


def answer_follow_up(enrollment, acted: bool):
    follow_up = invitation(enrollment, SurveyKind.FOLLOW_UP)
    services.invitation_send(invitation_id=follow_up.pk)
    follow_up.refresh_from_db()
    services.follow_up_answer_record(
        invitation=follow_up,
        answers={
            "noticed_indicators": False,
            "conversations": 1 if acted else 0,
            "used_directory": False,
            "notifications": 0,
        },
    )


def test_the_small_cell_threshold_is_the_reports_one():
    assert selectors.SMALLEST_CELL == SMALLEST_CELL


def test_reaction_and_application_by_hand(demo_site):
    teacher_a = UserFactory(role=ProfessionalRole.TEACHER, county=County.CJ)
    teacher_b = UserFactory(role=ProfessionalRole.TEACHER, county=County.CJ)
    police = UserFactory(role=ProfessionalRole.POLICE_OFFICER, county=County.IS)
    silent = UserFactory(role=ProfessionalRole.POLICE_OFFICER, county=County.IS)
    a = completed_run(teacher_a, days_ago=100)
    b = completed_run(teacher_b, days_ago=100)
    c = completed_run(police, days_ago=100)
    completed_run(silent, days_ago=100)
    # Scores on 0–100: (5,5,5,5) → 100; (3,3,3,3) → 50; (1,2,3,4) → mean 2.5 → 37.5.
    answer_reaction(a, (5, 5, 5, 5))
    answer_reaction(b, (3, 3, 3, 3))
    answer_reaction(c, (1, 2, 3, 4))
    answer_follow_up(a, acted=True)
    answer_follow_up(c, acted=False)
    runs = Enrollment.objects.all()

    overall = selectors.reaction_indicator(runs, None)[None]
    expected = mean_interval(3, 100 + 50 + 37.5, 100**2 + 50**2 + 37.5**2)
    assert overall["value"] == pytest.approx(187.5 / 3)
    assert (overall["low"], overall["high"]) == pytest.approx((expected.low, expected.high))
    assert (overall["respondents"], overall["invited"]) == (3, 4)

    by_role = selectors.reaction_indicator(runs, "role")
    assert by_role[ProfessionalRole.TEACHER]["value"] == pytest.approx(75.0)
    assert by_role[ProfessionalRole.POLICE_OFFICER]["value"] == pytest.approx(37.5)
    assert by_role[ProfessionalRole.POLICE_OFFICER]["respondents"] == 1
    assert by_role[ProfessionalRole.POLICE_OFFICER]["invited"] == 2
    assert set(selectors.reaction_indicator(runs, "county")) == {County.CJ, County.IS}
    (month,) = selectors.reaction_indicator(runs, "month")
    assert month.month == timezone.localtime(a.completed_at).month

    application = selectors.application_indicator(runs, None)[None]
    share = proportion_interval(2, 1)
    assert application["value"] == pytest.approx(50.0)
    assert (application["low"], application["high"]) == pytest.approx((share.low, share.high))
    # Invited: only the two whose follow-up was sent.
    assert (application["respondents"], application["invited"]) == (2, 2)
    assert ProfessionalRole.TEACHER in selectors.application_indicator(runs, "role")


def _cohort(size: int):
    for n in range(size):
        enrollment = completed_run(
            UserFactory(county=County.CJ if n % 2 else County.IS), days_ago=95
        )
        answer_reaction(enrollment, (n % 5 + 1, 4, 3, 5))
        answer_follow_up(enrollment, acted=n % 3 == 0)


@pytest.mark.parametrize("grouping", [None, "role", "county", "month"])
def test_one_query_whatever_the_number_of_learners(demo_site, grouping):
    counts = []
    for size in (2, 8):
        _cohort(size)
        runs = Enrollment.objects.filter(completed_at__isnull=False)
        with CaptureQueriesContext(connection) as reaction:
            selectors.reaction_indicator(runs, grouping)
        with CaptureQueriesContext(connection) as application:
            selectors.application_indicator(runs, grouping)
        counts.append((len(reaction), len(application)))
    assert counts == [(1, 1), (1, 1)]


def test_erased_learners_leave_the_aggregates(demo_site):
    from accounts.personal_data import account_erase

    learners = [UserFactory() for _ in range(3)]
    for learner in learners:
        answer_reaction(completed_run(learner), (4, 4, 4, 4))
    account_erase(learners[0])
    overall = selectors.reaction_indicator(Enrollment.objects.all(), None)[None]
    assert (overall["respondents"], overall["invited"]) == (2, 2)
    assert overall["value"] == pytest.approx(75.0)
