"""Surveys after a course (issue 17, items 4 and 6): the reaction survey at the end of a run and
the behaviour follow-up 90 days later.

An invitation belongs to one run (`courses.Enrollment`), one of each kind per run, and carries an
unguessable token: the survey's address. An answer references its invitation (so a second
answer is refused and the learner's erasure finds it) but reports and the trainers' view only
ever read aggregates and free texts without the invitation, so nothing a learner answers is
shown with their name.
"""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 32 random bytes, URL-safe base64: 43 characters. The URL converter accepts no longer token.
TOKEN_LENGTH = 43
COMMENT_MAX_LENGTH = 2000
LIKERT_MIN, LIKERT_MAX = 1, 5
COUNT_MAX = 99


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SurveyKind(models.TextChoices):
    REACTION = "reaction", _("End-of-course survey")
    FOLLOW_UP = "follow_up", _("90-day follow-up")


class SurveyInvitation(models.Model):
    """An invitation to answer one survey about one run.

    A reaction invitation is open from the run's completion; a follow-up invitation is created
    at completion too but is only open once its e-mail was sent (`sent_at`, claimed by a
    conditional UPDATE), and expires 60 days after that."""

    kind = models.CharField(_("kind"), max_length=16, choices=SurveyKind.choices)
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the invitation may be sent (follow-up: 90 days after the completion).
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "kind"], name="one_survey_per_run"),
        ]
        indexes = [
            # The daily beat looks for follow-ups due and not sent.
            models.Index(
                fields=["due_at"], condition=Q(sent_at__isnull=True), name="survey_not_sent_due"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.enrollment_id}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.sent_at is not None
            and self.answered_at is None
            and (self.expires_at is None or self.expires_at > now)
        )


def _likert(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(LIKERT_MIN), MaxValueValidator(LIKERT_MAX)],
    )


def _count(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MinValueValidator(0), MaxValueValidator(COUNT_MAX)]
    )


class ReactionAnswer(models.Model):
    """The end-of-course survey's answer: four ratings from 1 to 5 and an optional comment."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="reaction_answer",
    )
    relevance = _likert(_("relevance to my job"))
    clarity = _likert(_("clarity"))
    confidence = _likert(_("confidence to act"))
    recommend = _likert(_("would recommend"))
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("end-of-course survey answer")
        verbose_name_plural = _("end-of-course survey answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    relevance__gte=LIKERT_MIN,
                    relevance__lte=LIKERT_MAX,
                    clarity__gte=LIKERT_MIN,
                    clarity__lte=LIKERT_MAX,
                    confidence__gte=LIKERT_MIN,
                    confidence__lte=LIKERT_MAX,
                    recommend__gte=LIKERT_MIN,
                    recommend__lte=LIKERT_MAX,
                ),
                name="reaction_ratings_1_to_5",
            )
        ]

    def __str__(self):
        return str(self._meta.verbose_name)


class FollowUpAnswer(models.Model):
    """The 90-day follow-up's answer: yes/no and counts only, and an optional comment that
    `surveys.screening` checked for names, phone numbers and case details."""

    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="follow_up_answer",
    )
    noticed_indicators = models.BooleanField(_("noticed indicators"))
    conversations = _count(_("talked with a child or colleague about a concern (times)"))
    used_directory = models.BooleanField(_("used the referral directory"))
    notifications = _count(_("notified an authority (times)"))
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up answer")
        verbose_name_plural = _("follow-up answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(conversations__lte=COUNT_MAX, notifications__lte=COUNT_MAX),
                name="follow_up_counts_0_to_99",
            )
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    @property
    def acted(self) -> bool:
        return bool(
            self.noticed_indicators
            or self.conversations
            or self.used_directory
            or self.notifications
        )
