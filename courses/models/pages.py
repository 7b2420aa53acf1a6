"""The catalogue, courses and lessons."""

from contextlib import suppress

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.models import ProfessionalRole
from courses.blocks import LessonBodyBlock
from elearning.infrastructure.slugs import PageForm


class CourseStepMixin:
    """A page that is one step of a course (a lesson here; quizzes add their own).

    Steps are the course page's live children in tree order. `counts_for_completion` says
    whether the course is complete without it; `can_mark_complete` whether the learner
    completes it with the "Mark as complete" button (a quiz is completed by passing it).
    """

    is_course_step = True
    can_mark_complete = False

    @property
    def counts_for_completion(self) -> bool:
        return True

    def get_course(self) -> "CoursePage":
        """The course this step belongs to (its parent, as a CoursePage), from the cache when
        the page tree has not changed since (see courses.selectors.course_of_step)."""
        from courses.selectors import course_of_step

        return course_of_step(step=self)


class CourseIndexPage(Page):
    """The catalogue: every course in the active language."""

    base_form_class = PageForm

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["elearning.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")

    def serve(self, request, *args, **kwargs):
        from courses.views import catalogue

        return catalogue(request, self)


class CoursePageForm(PageForm):
    target_roles = forms.MultipleChoiceField(
        label=_("target roles"),
        choices=ProfessionalRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The catalogue shows the course first to these learners."),
    )


class CoursePage(Page):
    summary = models.TextField(_("summary"), max_length=600)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image_alt = models.CharField(
        _("cover image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Required with a cover image: what it shows, for people who cannot see it."),
    )
    target_roles = models.JSONField(_("target roles"), default=list, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=45)
    learning_outcomes = StreamField(
        [("outcome", blocks.CharBlock(label=_("outcome"), max_length=300))],
        blank=True,
        verbose_name=_("learning outcomes"),
    )
    issues_certificate = models.BooleanField(_("issues a certificate"), default=True)
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the certificate does not expire."),
    )
    allows_retakes = models.BooleanField(
        _("learners may take the course again"),
        default=False,
        help_text=_(
            "A learner who has completed the course may start it again (a new run; earlier "
            "results are kept). Renewal of an expiring certificate is always offered. Set on "
            "the Romanian course: its translations follow it."
        ),
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        _("offer renewal this many days before the certificate expires"),
        default=60,
        help_text=_("Set on the Romanian course: its translations follow it."),
    )
    content_status = models.TextField(
        _("content status"),
        blank=True,
        help_text=_("Shown to learners, e.g. “Reviewed by … on …”."),
    )

    base_form_class = CoursePageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading=_("Cover image")
        ),
        FieldPanel("target_roles"),
        FieldPanel("estimated_minutes"),
        FieldPanel("learning_outcomes"),
        InlinePanel(
            "objectives",
            label=_("Learning objectives"),
            help_text=_(
                "Tag lessons and quiz questions with them: knowledge gain, item analysis and "
                "retention are reported per objective. Edit them on the Romanian course; its "
                "translations keep the same objectives."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issues_certificate"),
                FieldPanel("certificate_validity_months"),
                FieldPanel("renewal_window_days"),
                FieldPanel("allows_retakes"),
            ],
            heading=_("Certificate and renewal"),
        ),
        FieldPanel("content_status"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.FilterField("locale_id"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    # Quiz pages add themselves below courses (quizzes.QuizPage), so courses need not import them.
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage", "quizzes.ScenarioPage"]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        if self.cover_image_id and not self.cover_image_alt.strip():
            raise ValidationError(
                {"cover_image_alt": _("Describe the cover image for people who cannot see it.")}
            )

    @property
    def course_key(self):
        return self.translation_key

    def target_role_labels(self):
        labels = dict(ProfessionalRole.choices)
        return [labels[r] for r in self.target_roles if r in labels]

    def get_context(self, request, *args, **kwargs):
        from courses import selectors
        from courses.models import RunKind

        context = super().get_context(request, *args, **kwargs)
        outline = selectors.course_outline(course=self, learner=request.user)
        context["outline"] = outline
        context["RunKind"] = RunKind
        if outline.is_complete:
            # The same retake or renewal "My learning" offers (only a completed run has one).
            context["offer"] = selectors.run_offer(
                learner=request.user, course=self, enrollment=outline.enrollment
            )
        return context


class LessonPageForm(PageForm):
    """Offers only the course's own objectives (in any of its languages: a translated lesson
    keeps pointing at the Romanian ones)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("objectives")
        course = self.parent_page
        if field is not None and course is not None:
            from courses.models.objectives import LearningObjective

            field.queryset = LearningObjective.objects.for_course_key(
                course.translation_key
            ).select_related("course")


class LessonPage(CourseStepMixin, Page):
    can_mark_complete = True
    base_form_class = LessonPageForm

    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))
    # The Romanian course's objectives (a translated lesson keeps pointing at them; reports
    # key objectives by their shared key).
    objectives = ParentalManyToManyField(
        "courses.LearningObjective",
        verbose_name=_("learning objectives"),
        blank=True,
        related_name="lessons",
    )

    content_panels = Page.content_panels + [
        FieldPanel("estimated_minutes"),
        FieldPanel("objectives", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.FilterField("locale_id"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        from elearning.infrastructure.caching.auth import read_ahead

        # The learner's account and progress here come back from the cache in one round trip.
        with suppress(CoursePage.DoesNotExist):
            read_ahead(request, course_key=self.get_course().translation_key)
        # Lessons record progress, so they need a learner; the course page stays public.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors, services

        context = super().get_context(request, *args, **kwargs)
        course = self.get_course()
        # Read once: it tells step_visit whether anything changed and fills the outline.
        progress = selectors.learner_progress(
            learner=request.user, course_key=course.translation_key
        )
        services.step_visit(learner=request.user, course=course, step=self, progress=progress)
        outline = selectors.course_outline(
            course=course, learner=request.user, current=self, progress=progress
        )
        context.update(
            course=course,
            course_url=selectors.course_url(course=course),
            outline=outline,
            lesson_completed=self.translation_key in outline.completed_keys,
            previous_step=outline.previous_step(self),
            next_step=outline.next_step(self),
        )
        return context
