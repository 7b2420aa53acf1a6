"""Decision scenario pages: the case and the current decision, a choice, the end of a play.
Thin: the rules are in scenario_services, scenario_selectors and scenario_tree."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from courses.selectors import course_outline

from . import scenario_selectors as selectors
from . import scenario_services as services
from .models import PlayStatus, ScenarioPage, ScenarioPlay
from .scenario_services import ScenarioError
from .scenario_tree import PathError

CONSEQUENCE_ANCHOR = "#consequence"


def _scenario_in_language(page_id: int, *, public_only: bool = True) -> ScenarioPage:
    try:
        scenario = selectors.live_scenario(page_id=page_id, public_only=public_only)
    except ScenarioPage.DoesNotExist:
        raise Http404 from None
    if scenario.locale.language_code != get_language():
        raise Http404
    return scenario


def _render(request, scenario: ScenarioPage, error: ScenarioError | None = None):
    tree = selectors.scenario_tree(scenario)
    play = selectors.current_play(learner=request.user, scenario=scenario)
    position = None
    if play is not None:
        try:
            position = tree.walk(play.path)
        except PathError:
            error = error or ScenarioError(services.SCENARIO_CHANGED, status=409)
            play = None
    context = {
        "page": scenario,
        "self": scenario,
        "course": scenario.get_course(),
        "play": play,
        "position": position,
        "plays": list(selectors.finished_plays(learner=request.user, scenario=scenario)[:10]),
        "error": error,
    }
    return render(
        request,
        "quizzes/scenario_page.html",
        context,
        status=error.status if error else 200,
    )


def scenario_page(request, scenario: ScenarioPage):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _render(request, scenario)


def scenario_preview(request, scenario: ScenarioPage):
    """Wagtail's preview: the case and the first decision, as a learner first sees them, from
    the (possibly unsaved) page; no play, no consequence."""
    tree = selectors.preview_tree(scenario)
    return render(
        request,
        "quizzes/scenario_page.html",
        {
            "page": scenario,
            "self": scenario,
            "course": scenario.get_parent(),
            "preview": True,
            "preview_node": tree.start,
            "problems": tree.problems(),
        },
    )


@login_required
@require_POST
def scenario_start(request, page_id: int):
    scenario = _scenario_in_language(page_id)
    try:
        services.scenario_play_start(learner=request.user, scenario=scenario)
    except ScenarioError as error:
        return _render(request, scenario, error)
    return redirect(scenario.url)


@login_required
@require_POST
def scenario_choose(request, page_id: int, play_id: int):
    # The learner's own play (checked below) proves they were shown this scenario.
    scenario = _scenario_in_language(page_id, public_only=False)
    play = get_object_or_404(
        ScenarioPlay, pk=play_id, learner=request.user, scenario_key=scenario.translation_key
    )
    unknown = set(request.POST) - {"csrfmiddlewaretoken", "node", "choice"}
    try:
        if unknown or len(request.POST.getlist("choice")) != 1:
            raise ScenarioError(services.NOT_A_CHOICE)
        play = services.scenario_choose(
            play=play,
            scenario=scenario,
            tree=selectors.scenario_tree(scenario),
            node_key=request.POST.get("node", "")[:64],
            choice_key=request.POST["choice"],
            learner=request.user,
        )
    except ScenarioError as error:
        return _render(request, scenario, error)
    if play.status == PlayStatus.FINISHED:
        return redirect("quizzes:scenario_result", page_id=scenario.pk, play_id=play.pk)
    return redirect(scenario.url + CONSEQUENCE_ANCHOR)


@login_required
def scenario_result(request, page_id: int, play_id: int):
    """The end of a play: the path with each choice's consequence and commentary, the score."""
    scenario = _scenario_in_language(page_id)
    play = get_object_or_404(
        ScenarioPlay,
        pk=play_id,
        learner=request.user,
        scenario_key=scenario.translation_key,
        status=PlayStatus.FINISHED,
    )
    course = scenario.get_course()
    try:
        steps = selectors.scenario_tree(scenario).walk(play.path).steps
    except PathError:
        steps = None  # the scenario changed since: the score stands, the path cannot be shown
    outline = course_outline(course=course, learner=request.user)
    next_step = outline.step_after(scenario)
    return render(
        request,
        "quizzes/scenario_result.html",
        {
            "page": scenario,
            "self": scenario,
            "course": course,
            "play": play,
            "steps": steps,
            "step_done": scenario.translation_key in outline.completed_keys,
            "next_step": next_step,
        },
    )
