"""The retention check page: thin; the rules are in services and selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from quizzes.forms import parse_submission
from quizzes.models import QuestionKind
from quizzes.selectors import live_quiz, questions_by_key, quiz_answer_key
from quizzes.services import QuizError

from . import selectors, services


def _questions(check, quiz) -> list[dict]:
    """The check's questions in its order, choices in its order, in the page's language: only
    what may be seen before submitting (no correctness, feedback or explanation)."""
    questions = questions_by_key(quiz)
    shown = []
    for number, key in enumerate(check.question_keys, start=1):
        question = questions.get(key)
        if question is None:
            continue
        choices = {str(c.key): c for c in question.choices.all()}
        shown.append(
            {
                "number": number,
                "key": key,
                "kind": question.kind,
                "scenario": question.scenario,
                "text": question.text,
                "choices": [
                    {"id": choices[k].pk, "text": choices[k].text}
                    for k in check.choice_order.get(key, [])
                    if k in choices
                ],
            }
        )
    return shown


@login_required
@require_http_methods(["GET", "POST"])
def retention_check(request, token):
    check = selectors.check_for(learner=request.user, token=token)
    if check is None:
        raise Http404
    pool = selectors.retention_pools().get(check.course_key)
    page_id = selectors.pool_page_id(pool, get_language()) if pool else None
    context = {
        "check": check,
        "course_url": selectors.course_urls(get_language() or "ro").get(check.course_key, ""),
        "QuestionKind": QuestionKind,
    }
    if check.submitted_at is not None:
        if request.method == "POST":
            context["error"] = str(services.ALREADY_SUBMITTED)
            return render(request, "retention/check_result.html", context, status=409)
        return render(request, "retention/check_result.html", context)
    if not selectors.is_open(check) or page_id is None:
        # Closed, or its course no longer has a pool to show it from.
        context["error"] = str(services.EXPIRED)
        return render(request, "retention/check_closed.html", context, status=410)
    quiz = live_quiz(page_id=page_id)
    context["questions"] = _questions(check, quiz)
    if request.method == "POST":
        questions = quiz_answer_key(quiz)
        try:
            answers = parse_submission(data=request.POST, attempt=check, questions=questions)
            services.check_submit(check=check, answers=answers, questions=questions)
        except QuizError as error:
            context["error"] = error.message
            template = (
                "retention/check.html" if error.status == 400 else "retention/check_closed.html"
            )
            return render(request, template, context, status=error.status)
        return redirect(selectors.check_url(check))
    return render(request, "retention/check.html", context)
