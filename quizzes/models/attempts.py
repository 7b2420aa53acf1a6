"""Attempts, keyed by the quiz's translation_key like all progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Expired")


class Attempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz_key = models.UUIDField(_("quiz"))
    course_key = models.UUIDField(_("course"))
    # The learner's run of the course the attempt belongs to (courses.models.Enrollment.run):
    # attempt limits and cooldowns count within a run; numbers start at 1 in each run.
    run = models.PositiveSmallIntegerField(_("run"), default=1)
    number = models.PositiveSmallIntegerField(_("attempt number"))
    # The page, and so the language, it was last shown and submitted on (choice ids differ
    # between translations; keys do not).
    page = models.ForeignKey(
        "quizzes.QuizPage", null=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The drawn questions in the order shown, and each question's choices in the order shown.
    question_keys = models.JSONField(default=list)
    choice_order = models.JSONField(default=dict)
    # {question_key: [choice_key, ...]} as submitted.
    answers = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("passed"), null=True)
    # Set when the attempt starts on a pre-test's questions (the pre-test itself, or a post-test
    # matched with it): the pre-test's translation key. A pre-test and a post-test attempt
    # measure the same objectives, and pair up for knowledge gain, only when their pools agree.
    pool_key = models.UUIDField(_("question pool"), null=True, blank=True)
    # Set when the attempt starts: the learner could already see the correct answers of this
    # quiz (an earlier attempt's review, per the review policy). Its score then measures memory
    # of the answers, not knowledge, and the impact figures leave it out.
    answers_revealed = models.BooleanField(
        _("correct answers seen before this attempt"), default=False
    )

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # The database, not the view, guarantees one attempt in progress and the numbering
            # that caps the number of attempts, whatever arrives concurrently.
            models.UniqueConstraint(
                fields=["learner", "quiz_key"],
                condition=Q(status=AttemptStatus.IN_PROGRESS),
                name="one_attempt_in_progress",
            ),
            models.UniqueConstraint(
                fields=["learner", "quiz_key", "run", "number"], name="unique_attempt_number_in_run"
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "quiz_key"]),
            models.Index(fields=["course_key"]),
        ]

    def __str__(self):
        return f"{self.learner} · {self.quiz_key} · {self.run}.{self.number}"

    def is_past_deadline(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) > self.deadline
