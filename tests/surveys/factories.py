"""Completed runs with their survey invitations, built through the services."""

import uuid
from datetime import timedelta

from django.utils import timezone

from courses.models import Enrollment
from surveys import services
from surveys.models import SurveyInvitation, SurveyKind

REACTION_VALID = {"relevance": "5", "clarity": "4", "confidence": "3", "recommend": "5"}
FOLLOW_UP_VALID = {
    "noticed_indicators": "yes",
    "conversations": "2",
    "used_directory": "no",
    "notifications": "0",
}


def completed_run(learner, course_key=None, *, days_ago=1, run=1, now=None):
    """A run completed `days_ago` days before `now`, invited as the signal would."""
    now = now or timezone.now()
    completed_at = now - timedelta(days=days_ago)
    enrollment = Enrollment.objects.create(
        learner=learner,
        course_key=course_key or uuid.uuid4(),
        run=run,
        started_at=completed_at - timedelta(days=3),
        completed_at=completed_at,
    )
    services.invitations_create(
        learner_id=learner.pk,
        course_key=enrollment.course_key,
        run=run,
        completed_at=completed_at,
        now=now,
    )
    return enrollment


def invitation(enrollment, kind=SurveyKind.REACTION) -> SurveyInvitation:
    return SurveyInvitation.objects.get(enrollment=enrollment, kind=kind)


def survey_url(invitation_or_token, language="ro") -> str:
    token = getattr(invitation_or_token, "token", invitation_or_token)
    return f"/{language}/learning/surveys/{token}/"
