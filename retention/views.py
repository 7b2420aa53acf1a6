"""The retention check page: thin; the rules are in services and selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from quizzes.forms import parse_submission
from quizzes.models import QuestionKind
from quizzes.selectors import drawn_questions, live_quiz, quiz_answer_key
from quizzes.services import QuizError

from . import selectors, services


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
    context["questions"] = drawn_questions(
        question_keys=check.question_keys, choice_order=check.choice_order, quiz=quiz
    )
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
