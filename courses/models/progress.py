"""Learner progress, keyed by translation_key so it holds across languages.

A learner's work on a course is a *run*: the first time through, then each retake or renewal.
An `Enrollment` row is one run (numbered 1, 2, … per learner and course; exactly one is
`current`); step completions, quiz attempts and certificates carry the run's number. Earlier
runs are history: nothing of theirs is rewritten when a new run starts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    FIRST = "first", _("First time")
    RETAKE = "retake", _("Retake")
    RENEWAL = "renewal", _("Renewal")


class Enrollment(models.Model):
    """One run of a learner through a course (see the module's docstring)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    course_key = models.UUIDField(_("course"), db_index=True)
    run = models.PositiveSmallIntegerField(_("run"), default=1)
    current = models.BooleanField(_("current run"), default=True)
    kind = models.CharField(
        _("kind of run"), max_length=16, choices=RunKind.choices, default=RunKind.FIRST
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_step_key = models.UUIDField(_("last step visited"), null=True, blank=True)
    last_visited_at = models.DateTimeField(_("last visit"), default=timezone.now)
    # Set when a coordinator enrols the learner; overdue once the day has passed unfinished.
    due_on = models.DateField(_("due date"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The last overdue reminder, so a learner hears at most once a week per course.
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course_key", "run"], name="one_run_number_per_course"
            ),
            # The database, not the view, keeps one current run whatever arrives concurrently.
            models.UniqueConstraint(
                fields=["learner", "course_key"],
                condition=Q(current=True),
                name="one_current_run_per_course",
            ),
        ]

    def __str__(self):
        return f"{self.learner} · {self.course_key} · {self.run}"


class StepCompletion(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="step_completions",
    )
    course_key = models.UUIDField(_("course"))
    step_key = models.UUIDField(_("step"))
    run = models.PositiveSmallIntegerField(_("run"), default=1)
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)
    # Copied from the previous run when a renewal starts and the course's re-certification
    # lets this step carry over (completed_at stays the original completion's).
    carried_over = models.BooleanField(_("carried over from the previous run"), default=False)

    class Meta:
        verbose_name = _("completed step")
        verbose_name_plural = _("completed steps")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "step_key", "run"], name="one_completion_per_step_and_run"
            )
        ]
        # A learner's steps in a course's run, read from the index alone (the lesson's progress,
        # the report's steps-done column per row); the (learner, course_key) prefix serves what
        # reads every run.
        indexes = [
            models.Index(
                fields=["learner", "course_key", "run", "step_key"],
                name="completion_learner_run_step",
            )
        ]

    def __str__(self):
        return f"{self.learner} · {self.step_key}"


class RecertificationCampaign(models.Model):
    """ "Everyone certified before now re-certifies by <date>": a course's re-certification,
    asked of every holder of a current certificate (the certificates app marks theirs, sends
    the reminders and shows "renewal overdue" after the date). One open campaign per course;
    a new one closes the one before."""

    course_key = models.UUIDField(_("course"), db_index=True)
    required_by = models.DateField(_("re-certification required by"))
    reason_ro = models.TextField(_("reason shown to learners (Romanian)"), max_length=600)
    reason_en = models.TextField(_("reason shown to learners (English)"), max_length=600)
    # Translation keys of the steps a renewal run keeps from the previous run: only the others
    # (the lessons that changed) must be done again.
    carry_over_step_keys = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-certification campaign")
        verbose_name_plural = _("re-certification campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["course_key"],
                condition=Q(closed_at__isnull=True),
                name="one_open_recertification_per_course",
            )
        ]

    def __str__(self):
        return f"{self.course_key} · {self.required_by:%Y-%m-%d}"

    def reason(self, language: str) -> str:
        return self.reason_en if language == "en" and self.reason_en else self.reason_ro
