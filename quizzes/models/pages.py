"""Quiz pages and their questions and choices (a modelcluster, so unsaved quizzes preview)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from courses.models import CourseStepMixin
from elearning.infrastructure.slugs import PageForm


class QuizKind(models.TextChoices):
    FINAL = "final", _("Graded final quiz")
    PRACTICE = "practice", _("Practice quiz")
    PRE_TEST = "pre_test", _("Pre-test")
    POST_TEST = "post_test", _("Post-test")


class ReviewPolicy(models.TextChoices):
    NEVER = "never", _("Never show the correct answers")
    AFTER_EACH = "after_each", _("After each attempt")
    ONCE_PASSED = "once_passed", _("Once the learner has passed")
    AFTER_LAST = "after_last", _("After the last attempt")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple response")
    TRUE_FALSE = "true_false", _("True or false")


class QuizPage(CourseStepMixin, Page):
    base_form_class = PageForm
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    kind = models.CharField(
        _("kind"), max_length=16, choices=QuizKind.choices, default=QuizKind.FINAL
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited attempts."),
    )
    cooldown_minutes = models.PositiveIntegerField(_("wait between attempts (minutes)"), default=0)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no time limit. Enforced on the server."),
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Drawn at random from the questions below; leave empty to ask them all."),
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=True)
    review_policy = models.CharField(
        _("show the correct answers"),
        max_length=16,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.AFTER_LAST,
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("cooldown_minutes"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("draw_count"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("review_policy"),
            ],
            heading=_("Settings"),
        ),
        InlinePanel("questions", label=_("Questions"), min_num=1),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @property
    def counts_for_completion(self) -> bool:
        # Only a graded final quiz stands between a learner and the course's completion.
        return self.kind == QuizKind.FINAL

    @property
    def review_policy_text(self) -> str:
        """What the learner will see after an attempt, said from the review policy itself, so
        the quiz page never promises what the result page withholds (the trainer's intro
        leaves feedback out)."""
        policy = self.review_policy
        if self.max_attempts == 1 and policy in (ReviewPolicy.AFTER_EACH, ReviewPolicy.AFTER_LAST):
            return _(
                "Once you have submitted your answers, you see the correct answers and their "
                "explanations."
            )
        if policy == ReviewPolicy.AFTER_EACH:
            return _("After each attempt you see the correct answers and their explanations.")
        if policy == ReviewPolicy.ONCE_PASSED or (
            policy == ReviewPolicy.AFTER_LAST and self.max_attempts is None
        ):
            return _(
                "After each attempt you see your score; the correct answers and their "
                "explanations are shown once you have passed."
            )
        if policy == ReviewPolicy.AFTER_LAST:
            return _(
                "After each attempt you see your score; the correct answers and their "
                "explanations are shown once you have passed or used your last attempt."
            )
        return _("After each attempt you see your score; the correct answers are not shown.")

    def clean(self):
        super().clean()
        if self.draw_count and self.pk and self.draw_count > self.questions.count():
            raise ValidationError({"draw_count": _("There are fewer questions than that.")})

    def serve(self, request, *args, **kwargs):
        from quizzes.views import quiz_page

        return quiz_page(request, self)


class Question(Orderable, ClusterableModel):
    page = ParentalKey(QuizPage, related_name="questions", on_delete=models.CASCADE)
    # Pairs the question with its translations: copied unchanged when the page is translated.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(
        _("type"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    scenario = models.TextField(_("scenario"), blank=True, help_text=_("A short case, optional."))
    text = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after submission.")
    )
    partial_credit = models.BooleanField(
        _("partial credit"),
        default=False,
        help_text=_("Multiple response only: score each choice instead of all-or-nothing."),
    )
    # Any language's version of the lesson: learners are sent to its translation in theirs
    # (a translated quiz keeps pointing at the source lesson).
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The lesson of this course that teaches the answer. A learner who misses the "
            "question and has to wait before trying again is told to go back over it."
        ),
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("scenario"),
        FieldPanel("text"),
        FieldPanel("explanation"),
        FieldPanel("partial_credit"),
        FieldPanel("lesson"),
        InlinePanel("choices", label=_("Choices"), min_num=2),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text[:80]


class Choice(Orderable):
    question = ParentalKey(Question, related_name="choices", on_delete=models.CASCADE)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), blank=True)

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text[:80]
