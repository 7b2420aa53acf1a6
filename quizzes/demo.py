"""Starter quizzes from quizzes/demo_content/, in Romanian and English, for the starter courses.

Idempotent: a course that already has a quiz of a kind keeps it.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from courses.models import CoursePage, LessonPage

from .models import Choice, Question, QuizKind, QuizPage, ReviewPolicy

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
SLUGS = {
    QuizKind.PRE_TEST: "pre-test",
    QuizKind.POST_TEST: "post-test",
    QuizKind.FINAL: "final-quiz",
}


def _questions(quiz_data: dict, language: str, lessons: dict) -> list[Question]:
    questions = []
    for order, item in enumerate(quiz_data["questions"]):
        texts = item[language]
        question = Question(
            sort_order=order,
            kind=item["type"],
            partial_credit=bool(item.get("partial_credit")),
            scenario=texts.get("scenario", ""),
            text=texts["text"],
            explanation=texts.get("explanation", ""),
            lesson=lessons.get(item.get("lesson")),
        )
        question.choices = [
            Choice(
                sort_order=n,
                text=choice["text"],
                feedback=choice.get("feedback", ""),
                is_correct=n in item["correct"],
            )
            for n, choice in enumerate(texts["choices"])
        ]
        questions.append(question)
    return questions


def _quiz_page(quiz_data: dict, lessons: dict) -> QuizPage:
    kind = quiz_data["kind"]
    quiz = QuizPage(
        title=quiz_data["ro"]["title"],
        slug=SLUGS[kind],
        intro=f"<p>{quiz_data['ro'].get('intro', '')}</p>",
        kind=kind,
        pass_mark=quiz_data["pass_mark"],
        draw_count=quiz_data.get("draw"),
        max_attempts=1 if kind == QuizKind.PRE_TEST else None,
        review_policy=(
            ReviewPolicy.AFTER_EACH if kind == QuizKind.PRE_TEST else ReviewPolicy.AFTER_LAST
        ),
    )
    if kind in (QuizKind.FINAL, QuizKind.POST_TEST):
        # The post-test measures what was learnt: like the final quiz it keeps its answers
        # until the learner has passed or used the last attempt, so a retake is not taken
        # knowing them (a retake that is still counts in no impact figure).
        quiz.max_attempts = 3
        quiz.cooldown_minutes = 60
    quiz.questions = _questions(quiz_data, "ro", lessons)
    return quiz


def _translate(quiz: QuizPage, quiz_data: dict, en: Locale) -> None:
    if quiz.get_translation_or_none(en) is not None:
        return
    translation = quiz.copy_for_translation(en)
    translation.title = quiz_data["en"]["title"]
    translation.intro = f"<p>{quiz_data['en'].get('intro', '')}</p>"
    # The copies keep each question's and choice's key; only the words change.
    # (Lists assigned back, so the cluster carries the edits into the revision.)
    questions = list(translation.questions.all())
    for question, item in zip(questions, quiz_data["questions"], strict=True):
        texts = item["en"]
        question.scenario = texts.get("scenario", "")
        question.text = texts["text"]
        question.explanation = texts.get("explanation", "")
        choices = list(question.choices.all())
        for choice, choice_data in zip(choices, texts["choices"], strict=True):
            choice.text = choice_data["text"]
            choice.feedback = choice_data.get("feedback", "")
        question.choices = choices
    translation.questions = questions
    translation.save_revision().publish()
    _align_with_source(quiz, translation.specific, en)


def _align_with_source(quiz: QuizPage, translation: QuizPage, en: Locale) -> None:
    """Put the translation at the source's place among its siblings (a new translation is
    added as the last child, but a pre-test comes first)."""
    following = quiz.get_next_siblings().first()
    target = following.get_translation_or_none(en) if following else None
    if target is not None:
        translation.move(target, pos="left")


@transaction.atomic
def seed_course_quizzes(course: CoursePage, data: dict) -> None:
    en = Locale.objects.get(language_code="en")
    # A question's "lesson" names the lesson (by its key, the Romanian slug) that teaches it.
    lessons = {lesson.slug: lesson for lesson in LessonPage.objects.child_of(course)}
    for quiz_data in data["quizzes"]:
        kind = quiz_data["kind"]
        quiz = QuizPage.objects.child_of(course).filter(kind=kind).first()
        if quiz is None:
            quiz = _quiz_page(quiz_data, lessons)
            first = course.get_first_child()
            if kind == QuizKind.PRE_TEST and first is not None:
                first.add_sibling(pos="left", instance=quiz)
            elif kind == QuizKind.POST_TEST:
                final = QuizPage.objects.child_of(course).filter(kind=QuizKind.FINAL).first()
                if final is not None:
                    final.add_sibling(pos="left", instance=quiz)
                else:
                    course.add_child(instance=quiz)
            else:
                course.add_child(instance=quiz)
            quiz.save_revision().publish()
        _translate(quiz, quiz_data, en)


def seed_quizzes() -> None:
    # Post-tests are placed before the final quiz, so seed the final quiz first.
    order = {QuizKind.FINAL: 0, QuizKind.PRE_TEST: 1, QuizKind.POST_TEST: 2}
    for path in sorted(CONTENT_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        course = CoursePage.objects.filter(locale__language_code="ro", slug=data["course"]).first()
        if course is None:
            continue
        data["quizzes"].sort(key=lambda q: order[q["kind"]])
        seed_course_quizzes(course, data)
