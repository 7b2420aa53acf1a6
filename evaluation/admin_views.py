"""The item analysis of a quiz, in the admin beside the quiz (issue 17, item 3): for those who
may edit the quiz (trainers, administrators)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.admin.auth import permission_denied

from elearning.infrastructure.spreadsheets import csv_lines, write_xlsx
from quizzes.models import QuizPage

from .exports import item_analysis_table
from .item_analysis import UNUSED_DISTRACTOR_MIN_ANSWERS, Flag, quiz_item_analysis

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def may_see_statistics(user, quiz) -> bool:
    """Who wrote the quiz may read how its questions worked: whoever may edit it."""
    return quiz.permissions_for_user(user).can_edit()


def _quiz(request, page_id) -> QuizPage | None:
    """The quiz (any page that is not a quiz is a 404, whoever asks), or None when this user
    may not see its statistics."""
    quiz = get_object_or_404(QuizPage.objects.select_related("locale"), pk=page_id)
    return quiz if may_see_statistics(request.user, quiz) else None


def quiz_statistics(request, page_id):
    quiz = _quiz(request, page_id)
    if quiz is None:
        return permission_denied(request)
    analysis = quiz_item_analysis(quiz=quiz, language=translation.get_language())
    return render(
        request,
        "evaluation/admin/quiz_statistics.html",
        {
            "quiz": quiz,
            "analysis": analysis,
            "page_title": _("Statistics"),
            "legend": [(Flag.LABELS[f], Flag.EXPLANATIONS[f]) for f in Flag.LABELS],
            "few_answers": UNUSED_DISTRACTOR_MIN_ANSWERS,
        },
    )


def quiz_statistics_export(request, page_id, format):
    if format not in FORMATS:
        raise Http404
    quiz = _quiz(request, page_id)
    if quiz is None:
        return permission_denied(request)
    analysis = quiz_item_analysis(quiz=quiz, language=translation.get_language())
    table = item_analysis_table(analysis)
    stamp = timezone.localdate().isoformat()
    name = f"{quiz.slug}-statistics-{stamp}.{format}"
    if format == "csv":
        content = "".join(csv_lines(table)).encode()
    else:
        # A few hundred rows at most: written to a temporary file and handed out whole.
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            write_xlsx(path, table, title=_("Statistics"))
            content = path.read_bytes()
    response = HttpResponse(content, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
