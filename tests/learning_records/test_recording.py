"""Learning events → xAPI statements in the outbox: what is recorded, for whom, with which ids;
the backfill; erasure; the data file. No LRS needed (tests/learning_records/test_lrs.py sends
them to a real one)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import personal_data
from learning_records import services, statements
from learning_records.models import LearnerPseudonym, Statement, StatementStatus

from ..elearning.factories import UserFactory
from .journey import course_with_quiz, sharing_learner, take_course

pytestmark = pytest.mark.django_db

ENDPOINT = "http://127.0.0.1:9/xAPI"  # nothing listens: these tests never send


@pytest.fixture
def lrs(settings):
    settings.XAPI_LRS_ENDPOINT = ENDPOINT
    settings.XAPI_LRS_KEY, settings.XAPI_LRS_SECRET = "key", "secret"
    # Recording only: no send soon after the events (test_send_soon.py tests that).
    settings.XAPI_SEND_DELAY_SECONDS = None
    return settings


def verbs(learner) -> list[str]:
    return sorted(Statement.objects.filter(learner=learner).values_list("verb", flat=True))


JOURNEY_VERBS = sorted(
    ["registered", "experienced", "completed", "answered", "answered", "answered", "passed"]
    + ["completed", "completed", "earned"]
)


def test_nothing_is_recorded_without_an_lrs(
    client, demo_site, media_root, django_capture_on_commit_callbacks
):
    learner = sharing_learner()
    course, quiz = course_with_quiz()
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    assert not Statement.objects.exists() and not LearnerPseudonym.objects.exists()


def test_nothing_is_recorded_for_an_institution_that_has_not_opted_in(
    client, lrs, demo_site, media_root, django_capture_on_commit_callbacks
):
    learner = UserFactory()  # its institution does not share
    course, quiz = course_with_quiz()
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    assert not Statement.objects.exists()


def test_a_journey_is_recorded_with_standard_verbs_and_no_personal_data(
    client, lrs, demo_site, media_root, django_capture_on_commit_callbacks
):
    learner = sharing_learner(email="ana.popescu@example.org", full_name="Ana Popescu")
    course, quiz = course_with_quiz()
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    assert verbs(learner) == JOURNEY_VERBS
    pseudonym = str(learner.learning_pseudonym.pseudonym)
    for statement in Statement.objects.filter(learner=learner):
        text = str(statement.payload)
        assert "ana.popescu" not in text and "Ana Popescu" not in text and "mbox" not in text
        assert statement.payload["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": settings.SITE_URL, "name": pseudonym},
        }
        assert statement.payload["id"] == str(statement.pk)
        assert statement.payload["verb"]["id"] == statements.VERBS[statement.verb].iri
    passed = Statement.objects.get(learner=learner, verb="passed").payload
    # Taken in English, recorded as the one quiz of the course (its translation key), named in
    # both languages.
    assert passed["object"]["id"].endswith(f"/xapi/activities/quiz/{quiz.translation_key}")
    assert passed["object"]["definition"]["name"] == {
        "ro-RO": "Chestionar final",
        "en-US": "Final test",
    }
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 1.0
    course_done = Statement.objects.get(
        learner=learner,
        verb="completed",
        payload__object__definition__type=statements.ACTIVITY_TYPES["course"],
    ).payload
    assert course_done["object"]["definition"]["name"] == {
        "ro-RO": "Curs xAPI",
        "en-US": "Curs xAPI (EN)",
    }


def test_the_same_quiz_in_either_language_is_one_activity(
    client, lrs, demo_site, media_root, django_capture_on_commit_callbacks
):
    course, quiz = course_with_quiz()
    ro, en = sharing_learner(), sharing_learner()
    take_course(client, ro, course, quiz, django_capture_on_commit_callbacks, quiz_language="ro")
    take_course(client, en, course, quiz, django_capture_on_commit_callbacks, quiz_language="en")
    objects = {
        learner.pk: sorted(
            s.payload["object"]["id"]
            for s in Statement.objects.filter(learner=learner, verb__in=["answered", "passed"])
        )
        for learner in (ro, en)
    }
    assert objects[ro.pk] == objects[en.pk] and len(objects[ro.pk]) == 4


def test_statement_ids_are_stable_and_recording_again_adds_nothing(lrs, demo_site):
    learner = sharing_learner()
    before = Statement.objects.count()
    assert services.record_registered(learner=learner) == 0  # already recorded at creation
    assert Statement.objects.count() == before == 1
    again = statements.registered(
        learner_id=learner.pk,
        pseudonym=learner.learning_pseudonym.pseudonym,
        joined_at=learner.date_joined,
    )
    assert Statement.objects.get().pk == again.id


def test_backfill_queues_history_once(
    client, lrs, demo_site, media_root, django_capture_on_commit_callbacks
):
    learner = sharing_learner()
    course, quiz = course_with_quiz()
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    live = set(Statement.objects.values_list("pk", flat=True))
    Statement.objects.all().delete()
    today = timezone.localdate().isoformat()
    call_command("xapi_backfill", "--from", today, "--to", today)
    # The backfill rebuilds the very statements the receivers wrote (same ids).
    assert set(Statement.objects.values_list("pk", flat=True)) == live
    call_command("xapi_backfill", "--from", today, "--to", today)
    assert Statement.objects.count() == len(live)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    Statement.objects.all().delete()
    call_command("xapi_backfill", "--from", yesterday, "--to", yesterday)
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-13-01", "--to", "2026-12-31"], "--from takes a date"),
        (["--from", "yesterday", "--to", "2026-12-31"], "--from takes a date"),
        (["--from", "2026-01-01", "--to", ""], "--to takes a date"),
        (["--from", "2026-02-01", "--to", "2026-01-01"], "is after"),
    ],
)
def test_backfill_refuses_bad_dates(lrs, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("xapi_backfill", *args)


def test_backfill_needs_an_lrs(db):
    with pytest.raises(CommandError, match="XAPI_LRS_ENDPOINT"):
        call_command("xapi_backfill", "--from", "2026-01-01", "--to", "2026-01-02")


def test_erasure_deletes_what_waits_and_the_pseudonym(lrs, demo_site):
    learner, other = sharing_learner(), sharing_learner()
    assert Statement.objects.filter(learner=learner, status=StatementStatus.PENDING).exists()
    personal_data.account_erase(learner)
    assert not Statement.objects.filter(learner=learner).exists()
    assert not LearnerPseudonym.objects.filter(learner=learner).exists()
    assert Statement.objects.filter(learner=other).exists()
    # Nothing is recorded about the erased account any more, live or by a backfill.
    assert services.record_registered(learner=learner) == 0
    today = timezone.localdate().isoformat()
    call_command("xapi_backfill", "--from", today, "--to", today)
    assert not Statement.objects.filter(learner=learner).exists()


def test_the_data_file_says_what_was_sent_where(lrs, demo_site):
    learner = sharing_learner()
    Statement.objects.filter(learner=learner).update(
        status=StatementStatus.SENT, sent_to=f"{ENDPOINT}/statements", sent_at=timezone.now()
    )
    data = personal_data.personal_data_export(learner)["learning_records"]
    assert data["sent"] == [
        {
            "learning_record_store": f"{ENDPOINT}/statements",
            "verb": "registered",
            "count": 1,
            "from": learner.date_joined.isoformat(),
            "to": learner.date_joined.isoformat(),
        }
    ]
    assert data["waiting_to_be_sent"] == 0
    assert "pseudonim" in data["note"]  # in the language of the request (Romanian)


def test_a_revoked_certificate_voids_its_earned_statement_once(
    client, lrs, demo_site, media_root, django_capture_on_commit_callbacks
):
    from certificates.models import Certificate
    from certificates.services import certificate_revoke

    learner = sharing_learner()
    course, quiz = course_with_quiz()
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    earned = Statement.objects.get(learner=learner, verb="earned")
    certificate = Certificate.objects.get(learner=learner)
    admin = UserFactory(is_staff=True)
    certificate_revoke(certificate=certificate, by=admin, reason="Emis din greșeală")
    voided = Statement.objects.get(learner=learner, verb="voided").payload
    assert voided["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert voided["object"] == {"objectType": "StatementRef", "id": str(earned.pk)}
    assert voided["actor"] == earned.payload["actor"]
    # Revoking again changes nothing; the backfill rebuilds the same voiding statement.
    certificate_revoke(certificate=certificate, by=admin, reason="Din nou")
    assert Statement.objects.filter(verb="voided").count() == 1
    live = set(Statement.objects.values_list("pk", flat=True))
    Statement.objects.all().delete()
    today = timezone.localdate().isoformat()
    call_command("xapi_backfill", "--from", today, "--to", today)
    assert set(Statement.objects.values_list("pk", flat=True)) == live
