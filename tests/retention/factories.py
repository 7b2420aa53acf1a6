"""A matched course with a graded final quiz (its pass mark is the checks' pass mark), and a
learner who has completed a run of it through the real quiz views."""

from datetime import timedelta

from django.utils import timezone

from courses.models import Enrollment
from quizzes.models import Attempt, QuizKind
from retention.models import RetentionCheck

from ..evaluation.factories import make_matched_course
from ..evaluation.test_matched_pre_post import take
from ..quizzes.factories import make_quiz


def make_retention_course(*, objectives=2, per_objective=1, items=2, slug="curs-retentie"):
    course, pre, post = make_matched_course(
        objectives=objectives, per_objective=per_objective, items=items, slug=slug
    )
    make_quiz(course, kind=QuizKind.FINAL, pass_mark=70, slug="test-final-retentie")
    return course, pre, post


def complete_run(client, learner, pre, post, *, days_ago=0) -> Enrollment:
    """The learner takes the pre-test and the post-test (one right answer each) and the run is
    marked completed `days_ago` days ago."""
    client.force_login(learner)
    take(client, pre, right=1)
    take(client, post, right=1)
    enrollment = Enrollment.objects.get(
        learner=learner, course_key=pre.get_parent().translation_key, current=True
    )
    enrollment.completed_at = timezone.now() - timedelta(days=days_ago)
    enrollment.save(update_fields=["completed_at"])
    return enrollment


def post_test_keys(learner, post) -> set:
    return {
        key
        for keys in Attempt.objects.filter(
            learner=learner, quiz_key=post.translation_key
        ).values_list("question_keys", flat=True)
        for key in keys
    }


def make_check(enrollment, *, age=30, score=None, pass_mark=70, invited=None, **fields):
    """A check row as the service leaves it (for the aggregates' and the dashboard's tests)."""
    invited = invited or timezone.now()
    return RetentionCheck.objects.create(
        enrollment=enrollment,
        learner_id=enrollment.learner_id,
        course_key=enrollment.course_key,
        age_days=age,
        pool_key=enrollment.course_key,
        invited_at=invited,
        expires_at=invited + timedelta(days=30),
        question_keys=[],
        pass_mark=pass_mark,
        submitted_at=invited if score is not None else None,
        score=score,
        passed=None if score is None else score >= pass_mark,
        **fields,
    )
