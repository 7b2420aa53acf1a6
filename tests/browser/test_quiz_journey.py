"""A learner takes a quiz with the keyboard only, and sees the result; axe on both pages."""

import pytest

from quizzes.models import Attempt

from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from .conftest import assert_accessible, in_combinations, log_in, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ro": {
        "start": "Începeți chestionarul",
        "submit": "Trimiteți răspunsurile",
        "result": "Rezultatul dumneavoastră",
    },
    "en": {"start": "Start the quiz", "submit": "Submit my answers", "result": "Your result"},
}


# A keyboard is a desktop's: both languages at desktop width (test_learner_journey takes the
# quiz at every width).
@in_combinations(("ro", "desktop"), ("en", "desktop"))
def test_keyboard_only_quiz(page, viewport, demo_site, language):
    from wagtail.models import Locale

    quiz = make_quiz(review_policy="after_each", shuffle_choices=False, shuffle_questions=False)
    if language == "en":
        quiz = quiz.get_translation(Locale.objects.get(language_code="en"))
    learner = UserFactory(preferred_language=language)
    log_in(page, learner.email, language)
    page.goto(quiz.url)
    # What the result page will show is said from the review policy (issue 14, 3).
    policy = "After each attempt you see the correct answers and their explanations."
    assert page.locator(".review-policy").inner_text() == say(language, policy)
    assert_accessible(page)
    page.get_by_role("button", name=TEXT[language]["start"]).focus()
    page.keyboard.press("Enter")
    page.locator("fieldset.question").first.wait_for()
    assert_accessible(page)
    screenshot(page, f"quiz-{language}-{viewport}")

    # Answer each question with the keyboard: focus its first correct choice, press Space.
    for question in quiz.questions.all():
        for choice in question.choices.all():
            if choice.is_correct:
                page.locator(f'input[value="{choice.pk}"]').focus()
                page.keyboard.press("Space")
                if question.kind != "multiple":
                    break
    page.get_by_role("button", name=TEXT[language]["submit"]).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=TEXT[language]["result"]).wait_for()
    assert "100%" in page.content()
    assert_accessible(page)
    screenshot(page, f"quiz-result-{language}-{viewport}")
    assert Attempt.objects.get(learner_id=learner.pk).score == 100

    # Passed, with the course's lesson still to do: the main action leads there (issue 14, 2).
    lesson = {"ro": "Lecția 1", "en": "Lesson 1"}[language]
    continue_to = say(language, "Continue with “%(title)s”") % {"title": lesson}
    page.get_by_role("link", name=continue_to).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=lesson).wait_for()
