"""A retention check: one per completed run and age (30 or 180 days), claimed by inserting it
(the unique constraint lets one of two beat runs win), answered once."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckAge(models.IntegerChoices):
    DAYS_30 = 30, _("30 days")
    DAYS_180 = 180, _("180 days")


# How long each check stays open after it falls due: the 30-day check until the 60th day, the
# 180-day check for two months, so each measures memory at about its age.
OPEN_DAYS = {CheckAge.DAYS_30: 30, CheckAge.DAYS_180: 60}


def new_token() -> str:
    # 32 random bytes: the link in the e-mail is the invitation; it is never guessable.
    return secrets.token_urlsafe(32)


class RetentionCheck(models.Model):
    enrollment = models.ForeignKey(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="retention_checks"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retention_checks"
    )
    course_key = models.UUIDField(_("course"))
    age_days = models.PositiveSmallIntegerField(_("age (days)"), choices=CheckAge.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The pre-test whose pool the check draws from (quizzes.Attempt.pool_key's meaning).
    pool_key = models.UUIDField(_("question pool"))
    invited_at = models.DateTimeField(_("invited"))
    expires_at = models.DateTimeField(_("open until"))
    # The drawn questions in the order shown and each one's choices in the order shown (keys:
    # the same in every language), as quizzes.Attempt stores them.
    question_keys = models.JSONField(default=list)
    choice_order = models.JSONField(default=dict)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("passed"), null=True)
    # Fixed at the invitation: the course's final quiz pass mark (else the pre-test's).
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))

    class Meta:
        verbose_name = _("retention check")
        verbose_name_plural = _("retention checks")
        constraints = [
            # The claim: whatever runs concurrently, one check (and one e-mail) per run and age.
            models.UniqueConstraint(fields=["enrollment", "age_days"], name="one_check_per_age")
        ]
        indexes = [models.Index(fields=["learner", "course_key"])]

    def __str__(self):
        return f"{self.learner_id} · {self.course_key} · {self.age_days}"


class RetentionResponse(models.Model):
    """One row per question answered in a check, like quizzes.ItemResponse: what the results
    by objective read."""

    retention_check = models.ForeignKey(
        RetentionCheck, on_delete=models.CASCADE, related_name="responses"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course_key = models.UUIDField(_("course"))
    question_key = models.UUIDField(_("question"))
    objective_key = models.UUIDField(_("learning objective"), null=True, blank=True)
    credit = models.DecimalField(_("credit"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("answer to a retention check")
        verbose_name_plural = _("answers to retention checks")
        constraints = [
            models.UniqueConstraint(
                fields=["retention_check", "question_key"], name="one_retention_response_per_item"
            )
        ]
        indexes = [models.Index(fields=["course_key", "objective_key"])]

    def __str__(self):
        return f"{self.retention_check_id} · {self.question_key} · {self.credit}"
