"""Quiz pages: intro and status, the attempt, submission and results. Thin: rules live in
services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import parse_submission
from .models import Attempt, AttemptStatus, QuestionKind, QuizKind, QuizPage
from .selectors import quiz_answer_key
from .services import QuizError


def _quiz_in_language(page_id: int, *, public_only: bool = True) -> QuizPage:
    try:
        return _in_language(selectors.live_quiz(page_id=page_id, public_only=public_only))
    except QuizPage.DoesNotExist:
        raise Http404 from None


def _in_language(quiz: QuizPage) -> QuizPage:
    if quiz.locale.language_code != get_language():
        raise Http404
    return quiz


def _render_quiz(request, quiz: QuizPage, error: QuizError | None = None):
    services.attempt_expire_overdue(learner=request.user, quiz=quiz)
    attempt = Attempt.objects.filter(
        learner=request.user, quiz_key=quiz.translation_key, status=AttemptStatus.IN_PROGRESS
    ).first()
    eligibility = selectors.quiz_eligibility(learner=request.user, quiz=quiz)
    context = {
        "page": quiz,
        "self": quiz,
        "course": quiz.get_course(),
        "eligibility": eligibility,
        "lessons_to_review": selectors.lessons_to_review(
            learner=request.user, quiz=quiz, eligibility=eligibility
        ),
        "attempt": attempt,
        "questions": selectors.attempt_questions(attempt=attempt, quiz=quiz) if attempt else [],
        "past_attempts": selectors.current_run_attempts(learner=request.user, quiz=quiz)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .order_by("-number"),
        "error": error,
        # The choices the template compares with (a TextChoices class is not called there).
        "AttemptStatus": AttemptStatus,
        "QuestionKind": QuestionKind,
    }
    return render(request, "quizzes/quiz_page.html", context, status=error.status if error else 200)


def quiz_page(request, quiz: QuizPage):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _render_quiz(request, quiz)


@login_required
@require_POST
def attempt_start(request, page_id: int):
    quiz = _quiz_in_language(page_id)
    try:
        services.attempt_start(learner=request.user, quiz=quiz)
    except QuizError as error:
        return _render_quiz(request, quiz, error)
    return redirect(quiz.url)


@login_required
@require_POST
def attempt_submit(request, page_id: int, attempt_id: int):
    # The learner's own attempt (checked below) proves they were shown this quiz, so no
    # view-restriction check.
    quiz = _quiz_in_language(page_id, public_only=False)
    attempt = get_object_or_404(
        Attempt, pk=attempt_id, learner=request.user, quiz_key=quiz.translation_key
    )
    try:
        if attempt.status != AttemptStatus.IN_PROGRESS:
            raise QuizError(services.ALREADY_SUBMITTED, status=409)
        questions = quiz_answer_key(quiz)
        answers = parse_submission(data=request.POST, attempt=attempt, questions=questions)
        attempt = services.attempt_submit(
            attempt=attempt, quiz=quiz, answers=answers, learner=request.user, questions=questions
        )
    except QuizError as error:
        return _render_quiz(request, quiz, error)
    messages.success(request, services.SUBMITTED)
    return redirect("quizzes:attempt_result", page_id=quiz.pk, attempt_id=attempt.pk)


@login_required
def attempt_result(request, page_id: int, attempt_id: int):
    quiz = _quiz_in_language(page_id)
    attempt = get_object_or_404(
        Attempt,
        pk=attempt_id,
        learner=request.user,
        quiz_key=quiz.translation_key,
        status=AttemptStatus.SUBMITTED,
    )
    eligibility = selectors.quiz_eligibility(learner=request.user, quiz=quiz)
    review = selectors.review_allowed(attempt=attempt, quiz=quiz, eligibility=eligibility)
    rows = selectors.attempt_review(attempt=attempt, quiz=quiz) if review else []
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "page": quiz,
            "self": quiz,
            "course": quiz.get_course(),
            "attempt": attempt,
            "eligibility": eligibility,
            "review": review,
            "rows": rows,
            "next_step": selectors.attempt_next_step(
                learner=request.user, quiz=quiz, eligibility=eligibility
            ),
            "lessons_to_review": selectors.lessons_to_review(
                learner=request.user, quiz=quiz, eligibility=eligibility
            ),
            "QuizKind": QuizKind,
        },
    )
