"""One row per question answered in a submitted attempt: what the measures of learning read.

Written once, when an attempt is graded (quizzes.services.attempt_submit), in the same
transaction; never rewritten. Item analysis, knowledge gain by objective and retention read
these with SQL aggregates instead of unpacking every attempt's JSON in Python.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemResponse(models.Model):
    attempt = models.ForeignKey(
        "quizzes.Attempt", on_delete=models.CASCADE, related_name="responses"
    )
    # Denormalised from the attempt so the aggregates need no join for their filters.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    quiz_key = models.UUIDField(_("quiz"))
    course_key = models.UUIDField(_("course"))
    question_key = models.UUIDField(_("question"))
    # The objective's shared key (any language), null when the question had none.
    objective_key = models.UUIDField(_("learning objective"), null=True, blank=True)
    # Credit earned, 0 to 1 (partial credit for a multiple response question).
    credit = models.DecimalField(_("credit"), max_digits=5, decimal_places=4)
    # The choices picked, as bits of their positions in the question (the same positions in
    # every language): bit i set = the i-th choice was picked. SQL counts each choice with `&`.
    selected = models.PositiveIntegerField(_("choices picked"), default=0)

    class Meta:
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_key"], name="one_response_per_item"
            )
        ]
        indexes = [
            models.Index(fields=["quiz_key", "question_key"]),
            models.Index(fields=["course_key", "objective_key"]),
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.question_key} · {self.credit}"


class MeasuredPair(models.Model):
    """A learner's matched pre-test and post-test in one run: their first pre-test attempt and
    their first post-test attempt drawn from the same pool, neither taken after the pool's
    answers were shown (evaluation.selectors says why these). Fixed when the post-test attempt
    is graded (quizzes.services.attempt_submit), so knowledge gain is an aggregate over one
    table instead of a search through every attempt."""

    enrollment = models.OneToOneField(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="measured_pair"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course_key = models.UUIDField(_("course"))
    run = models.PositiveSmallIntegerField(_("run"))
    pool_key = models.UUIDField(_("question pool"))
    pre_attempt = models.ForeignKey("quizzes.Attempt", on_delete=models.CASCADE, related_name="+")
    post_attempt = models.ForeignKey("quizzes.Attempt", on_delete=models.CASCADE, related_name="+")
    pre_score = models.DecimalField(_("pre-test score (%)"), max_digits=5, decimal_places=2)
    post_score = models.DecimalField(_("post-test score (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("matched pre/post pair")
        verbose_name_plural = _("matched pre/post pairs")

    def __str__(self):
        return f"{self.learner_id} · {self.course_key} · {self.run}"
