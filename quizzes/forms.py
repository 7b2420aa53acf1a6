"""Reading a quiz submission: strictly what the attempt asked, in the page it was shown on."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from .models import Attempt, QuestionKind
from .services import QuizError

ALLOWED_EXTRA_FIELDS = {"csrfmiddlewaretoken"}


def parse_submission(*, data: QueryDict, attempt: Attempt, questions: dict) -> dict[str, list[str]]:
    """Turn the posted choice ids into {question key: [choice key]}; refuse anything else.

    `questions` is the quiz's answer key (quizzes.selectors.quiz_answer_key). Every drawn
    question must be answered; single-choice and true/false questions take one
    answer; ids must be numbers naming a choice of that very question on this page. Unknown
    fields (a "score", say) are refused, not ignored.
    """
    expected = {f"q-{key}" for key in attempt.question_keys}
    unknown = set(data.keys()) - expected - ALLOWED_EXTRA_FIELDS
    if unknown:
        raise QuizError(_("The answers could not be read. Reload the page and try again."))
    answers: dict[str, list[str]] = {}
    for key in attempt.question_keys:
        question = questions.get(key)
        if question is None:
            raise QuizError(
                _("This quiz has changed since your attempt started. Ask your trainer for help."),
                status=409,
            )
        values = data.getlist(f"q-{key}")
        if not values:
            raise QuizError(_("Answer every question before you submit."))
        choices = {c.pk: c for c in question.choices}
        if len(values) > len(choices):
            raise QuizError(_("The answers could not be read. Reload the page and try again."))
        selected = []
        for value in values:
            if not value.isdigit() or int(value) not in choices:
                raise QuizError(_("The answers could not be read. Reload the page and try again."))
            selected.append(str(choices[int(value)].key))
        if question.kind != QuestionKind.MULTIPLE and len(set(selected)) != 1:
            raise QuizError(_("Choose exactly one answer for each single-choice question."))
        answers[key] = sorted(set(selected))
    return answers
