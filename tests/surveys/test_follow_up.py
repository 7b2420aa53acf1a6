"""The 90-day follow-up: sent once when due (beat, command), never to erased or inactive
accounts; answered once with yes/no and counts; free text screened."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.personal_data import account_erase, personal_data_export
from surveys import services
from surveys.models import FollowUpAnswer, ReactionAnswer, SurveyInvitation, SurveyKind
from tests.elearning.factories import UserFactory

from .factories import FOLLOW_UP_VALID, REACTION_VALID, completed_run, invitation, survey_url

pytestmark = pytest.mark.django_db


def test_due_follow_ups_are_sent_once(demo_site):
    due = completed_run(UserFactory(), days_ago=91)
    not_due = completed_run(UserFactory(), days_ago=80)
    inactive = completed_run(UserFactory(is_active=False), days_ago=120)
    erased_learner = UserFactory()
    erased = completed_run(erased_learner, days_ago=120)
    account_erase(erased_learner)
    mail.outbox.clear()
    assert services.follow_ups_send() == 1
    assert services.follow_ups_send() == 0  # a second beat run the same day sends nothing
    (message,) = mail.outbox
    follow_up = invitation(due, SurveyKind.FOLLOW_UP)
    assert follow_up.token in message.body
    assert follow_up.expires_at - follow_up.sent_at == timedelta(days=60)
    assert invitation(not_due, SurveyKind.FOLLOW_UP).sent_at is None
    assert invitation(inactive, SurveyKind.FOLLOW_UP).sent_at is None
    assert not SurveyInvitation.objects.filter(enrollment=erased).exists()


def test_a_claim_is_won_once(demo_site):
    follow_up = invitation(completed_run(UserFactory(), days_ago=95), SurveyKind.FOLLOW_UP)
    now = timezone.now()
    assert services.invitation_send_claim(invitation_id=follow_up.pk, now=now)
    assert not services.invitation_send_claim(invitation_id=follow_up.pk, now=now)


def test_the_command_moves_time_forward(demo_site):
    follow_up = invitation(completed_run(UserFactory(), days_ago=10), SurveyKind.FOLLOW_UP)
    call_command("send_evaluation_invitations")
    follow_up.refresh_from_db()
    assert follow_up.sent_at is None
    later = (timezone.localdate() + timedelta(days=85)).isoformat()
    call_command("send_evaluation_invitations", today=later)
    follow_up.refresh_from_db()
    assert follow_up.sent_at is not None
    with pytest.raises(CommandError):
        call_command("send_evaluation_invitations", today="31-12-2026")


@pytest.fixture
def follow_up(client, demo_site):
    learner = UserFactory()
    follow_up = invitation(completed_run(learner, days_ago=91), SurveyKind.FOLLOW_UP)
    services.follow_ups_send()
    follow_up.refresh_from_db()
    client.force_login(learner)
    return follow_up


def test_a_follow_up_not_sent_yet_is_404(client, demo_site):
    learner = UserFactory()
    client.force_login(learner)
    waiting = invitation(completed_run(learner, days_ago=10), SurveyKind.FOLLOW_UP)
    assert client.get(survey_url(waiting)).status_code == 404


def test_the_follow_up_is_answered_once(client, follow_up):
    page = client.get(survey_url(follow_up)).content.decode()
    assert "Nu scrieți nume, numere de telefon sau detalii despre cazuri." in page
    response = client.post(
        survey_url(follow_up), {**FOLLOW_UP_VALID, "comment": "Am discutat cu colegii."}
    )
    assert response.status_code == 302
    answer = FollowUpAnswer.objects.get()
    assert (answer.noticed_indicators, answer.conversations, answer.used_directory) == (
        True,
        2,
        False,
    )
    assert answer.acted
    assert client.post(survey_url(follow_up), FOLLOW_UP_VALID).status_code == 409
    assert FollowUpAnswer.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"conversations": "100"},
        {"notifications": "-1"},
        {"notifications": "9" * 500},
        {"noticed_indicators": "maybe"},
        {"used_directory": ""},
        {"comment": "Copilul locuiește pe str. Florilor nr. 3."},
        {"comment": "Am sunat la +40 722 123 456."},
        {"comment": "CNP 1850101123456"},
        {"comment": "y" * 100_000},
    ],
)
def test_bad_follow_up_answers_are_refused(client, follow_up, change):
    response = client.post(survey_url(follow_up), {**FOLLOW_UP_VALID, **change})
    assert response.status_code == 400
    assert not FollowUpAnswer.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.answered_at is None


def test_the_data_download_includes_answers_and_erasure_removes_them(client, follow_up):
    learner = follow_up.enrollment.learner
    reaction = invitation(follow_up.enrollment)
    client.post(survey_url(reaction), {**REACTION_VALID, "comment": "Util."})
    client.post(survey_url(follow_up), FOLLOW_UP_VALID)
    data = personal_data_export(learner)["surveys"]
    answers = {item["survey"]: item["answer"] for item in data}
    assert answers["reaction"]["comment"] == "Util."
    assert answers["follow_up"]["conversations"] == 2
    account_erase(learner)
    assert not SurveyInvitation.objects.exists()
    assert not ReactionAnswer.objects.exists() and not FollowUpAnswer.objects.exists()
