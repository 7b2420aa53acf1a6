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


class QuizPageForm(PageForm):
    """Questions offer only their course's learning objectives (in any of its languages: a
    translated quiz keeps pointing at the Romanian ones); a quiz needs questions unless it asks
    the pre-test's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = self.formsets.get("questions")
        if questions is None or self.parent_page is None:
            return
        from courses.models import LearningObjective

        objectives = LearningObjective.objects.for_course_key(
            self.parent_page.translation_key
        ).select_related("course")
        add_fields = questions.add_fields

        def restricted(form, index):
            add_fields(form, index)
            if "objective" in form.fields:
                form.fields["objective"].queryset = objectives

        # Every question form, the blank one for "add" included, is built through add_fields.
        questions.add_fields = restricted

    def clean(self):
        cleaned = super().clean()
        questions = self.formsets.get("questions")
        if questions is not None and not cleaned.get("matched_with_pre_test"):
            if not any(self._kept(questions, form) for form in questions.forms):
                self.add_error(None, _("Add at least one question."))
        return cleaned

    @staticmethod
    def _kept(formset, form) -> bool:
        """A question form that will be saved (the formset is cleaned after the page form, so
        this reads its deletion mark from the submitted data)."""
        if not (form.has_changed() or form.instance.pk):
            return False
        if formset.can_delete and "DELETE" in form.fields:
            try:
                return not form.fields["DELETE"].clean(form["DELETE"].data)
            except ValidationError:
                return True
        return True


class QuizPage(CourseStepMixin, Page):
    base_form_class = QuizPageForm
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
    per_objective = models.PositiveSmallIntegerField(
        _("questions per learning objective"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "Draw this many questions for each of the course's learning objectives (questions "
            "without an objective are not asked). For pre-tests: the post-test and the "
            "retention checks then measure the same objectives."
        ),
    )
    matched_with_pre_test = models.BooleanField(
        _("ask the pre-test's questions (matched pre/post)"),
        default=False,
        help_text=_(
            "Post-tests only. The post-test has no questions of its own: each learner gets, for "
            "every objective, as many of the pre-test's questions as the pre-test drew, choosing "
            "ones they did not see in their pre-test where there are enough. Knowledge gain is "
            "only computed for matched pre/post tests."
        ),
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
                FieldPanel("per_objective"),
                FieldPanel("matched_with_pre_test"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("review_policy"),
            ],
            heading=_("Settings"),
        ),
        InlinePanel("questions", label=_("Questions")),
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

    @property
    def draws_from_pre_test(self) -> bool:
        return self.kind == QuizKind.POST_TEST and self.matched_with_pre_test

    def clean(self):
        super().clean()
        if self.draw_count and self.pk and self.draw_count > self.questions.count():
            raise ValidationError({"draw_count": _("There are fewer questions than that.")})
        if self.matched_with_pre_test and self.kind != QuizKind.POST_TEST:
            raise ValidationError(
                {"matched_with_pre_test": _("Only a post-test can ask the pre-test's questions.")}
            )
        if (
            self.kind in (QuizKind.PRE_TEST, QuizKind.POST_TEST)
            and self.review_policy != (ReviewPolicy.NEVER)
            and (self.per_objective or self.matched_with_pre_test)
        ):
            # The pool's answers would reach the post-test and the retention checks.
            raise ValidationError(
                {
                    "review_policy": _(
                        "A matched pre-test or post-test never shows the correct answers: its "
                        "questions are asked again after the course."
                    )
                }
            )

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

    # One objective per question: the item measures it (reports cut scores by its key).
    objective = models.ForeignKey(
        "courses.LearningObjective",
        verbose_name=_("learning objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        help_text=_(
            "What this question measures. Questions without one are left out of draws "
            "by objective and of the results by objective."
        ),
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("scenario"),
        FieldPanel("text"),
        FieldPanel("explanation"),
        FieldPanel("partial_credit"),
        FieldPanel("objective"),
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
