"""Statements sent through the real task to a real LRS (Ralph), and read back from its API."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import personal_data
from learning_records import services, statements
from learning_records.models import Statement, StatementStatus
from learning_records.tasks import send_learning_records

from .journey import course_with_quiz, sharing_learner, take_course

pytestmark = [pytest.mark.django_db, pytest.mark.lrs]


def send() -> int:
    return send_learning_records.apply().get()


def pseudonym(learner):
    learner.refresh_from_db()
    return learner.learning_pseudonym.pseudonym


@pytest.fixture
def journey(client, lrs_settings, demo_site, media_root, django_capture_on_commit_callbacks):
    """A learner who registered, visited and completed a lesson, answered and passed the final
    quiz in English, completed the course and earned its certificate. Nothing is sent until a
    test runs the task (`send`): these tests count what it sends (test_send_soon.py tests the
    send that follows the events)."""
    lrs_settings.XAPI_SEND_DELAY_SECONDS = None
    course, quiz = course_with_quiz()
    learner = sharing_learner(email="elena.ionescu@example.org", full_name="Elena Ionescu")
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    return learner, course, quiz


def test_a_journey_reaches_the_lrs_with_the_right_verbs_and_no_email(journey, ralph):
    learner, course, quiz = journey
    assert send() == Statement.objects.filter(learner=learner).count() == 10
    assert not Statement.objects.filter(status=StatementStatus.PENDING).exists()
    stored = ralph.statements_of(pseudonym(learner))
    assert sorted(s["verb"]["id"] for s in stored) == sorted(
        statements.VERBS[v].iri
        for v in ["registered", "experienced", "completed", "completed", "completed"]
        + ["answered"] * 3
        + ["passed", "earned"]
    )
    for statement in stored:
        assert "mbox" not in statement["actor"] and "elena" not in str(statement).lower()
    passed = next(s for s in stored if s["verb"]["id"] == statements.PASSED.iri)
    assert passed["object"]["id"] == statements.activity_id("quiz", quiz.translation_key)
    assert passed["object"]["definition"]["name"]["ro-RO"] == "Chestionar final"


def test_romanian_and_english_learners_share_the_activity_ids(
    journey, client, ralph, django_capture_on_commit_callbacks
):
    learner, course, quiz = journey
    other = sharing_learner()
    take_course(client, other, course, quiz, django_capture_on_commit_callbacks, quiz_language="ro")
    send()
    objects = [
        {s["object"]["id"] for s in ralph.statements_of(pseudonym(who))} for who in (learner, other)
    ]
    assert objects[0] == objects[1]


def test_sending_again_makes_no_duplicates(journey, ralph):
    learner = journey[0]
    send()
    Statement.objects.update(status=StatementStatus.PENDING)
    assert send() == 10  # the LRS answered, and keeps one of each
    assert len(ralph.statements_of(pseudonym(learner))) == 10


def test_while_the_lrs_is_down_statements_wait_and_are_sent_later(journey, ralph, settings):
    learner = journey[0]
    settings.XAPI_LRS_ENDPOINT = "http://127.0.0.1:9/xAPI"  # nothing answers there
    assert send() == 0
    waiting = Statement.objects.filter(learner=learner, status=StatementStatus.PENDING)
    assert waiting.count() == 10 and all(s.attempts == 1 for s in waiting)
    assert all(s.next_attempt_at > timezone.now() for s in waiting)
    assert send() == 0  # backing off: not asked again at once
    settings.XAPI_LRS_ENDPOINT = ralph.endpoint
    later = timezone.now() + timedelta(minutes=3)
    assert services.statements_send_batch(now=later).sent == 10
    assert len(ralph.statements_of(pseudonym(learner))) == 10


def test_a_backfill_run_twice_leaves_one_copy(journey, ralph):
    learner = journey[0]
    send()
    today = timezone.localdate().isoformat()
    Statement.objects.all().delete()  # as if the history predated the outbox
    call_command("xapi_backfill", "--from", today, "--to", today)
    call_command("xapi_backfill", "--from", today, "--to", today)
    assert Statement.objects.count() == 10
    send()
    assert len(ralph.statements_of(pseudonym(learner))) == 10


def test_after_account_deletion_nothing_more_is_sent(journey, ralph):
    learner = journey[0]
    name = pseudonym(learner)
    personal_data.account_erase(learner)
    assert not Statement.objects.filter(learner=learner).exists()
    send()
    assert ralph.statements_of(name) == []


def test_without_an_lrs_configured_nothing_is_recorded_or_sent(
    client, settings, ralph, demo_site, media_root, django_capture_on_commit_callbacks
):
    settings.XAPI_LRS_ENDPOINT = ""
    course, quiz = course_with_quiz()
    learner = sharing_learner()
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    assert not Statement.objects.exists()
    assert send() == 0


def test_a_revocation_reaches_the_lrs_as_the_voiding_of_its_earned_statement(journey, ralph):
    from certificates.models import Certificate
    from certificates.services import certificate_revoke

    from ..elearning.factories import UserFactory

    learner = journey[0]
    send()
    certificate = Certificate.objects.get(learner=learner)
    certificate_revoke(certificate=certificate, by=UserFactory(), reason="Emis din greșeală")
    assert send() == 1
    earned = Statement.objects.get(learner=learner, verb="earned")
    stored = ralph.statements_of(pseudonym(learner))
    [voiding] = [s for s in stored if s["verb"]["id"] == statements.VOIDED.iri]
    assert voiding["object"] == {"objectType": "StatementRef", "id": str(earned.pk)}
