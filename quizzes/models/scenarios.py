"""Decision scenarios: a short case in which the learner decides what to do at each point and
sees the consequence and an expert's commentary of the choice made (issue 18, point 3).

Nodes and choices are a modelcluster under the page, like a quiz's questions, so an unsaved
scenario previews and Wagtail's translation copies them with their keys: a play is recorded by
keys and continues in the other language. A choice leads to another node by its label.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from courses.models import CourseStepMixin
from elearning.infrastructure.slugs import PageForm

from ..scenario_tree import ScenarioTree, TreeChoice, TreeNode


class ChoiceRating(models.IntegerChoices):
    """What a choice is worth; a play's score is the sum along its path."""

    BEST = 2, _("Best response (2 points)")
    ACCEPTABLE = 1, _("Acceptable (1 point)")
    HARMFUL = 0, _("Harmful (0 points)")


class ScenarioPageForm(PageForm):
    """Refuses a tree that cannot be played: read from the submitted nodes and choices once
    the page and every nested formset are valid (the checks are in quizzes.scenario_tree)."""

    def is_valid(self):
        valid = super().is_valid()
        nodes = self.formsets.get("nodes")
        if not valid or nodes is None:
            return valid
        tree = ScenarioTree(self._submitted_nodes(nodes))
        problems = tree.problems()
        if not problems and self.cleaned_data.get("graded") and tree.best_score <= 0:
            problems.append(_("A graded scenario needs at least one choice worth points."))
        for problem in problems:
            self.add_error(None, problem)
        return not problems

    @staticmethod
    def _kept(formset) -> list:
        return [
            form
            for form in formset.forms
            if form.cleaned_data and not (formset.can_delete and formset._should_delete_form(form))
        ]

    def _submitted_nodes(self, nodes) -> list[TreeNode]:
        kept = sorted(self._kept(nodes), key=lambda f: f.cleaned_data.get("ORDER") or 0)
        return [
            TreeNode(
                key=str(form.instance.key),
                label=form.cleaned_data.get("label", "").strip(),
                situation=form.cleaned_data.get("situation", ""),
                choices=tuple(
                    TreeChoice(
                        key=str(choice.instance.key),
                        text=choice.cleaned_data.get("text", ""),
                        next_label=choice.cleaned_data.get("next_label", "").strip(),
                        score=int(choice.cleaned_data.get("score") or 0),
                    )
                    for choice in self._kept(form.formsets["choices"])
                ),
            )
            for form in kept
        ]


class ScenarioPage(CourseStepMixin, Page):
    base_form_class = ScenarioPageForm

    intro = RichTextField(
        _("the case"),
        features=["bold", "italic", "ul"],
        help_text=_("The situation the learner starts from, before the first decision."),
    )
    graded = models.BooleanField(
        _("graded"),
        default=True,
        help_text=_(
            "Graded: the step is done when a play scores at least the pass mark, and the course "
            "needs it. Not graded: the step is done at the end of any play, and it is optional."
        ),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Of the best score a path can reach."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("graded"), FieldPanel("pass_mark")]),
                FieldPanel("estimated_minutes"),
            ],
            heading=_("Settings"),
        ),
        InlinePanel(
            "nodes",
            label=_("Decision points"),
            min_num=1,
            help_text=_(
                "The first decision point is where the scenario starts. Each choice leads to "
                "another decision point by its label, or ends the scenario; at most three "
                "decisions on any path, and no circles. Edit labels and links on the Romanian "
                "scenario: translations keep them."
            ),
        ),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("decision scenario")
        verbose_name_plural = _("decision scenarios")

    @property
    def counts_for_completion(self) -> bool:
        # A graded scenario stands between the learner and the course like a graded final quiz;
        # an ungraded one is practice, optional like a practice quiz.
        return self.graded

    def serve(self, request, *args, **kwargs):
        from quizzes.scenario_views import scenario_page

        return scenario_page(request, self)

    def serve_preview(self, request, mode_name):
        from quizzes.scenario_views import scenario_preview

        return scenario_preview(request, self)


class ScenarioNode(Orderable, ClusterableModel):
    page = ParentalKey(ScenarioPage, related_name="nodes", on_delete=models.CASCADE)
    # Shared with the node's translations (copied unchanged when the page is translated).
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    label = models.CharField(
        _("label"),
        max_length=20,
        help_text=_("A short name choices use to lead here, e.g. “A” or “after-call”."),
    )
    situation = models.TextField(
        _("situation and question"), help_text=_("What the learner faces now, and the question.")
    )

    panels = [
        FieldPanel("label"),
        FieldPanel("situation"),
        InlinePanel("choices", label=_("Choices"), min_num=2),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("decision point")
        verbose_name_plural = _("decision points")

    def __str__(self):
        return self.label


class ScenarioChoice(Orderable):
    node = ParentalKey(ScenarioNode, related_name="choices", on_delete=models.CASCADE)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(_("choice"), max_length=500)
    consequence = models.TextField(_("consequence"), help_text=_("What happens next."))
    commentary = models.TextField(
        _("expert commentary"), help_text=_("Why this choice helps or harms the child.")
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), choices=ChoiceRating.choices, default=ChoiceRating.ACCEPTABLE
    )
    next_label = models.CharField(
        _("leads to"),
        max_length=20,
        blank=True,
        help_text=_("The label of the next decision point; empty: the scenario ends here."),
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("consequence"),
        FieldPanel("commentary"),
        FieldRowPanel([FieldPanel("score"), FieldPanel("next_label")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text[:80]


class PlayStatus(models.TextChoices):
    PLAYING = "playing", _("In progress")
    FINISHED = "finished", _("Finished")
    # Left open when a new run of the course started (courses.signals.run_started).
    ABANDONED = "abandoned", _("Abandoned")


class ScenarioPlay(models.Model):
    """One play of a scenario by a learner: the path of choices made, recorded on the server
    one POST at a time, so a choice's consequence, commentary and score are sent only after it
    is made. Keyed by the scenario's translation key, like attempts."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_plays"
    )
    scenario_key = models.UUIDField(_("scenario"))
    course_key = models.UUIDField(_("course"))
    # The learner's run of the course (courses.models.Enrollment.run); plays number from 1 in it.
    run = models.PositiveSmallIntegerField(_("run"), default=1)
    number = models.PositiveSmallIntegerField(_("play number"))
    # The page (and so the language) of the last choice.
    page = models.ForeignKey(
        ScenarioPage, null=True, on_delete=models.SET_NULL, related_name="plays"
    )
    path = models.JSONField(_("choices made"), default=list, blank=True)
    # len(path): the conditional UPDATE that records a choice matches on it, so of two
    # concurrent posts of the same decision only the first is taken.
    decisions = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=PlayStatus.choices, default=PlayStatus.PLAYING
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    # The best score a path could reach when the play ended (the tree may change later).
    best_score = models.PositiveSmallIntegerField(_("best possible score"), null=True, blank=True)
    # Graded scenarios only: the score reached the pass mark.
    passed = models.BooleanField(_("passed"), null=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("scenario play")
        verbose_name_plural = _("scenario plays")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "scenario_key"],
                condition=Q(status=PlayStatus.PLAYING),
                name="one_scenario_play_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["learner", "scenario_key", "run", "number"],
                name="unique_scenario_play_number_in_run",
            ),
        ]
        indexes = [models.Index(fields=["course_key"])]

    def __str__(self):
        return f"{self.learner} · {self.scenario_key} · {self.run}.{self.number}"

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.best_score:
            return None
        return min(100, (200 * self.score + self.best_score) // (2 * self.best_score))
