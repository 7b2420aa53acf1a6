"""Retention invitations: 30 and 180 days after a completed run, once each, never to closed
accounts, only for courses with an objective-tagged pool; drawn from the same objectives,
avoiding the post-test's items (issue 17, item 5)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from quizzes.models import QuestionKind
from retention import services
from retention.models import RetentionCheck
from retention.tasks import send_retention_invitations

from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from .factories import complete_run, make_retention_course, post_test_keys

pytestmark = pytest.mark.django_db


def test_the_30_and_180_day_checks_are_sent_once_each(client, demo_site):
    course, pre, post = make_retention_course()
    learner = UserFactory(preferred_language="en")
    enrollment = complete_run(client, learner, pre, post)
    completed = enrollment.completed_at
    mail.outbox.clear()
    assert services.retention_invitations_send(now=completed + timedelta(days=29)) == 0
    # Two runs on day 30 (beat and the command, say): one e-mail.
    assert services.retention_invitations_send(now=completed + timedelta(days=30)) == 1
    assert services.retention_invitations_send(now=completed + timedelta(days=31)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    # In the learner's language, with their own link.
    check = RetentionCheck.objects.get(age_days=30)
    assert "five-minute check" in message.subject
    assert f"/en/learning/retention/{check.token}/" in message.body
    assert check.expires_at == completed + timedelta(days=60)
    assert services.retention_invitations_send(now=completed + timedelta(days=180)) == 1
    assert services.retention_invitations_send(now=completed + timedelta(days=181)) == 0
    assert len(mail.outbox) == 2
    later = RetentionCheck.objects.get(age_days=180)
    assert later.expires_at == completed + timedelta(days=240)
    assert later.pass_mark == 70  # the course's final quiz


def test_the_beat_task_and_the_command_send_what_is_due(client, demo_site):
    course, pre, post = make_retention_course()
    complete_run(client, UserFactory(), pre, post, days_ago=30)
    mail.outbox.clear()
    assert send_retention_invitations.delay().get() == 1
    assert send_retention_invitations.delay().get() == 0
    learner = UserFactory()
    enrollment = complete_run(client, learner, pre, post)
    day = timezone.localdate(enrollment.completed_at) + timedelta(days=30)
    call_command("send_retention_checks", "--today", day.isoformat())
    assert RetentionCheck.objects.filter(learner=learner, age_days=30).count() == 1
    assert len(mail.outbox) == 2


def test_a_late_run_does_not_send_a_check_whose_window_has_closed(client, demo_site):
    course, pre, post = make_retention_course()
    enrollment = complete_run(client, UserFactory(), pre, post)
    # Day 61: the 30-day check's window (days 30-60) has passed; the 180-day one is not due.
    assert services.retention_invitations_send(now=enrollment.completed_at + timedelta(61)) == 0


def test_no_check_for_closed_accounts_or_courses_without_a_pool(client, demo_site):
    course, pre, post = make_retention_course()
    inactive, erased = UserFactory(), UserFactory()
    runs = [complete_run(client, person, pre, post) for person in (inactive, erased)]
    inactive.is_active = False
    inactive.save()
    erased.erased_at = timezone.now()
    erased.save()
    # A course whose pre-test draws no objectives has nothing to measure retention with.
    plain = make_quiz(kind="final", slug="final-fara-pool")
    from courses.models import Enrollment

    Enrollment.objects.create(
        learner=UserFactory(),
        course_key=plain.get_parent().translation_key,
        completed_at=runs[0].completed_at,
    )
    mail.outbox.clear()
    assert services.retention_invitations_send(now=runs[0].completed_at + timedelta(30)) == 0
    assert not RetentionCheck.objects.exists() and not mail.outbox


def test_the_check_avoids_the_post_test_items_when_parallel_items_exist(client, demo_site):
    course, pre, post = make_retention_course(objectives=3, per_objective=1, items=3)
    learner = UserFactory()
    enrollment = complete_run(client, learner, pre, post)
    services.retention_invitations_send(now=enrollment.completed_at + timedelta(30))
    check = RetentionCheck.objects.get()
    objective_of = {str(q.key): q.objective.key for q in pre.questions.all()}
    # The same objectives, one question each, none of them the post-test's.
    assert sorted(objective_of[k] for k in check.question_keys) == sorted(
        {o for o in objective_of.values()}
    )
    assert not set(check.question_keys) & post_test_keys(learner, post)
    assert set(check.choice_order) == set(check.question_keys)


def test_without_parallel_items_the_check_asks_the_same_items(client, demo_site):
    course, pre, post = make_retention_course(objectives=2, per_objective=1, items=1)
    learner = UserFactory()
    enrollment = complete_run(client, learner, pre, post)
    services.retention_invitations_send(now=enrollment.completed_at + timedelta(30))
    check = RetentionCheck.objects.get()
    assert set(check.question_keys) == post_test_keys(learner, post)


def test_a_five_minute_check_asks_at_most_two_questions_per_objective(client, demo_site):
    course, pre, post = make_retention_course(objectives=2, per_objective=3, items=6)
    enrollment = complete_run(client, UserFactory(), pre, post)
    services.retention_invitations_send(now=enrollment.completed_at + timedelta(30))
    assert len(RetentionCheck.objects.get().question_keys) == 4
    assert QuestionKind.SINGLE  # the pool's questions are single choice


def test_the_command_refuses_a_bad_date(demo_site):
    from django.core.management.base import CommandError

    for value in ("2026-13-45", "tomorrow", "9" * 100):
        with pytest.raises(CommandError):
            call_command("send_retention_checks", "--today", value)
    for value in ("-1", "401", "two", "9" * 100):
        with pytest.raises(CommandError):
            call_command("send_retention_checks", "--days-ahead", value)
    with pytest.raises(CommandError):  # one way of moving time, not two
        call_command("send_retention_checks", "--today", "2027-01-01", "--days-ahead", "2")
    assert not RetentionCheck.objects.exists()
