"""The end-of-course survey through the client: invited when a run is completed, answered
once, bad input refused with a 4xx and nothing stored."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from courses.models import CoursePage
from surveys.models import ReactionAnswer, SurveyInvitation, SurveyKind
from tests.courses.factories import lessons_of, make_course
from tests.elearning.factories import UserFactory

from .factories import REACTION_VALID, completed_run, invitation, survey_url

pytestmark = pytest.mark.django_db


def test_completing_a_course_invites_to_the_survey_shown_on_my_learning(
    client, demo_site, django_capture_on_commit_callbacks
):
    course = make_course(lessons=1, slug="curs-sondaj", title="Curs sondaj")
    learner = UserFactory(full_name="Ana Pop")
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ro/learning/courses/{course.pk}/start/")
        response = client.post(f"/ro/learning/lessons/{lesson.pk}/complete/")
    assert response.status_code == 302
    reaction = SurveyInvitation.objects.get(enrollment__learner=learner, kind=SurveyKind.REACTION)
    follow_up = SurveyInvitation.objects.get(enrollment__learner=learner, kind=SurveyKind.FOLLOW_UP)
    assert reaction.sent_at is not None and reaction.expires_at > timezone.now()
    # The follow-up waits 90 days after the completion.
    assert follow_up.sent_at is None
    completed_at = reaction.enrollment.completed_at
    assert follow_up.due_at == completed_at + timedelta(days=90)
    # The e-mail, in Romanian, with the survey's address.
    survey_mails = [m for m in mail.outbox if reaction.token in m.body]
    assert len(survey_mails) == 1
    assert "Curs sondaj" in survey_mails[0].subject
    assert "Bună ziua" in survey_mails[0].body or "Ana Pop" in survey_mails[0].body
    assert f"/ro/learning/surveys/{reaction.token}/" in survey_mails[0].body
    # "My learning" links to it beside the completed course.
    page = client.get("/ro/learning/").content.decode()
    assert survey_url(reaction) in page
    # The survey, with the warning; answered once.
    page = client.get(survey_url(reaction))
    assert page.status_code == 200
    assert "Nu scrieți nume, numere de telefon sau detalii despre cazuri." in page.content.decode()
    response = client.post(survey_url(reaction), {**REACTION_VALID, "comment": "Foarte util."})
    assert response.status_code == 302
    answer = ReactionAnswer.objects.get()
    assert (answer.relevance, answer.clarity, answer.confidence, answer.recommend) == (5, 4, 3, 5)
    assert answer.comment == "Foarte util."
    # No longer offered on "My learning"; a second answer is refused and changes nothing.
    assert survey_url(reaction) not in client.get("/ro/learning/").content.decode()
    again = client.post(survey_url(reaction), {**REACTION_VALID, "relevance": "1"})
    assert again.status_code == 409
    assert ReactionAnswer.objects.get().relevance == 5
    assert client.get(survey_url(reaction)).status_code == 200


def test_a_redelivered_completion_invites_once(demo_site):
    learner = UserFactory()
    enrollment = completed_run(learner)
    from surveys import services

    mail.outbox.clear()
    created = services.invitations_create(
        learner_id=learner.pk,
        course_key=enrollment.course_key,
        run=1,
        completed_at=enrollment.completed_at,
    )
    assert created == []
    assert SurveyInvitation.objects.count() == 2
    assert mail.outbox == []


def test_the_email_is_in_the_learners_language(demo_site):
    learner = UserFactory(preferred_language="en")
    mail.outbox.clear()
    enrollment = completed_run(learner)
    token = invitation(enrollment).token
    (message,) = mail.outbox
    assert f"/en/learning/surveys/{token}/" in message.body
    assert "Would you tell us what you thought of it?" in message.body


@pytest.fixture
def answering(client, demo_site):
    learner = UserFactory()
    client.force_login(learner)
    return invitation(completed_run(learner))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"relevance": "6"}, "Alegeți o notă de la 1 la 5."),
        ({"clarity": "0"}, "Alegeți o notă de la 1 la 5."),
        ({"confidence": "abc"}, "Alegeți o notă de la 1 la 5."),
        ({"recommend": "9" * 400}, "Alegeți o notă de la 1 la 5."),
        ({"relevance": ""}, "Alegeți o notă de la 1 la 5."),
        ({"comment": "x" * 100_000}, "Scrieți cel mult 2000 de caractere"),
        ({"comment": "Am sunat la 0722 123 456 imediat."}, "Nu scrieți numere de telefon."),
        ({"comment": "Numele copilului este Ionel."}, "Nu scrieți numele nimănui."),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(client, answering, change, message):
    response = client.post(survey_url(answering), {**REACTION_VALID, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReactionAnswer.objects.exists()
    answering.refresh_from_db()
    assert answering.answered_at is None


def test_another_learners_forged_or_huge_token_is_404(client, answering):
    other = UserFactory()
    client.force_login(other)
    assert client.get(survey_url(answering)).status_code == 404
    assert client.post(survey_url(answering), REACTION_VALID).status_code == 404
    client.force_login(answering.enrollment.learner)
    assert client.get(survey_url("A" * 43)).status_code == 404
    assert client.get(survey_url("A" * 5000)).status_code == 404
    assert client.get(survey_url("not a token!")).status_code == 404
    assert client.get(survey_url(answering.token + "%00")).status_code == 404
    assert not ReactionAnswer.objects.exists()


def test_anonymous_visitors_are_asked_to_log_in(client, demo_site):
    learner = UserFactory()
    token = invitation(completed_run(learner)).token
    response = client.get(survey_url(token))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_expired_invitation_is_410_and_stores_nothing(client, answering):
    SurveyInvitation.objects.filter(pk=answering.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(survey_url(answering))
    assert response.status_code == 410
    assert "Acest chestionar s-a închis" in response.content.decode()
    assert client.post(survey_url(answering), REACTION_VALID).status_code == 410
    assert not ReactionAnswer.objects.exists()


def test_the_reaction_invitation_expires_60_days_after_it_is_sent(demo_site):
    learner = UserFactory()
    reaction = invitation(completed_run(learner))
    assert reaction.expires_at - reaction.sent_at == timedelta(days=60)


def test_the_english_survey_page(client, answering):
    page = client.get(survey_url(answering, "en")).content.decode()
    assert "Do not write names, phone numbers or case details." in page
    assert CoursePage  # the course of a bare run has no page: the title is empty, not an error
