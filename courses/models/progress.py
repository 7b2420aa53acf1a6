"""Learner progress, keyed by translation_key so it holds across languages."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    course_key = models.UUIDField(_("course"), db_index=True)
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
                fields=["learner", "course_key"], name="one_enrollment_per_course"
            )
        ]

    def __str__(self):
        return f"{self.learner} · {self.course_key}"


class StepCompletion(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="step_completions",
    )
    course_key = models.UUIDField(_("course"))
    step_key = models.UUIDField(_("step"))
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        verbose_name = _("completed step")
        verbose_name_plural = _("completed steps")
        constraints = [
            models.UniqueConstraint(fields=["learner", "step_key"], name="one_completion_per_step")
        ]
        indexes = [models.Index(fields=["learner", "course_key"])]

    def __str__(self):
        return f"{self.learner} · {self.step_key}"
