"""Writes of the surveys: invitations when a run is completed, sending them once, answers once.

Every send is claimed first by one conditional UPDATE (`invitation_send_claim`), so two beat
runs, a redelivered task or two workers never send an invitation twice; every answer claims its
invitation the same way (`answered_at`), so a second submission changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from courses.models import Enrollment
from elearning.infrastructure.queueing import send_now

from .models import FollowUpAnswer, ReactionAnswer, SurveyInvitation, SurveyKind

# How long after its e-mail an invitation can be answered, and when the follow-up is due.
OPEN_FOR = timedelta(days=60)
FOLLOW_UP_AFTER = timedelta(days=90)


class SurveyError(Exception):
    pass


class SurveyClosed(SurveyError):
    """The invitation expired (or was never sent): 410."""


class SurveyAnswered(SurveyError):
    """The invitation was answered already: 409."""


def invitations_create(
    *, learner_id: int, course_key, run: int, completed_at: datetime, now: datetime | None = None
) -> list[SurveyInvitation]:
    """The run's two invitations (once: a redelivered signal creates nothing), the reaction
    invitation sent at once, the follow-up due 90 days after the completion. Returns the
    invitations created by this call."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.filter(
        learner_id=learner_id, course_key=course_key, run=run
    ).first()
    if enrollment is None:
        return []
    created = []
    for kind, due_at in (
        (SurveyKind.REACTION, now),
        (SurveyKind.FOLLOW_UP, completed_at + FOLLOW_UP_AFTER),
    ):
        invitation, was_created = SurveyInvitation.objects.get_or_create(
            enrollment=enrollment, kind=kind, defaults={"due_at": due_at, "created_at": now}
        )
        if was_created:
            created.append(invitation)
    reaction = next((i for i in created if i.kind == SurveyKind.REACTION), None)
    if reaction is not None:
        invitation_send(invitation_id=reaction.pk, now=now)
    return created


def invitation_send_claim(*, invitation_id: int, now: datetime) -> bool:
    """Claim the invitation's e-mail before it is sent: one conditional UPDATE that matches
    only an invitation not sent yet, due, whose learner can still be written to (active, not
    erased). Opens it for OPEN_FOR from now. False when someone else claimed it."""
    return bool(
        SurveyInvitation.objects.filter(
            pk=invitation_id,
            sent_at__isnull=True,
            due_at__lte=now,
            enrollment__learner__is_active=True,
            enrollment__learner__erased_at__isnull=True,
        ).update(sent_at=now, expires_at=now + OPEN_FOR)
    )


def invitation_send(*, invitation_id: int, now: datetime | None = None) -> bool:
    """Claim the invitation and queue its e-mail (in the learner's language). True if this
    call claimed it."""
    from .tasks import send_survey_invitation_email

    now = now or timezone.now()
    if not invitation_send_claim(invitation_id=invitation_id, now=now):
        return False
    send_now(send_survey_invitation_email, [invitation_id])
    return True


def follow_ups_send(*, now: datetime | None = None) -> int:
    """Send every follow-up invitation that is due (90 days after its run's completion) and not
    sent, to learners who can still be written to; each claimed before its e-mail is queued.
    Returns how many were sent by this call."""
    from .selectors import follow_ups_due

    now = now or timezone.now()
    sent = 0
    for invitation_id in (
        follow_ups_due(now=now).values_list("pk", flat=True).iterator(chunk_size=500)
    ):
        if invitation_send(invitation_id=invitation_id, now=now):
            sent += 1
    return sent


def _answer_claim(*, invitation: SurveyInvitation, now: datetime) -> None:
    """Mark the invitation answered, once: raises SurveyAnswered or SurveyClosed instead."""
    claimed = SurveyInvitation.objects.filter(
        pk=invitation.pk, answered_at__isnull=True, sent_at__isnull=False, expires_at__gt=now
    ).update(answered_at=now)
    if claimed:
        return
    invitation.refresh_from_db()
    if invitation.answered_at is not None:
        raise SurveyAnswered
    raise SurveyClosed


@transaction.atomic
def reaction_answer_record(
    *, invitation: SurveyInvitation, answers: dict, now: datetime | None = None
) -> ReactionAnswer:
    """Store the end-of-course survey's answer (validated by surveys.forms.ReactionForm), once."""
    now = now or timezone.now()
    if invitation.kind != SurveyKind.REACTION:
        raise SurveyClosed
    _answer_claim(invitation=invitation, now=now)
    return ReactionAnswer.objects.create(
        invitation=invitation,
        relevance=answers["relevance"],
        clarity=answers["clarity"],
        confidence=answers["confidence"],
        recommend=answers["recommend"],
        comment=answers.get("comment") or "",
        created_at=now,
    )


@transaction.atomic
def follow_up_answer_record(
    *, invitation: SurveyInvitation, answers: dict, now: datetime | None = None
) -> FollowUpAnswer:
    """Store the follow-up's answer (validated by surveys.forms.FollowUpForm), once."""
    now = now or timezone.now()
    if invitation.kind != SurveyKind.FOLLOW_UP:
        raise SurveyClosed
    _answer_claim(invitation=invitation, now=now)
    return FollowUpAnswer.objects.create(
        invitation=invitation,
        noticed_indicators=answers["noticed_indicators"],
        conversations=answers["conversations"],
        used_directory=answers["used_directory"],
        notifications=answers["notifications"],
        comment=answers.get("comment") or "",
        created_at=now,
    )


def learner_surveys_erase(learner) -> None:
    """Account erasure: the learner's invitations and answers go. Aggregates computed
    afterwards count fewer answers (and fewer people invited); nothing is anonymised and kept,
    because a free text could still say who wrote it."""
    SurveyInvitation.objects.filter(enrollment__learner=learner).delete()
