"""A learner plays a decision scenario with the keyboard only: each consequence takes the focus,
the end screen summarises the path; axe on the decision, the consequence and the end screen."""

import pytest

from quizzes.models import PlayStatus, ScenarioPlay

from ..elearning.factories import UserFactory
from ..quizzes.factories import make_scenario, scenario_choice
from .conftest import assert_accessible, in_combinations, log_in, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@in_combinations(("ro", "phone"), ("en", "desktop"))
def test_keyboard_only_scenario(page, viewport, demo_site, language):
    from wagtail.models import Locale

    scenario = make_scenario(graded=True, pass_mark=60)
    shown = scenario
    if language == "en":
        shown = scenario.get_translation(Locale.objects.get(language_code="en"))
    learner = UserFactory(preferred_language=language)
    log_in(page, learner.email, language)
    page.goto(shown.url)
    assert_accessible(page)
    page.get_by_role("button", name=say(language, "Start the scenario")).focus()
    page.keyboard.press("Enter")
    page.locator("fieldset.question").wait_for()
    assert_accessible(page)
    screenshot(page, f"scenario-decision-{language}-{viewport}")

    for n, name in enumerate(("A1", "B1", "C1")):
        choice = scenario_choice(scenario, name, language)
        page.locator(f'input[value="{choice.key}"]').focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name=say(language, "Confirm my choice")).focus()
        page.keyboard.press("Enter")
        if n < 2:
            # The consequence of the choice made takes the focus, then the next decision.
            page.locator("#consequence").wait_for()
            assert page.evaluate("document.activeElement.id") == "consequence"
            assert_accessible(page)
            if n == 0:
                screenshot(page, f"scenario-consequence-{language}-{viewport}")
    page.get_by_role("heading", name=say(language, "End of the scenario")).wait_for()
    assert_accessible(page)
    screenshot(page, f"scenario-end-{language}-{viewport}")
    play = ScenarioPlay.objects.get(learner_id=learner.pk)
    assert play.status == PlayStatus.FINISHED and play.passed
