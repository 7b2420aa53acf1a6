"""Writes for decision scenarios: starting a play, recording a choice (scored on the server,
once), completing the step through courses."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import services as course_services
from courses.selectors import current_run_number

from .models import PlayStatus, ScenarioPage, ScenarioPlay
from .scenario_selectors import current_play, scenario_course_key
from .scenario_tree import PathError, ScenarioTree

NOT_A_CHOICE = _("That choice is not one of the options of this decision. Reload the page.")
ALREADY_DECIDED = _(
    "You have already made this decision (perhaps in another tab). Here is where you are now."
)
PLAY_FINISHED = _("This play has ended. Start again to play the scenario once more.")
SCENARIO_CHANGED = _(
    "This scenario has changed since you started it. Start again to play the new version."
)


class ScenarioError(Exception):
    """A request the rules refuse; `message` is translated and shown to the learner."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def scenario_play_start(*, learner, scenario: ScenarioPage) -> ScenarioPlay:
    """Start a play, or return the one in progress (a second click, another tab).

    A play left open in an earlier run of the course is abandoned first (a new run starts its
    own). Play numbers are unique per learner, scenario and run, and one play at a time is a
    constraint, so concurrent starts make one play."""
    play = current_play(learner=learner, scenario=scenario)
    course_key = scenario_course_key(scenario)
    run = current_run_number(learner=learner, course_key=course_key)
    if play is not None:
        if play.run == run:
            return play
        scenario_plays_close_for_new_run(learner_id=learner.pk, course_key=course_key, run=run)
    number = (
        ScenarioPlay.objects.filter(
            learner=learner, scenario_key=scenario.translation_key, run=run
        ).aggregate(last=Max("number"))["last"]
        or 0
    ) + 1
    try:
        with transaction.atomic():
            return ScenarioPlay.objects.create(
                learner=learner,
                scenario_key=scenario.translation_key,
                course_key=course_key,
                run=run,
                number=number,
                page=scenario,
            )
    except IntegrityError:
        play = current_play(learner=learner, scenario=scenario)
        if play is None:  # pragma: no cover - a concurrent start that also finished at once
            raise ScenarioError(ALREADY_DECIDED, status=409) from None
        return play


def scenario_plays_close_for_new_run(*, learner_id: int, course_key, run: int, **kwargs) -> None:
    """A new run of the course has started (courses.signals.run_started): plays the earlier
    run left open are abandoned, so the new run starts its own."""
    ScenarioPlay.objects.filter(
        learner_id=learner_id, course_key=course_key, status=PlayStatus.PLAYING
    ).exclude(run=run).update(status=PlayStatus.ABANDONED, finished_at=timezone.now())


def _choice_key(value: str) -> str:
    """The posted choice as a key; anything that is not a UUID is refused."""
    if not value or len(value) > 64:
        raise ScenarioError(NOT_A_CHOICE)
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ScenarioError(NOT_A_CHOICE) from None


def scenario_choose(
    *,
    play: ScenarioPlay,
    scenario: ScenarioPage,
    tree: ScenarioTree,
    node_key: str,
    choice_key: str,
    learner=None,
) -> ScenarioPlay:
    """Record the learner's choice at the node their play has reached; score the play when the
    choice ends it, and complete the step (an ungraded scenario at any end, a graded one at
    the pass mark) through `courses.services.step_complete`.

    `node_key` is the decision the page showed: a post for a decision already taken (a double
    click, an old tab) changes nothing (409), as does one on a finished play. A choice key that
    is not one of that node's choices is refused (400). The conditional UPDATE on the number of
    decisions takes only the first of concurrent posts."""
    if play.status != PlayStatus.PLAYING:
        raise ScenarioError(PLAY_FINISHED, status=409)
    try:
        position = tree.walk(play.path)
    except PathError:
        raise ScenarioError(SCENARIO_CHANGED, status=409) from None
    node = position.node
    if node is None:  # pragma: no cover - a finished path is always stored as finished
        raise ScenarioError(PLAY_FINISHED, status=409)
    if node_key != node.key:
        raise ScenarioError(ALREADY_DECIDED, status=409)
    choice_key = _choice_key(choice_key)
    if not any(c.key == choice_key for c in node.choices):
        raise ScenarioError(NOT_A_CHOICE)
    path = [*play.path, choice_key]
    after = tree.walk(path)
    now = timezone.now()
    changes = {"path": path, "decisions": len(path), "page": scenario}
    if after.finished:
        best = tree.best_score
        passed = after.score * 100 >= scenario.pass_mark * best if scenario.graded else None
        changes.update(
            status=PlayStatus.FINISHED,
            finished_at=now,
            score=after.score,
            best_score=best,
            passed=passed,
        )
    with transaction.atomic():
        won = ScenarioPlay.objects.filter(
            pk=play.pk, status=PlayStatus.PLAYING, decisions=play.decisions
        ).update(**changes)
        if not won:
            raise ScenarioError(ALREADY_DECIDED, status=409)
        if after.finished and (not scenario.graded or changes["passed"]):
            course_services.step_complete(
                learner=learner or play.learner, course=scenario.get_course(), step=scenario
            )
    for name, value in changes.items():
        setattr(play, name, value)
    return play
