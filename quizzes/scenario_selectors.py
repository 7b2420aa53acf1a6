"""Reads for decision scenarios: the live page, its tree, a learner's plays. A node page costs
the same number of queries whatever the size of the tree or the length of the path."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from courses.selectors import current_run_expression
from elearning.infrastructure import caching
from elearning.infrastructure.caching.serving import view_restrictions

from .models import PlayStatus, ScenarioChoice, ScenarioNode, ScenarioPage, ScenarioPlay
from .scenario_tree import ScenarioTree, TreeChoice, TreeNode


def live_scenario(*, page_id: int, public_only: bool = False) -> ScenarioPage:
    """The live scenario with this id (its locale joined), from the page-tree cache like
    `quizzes.selectors.live_quiz`; raises ScenarioPage.DoesNotExist."""
    scenario = caching.pages.get(
        "live-scenario",
        page_id,
        fill=lambda: ScenarioPage.objects.live().select_related("locale").get(pk=page_id),
    )
    if public_only and view_restrictions(scenario):
        raise ScenarioPage.DoesNotExist
    return scenario


def _tree(nodes) -> ScenarioTree:
    return ScenarioTree(
        [
            TreeNode(
                key=str(node.key),
                label=node.label.strip(),
                situation=node.situation,
                pk=node.pk,
                choices=tuple(
                    TreeChoice(
                        key=str(choice.key),
                        text=choice.text,
                        next_label=choice.next_label.strip(),
                        score=choice.score,
                        consequence=choice.consequence,
                        commentary=choice.commentary,
                        pk=choice.pk,
                    )
                    for choice in node.choices.all()
                ),
            )
            for node in nodes
        ]
    )


def scenario_tree(scenario: ScenarioPage) -> ScenarioTree:
    """The page's nodes and choices in authoring order: two queries, whatever their number."""
    return _tree(
        ScenarioNode.objects.filter(page=scenario)
        .order_by("sort_order", "pk")
        .prefetch_related(
            Prefetch("choices", queryset=ScenarioChoice.objects.order_by("sort_order", "pk"))
        )
    )


def preview_tree(scenario: ScenarioPage) -> ScenarioTree:
    """The tree of a page being previewed: its nodes and choices may be unsaved (in memory)."""
    return _tree(scenario.nodes.all())


def scenario_course_key(scenario: ScenarioPage):
    return scenario.get_course().translation_key


def current_play(*, learner, scenario: ScenarioPage) -> ScenarioPlay | None:
    """The learner's play in progress of this scenario, in any language (one query)."""
    return ScenarioPlay.objects.filter(
        learner=learner, scenario_key=scenario.translation_key, status=PlayStatus.PLAYING
    ).first()


def finished_plays(*, learner, scenario: ScenarioPage) -> QuerySet[ScenarioPlay]:
    """The learner's finished plays of this scenario in their current run, newest first (one
    query whatever the number of runs)."""
    return (
        ScenarioPlay.objects.filter(
            learner=learner, scenario_key=scenario.translation_key, status=PlayStatus.FINISHED
        )
        .annotate(
            current_run=current_run_expression(
                learner=learner, course_key=scenario_course_key(scenario)
            )
        )
        .filter(run=F("current_run"))
        .order_by("-number")
    )


def learner_scenario_plays_data(learner) -> list[dict]:
    """The learner's plays, for their personal-data file."""
    return [
        {
            "scenario_key": str(play.scenario_key),
            "course_key": str(play.course_key),
            "run": play.run,
            "number": play.number,
            "status": play.status,
            "choices_made": play.path,
            "score": play.score,
            "best_possible_score": play.best_score,
            "passed": play.passed,
            "started_at": play.started_at.isoformat(),
            "finished_at": play.finished_at.isoformat() if play.finished_at else None,
        }
        for play in ScenarioPlay.objects.filter(learner=learner).order_by("started_at", "pk")
    ]
