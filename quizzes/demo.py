"""Starter quizzes from quizzes/demo_content/, in Romanian and English, for the starter courses.

Idempotent: a course that already has a quiz of a kind keeps it.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from courses.models import CoursePage, LearningObjective, LessonPage

from .models import Choice, Question, QuizKind, QuizPage, ReviewPolicy

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
SLUGS = {
    QuizKind.PRE_TEST: "pre-test",
    QuizKind.POST_TEST: "post-test",
    QuizKind.FINAL: "final-quiz",
}


# Objective keys are derived from the content's slugs, so every machine seeds the same keys.
OBJECTIVE_NAMESPACE = uuid.UUID("6f2b8f0e-4c1e-4a55-9a51-3d0c7f0b2a11")


def objective_key(slug: str) -> uuid.UUID:
    return uuid.uuid5(OBJECTIVE_NAMESPACE, slug)


def seed_objectives(course: CoursePage, data: dict) -> dict:
    """The course's learning objectives (from the quiz file's "objectives"), on the Romanian
    course and its English translation with the same keys, and the lessons tagged with them,
    each published as a revision (an editor opening the page keeps them). Returns the Romanian
    objectives by slug. Idempotent: a course that has objectives keeps them."""
    entries = data.get("objectives", [])
    if not entries:
        return {}
    en = Locale.objects.get(language_code="en")
    pages = [(course, "ro")]
    translation = course.get_translation_or_none(en)
    if translation is not None:
        pages.append((translation.specific, "en"))
    for page, language in pages:
        if LearningObjective.objects.filter(course=page).exists():
            continue
        page.objectives = [
            LearningObjective(key=objective_key(entry["key"]), title=entry[language], sort_order=n)
            for n, entry in enumerate(entries)
        ]
        page.save_revision().publish()
        by_key = {o.key: o for o in LearningObjective.objects.filter(course=page)}
        for lesson in LessonPage.objects.child_of(page):
            slug = lesson.slug
            if language != "ro":
                source = lesson.get_translation_or_none(course.locale)
                slug = source.slug if source is not None else slug
            tags = [
                by_key[objective_key(entry["key"])]
                for entry in entries
                if slug in entry.get("lessons", [])
            ]
            if tags:
                lesson.objectives = tags
                lesson.save_revision().publish()
    return {
        entry["key"]: LearningObjective.objects.get(course=course, key=objective_key(entry["key"]))
        for entry in entries
    }


def _questions(
    quiz_data: dict, language: str, lessons: dict, objectives: dict | None = None
) -> list[Question]:
    questions = []
    for order, item in enumerate(quiz_data.get("questions", [])):
        texts = item[language]
        question = Question(
            sort_order=order,
            kind=item["type"],
            partial_credit=bool(item.get("partial_credit")),
            scenario=texts.get("scenario", ""),
            text=texts["text"],
            explanation=texts.get("explanation", ""),
            lesson=lessons.get(item.get("lesson")),
            objective=(objectives or {}).get(item.get("objective")),
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


def _quiz_page(quiz_data: dict, lessons: dict, objectives: dict) -> QuizPage:
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
    quiz.per_objective = quiz_data.get("per_objective")
    quiz.matched_with_pre_test = bool(quiz_data.get("matched"))
    if quiz.per_objective or quiz.matched_with_pre_test:
        # The pool is asked again after the course (post-test, retention checks): its answers
        # are never shown.
        quiz.review_policy = ReviewPolicy.NEVER
    quiz.questions = _questions(quiz_data, "ro", lessons, objectives)
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
    for question, item in zip(questions, quiz_data.get("questions", []), strict=True):
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
    objectives = seed_objectives(course, data)
    for quiz_data in data["quizzes"]:
        kind = quiz_data["kind"]
        quiz = QuizPage.objects.child_of(course).filter(kind=kind).first()
        if quiz is None:
            quiz = _quiz_page(quiz_data, lessons, objectives)
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


# The final quiz score of each of the renewal learner's completed runs
# (courses.demo.seed_demo_runs), by course and run number.
DEMO_RUN_SCORES = {("police", 1): 85, ("social_workers", 1): 75, ("social_workers", 2): 90}


def seed_demo_run_attempts() -> int:
    """A passed final-quiz attempt for each of the renewal learner's completed runs that has
    none (idempotent), so "My learning" shows each earlier run's score. Returns how many."""
    from decimal import Decimal

    from courses.demo import RENEWAL_LEARNER
    from courses.models import Enrollment

    from .models import Attempt, AttemptStatus

    courses = {
        c.translation_key: c
        for c in CoursePage.objects.filter(
            locale__language_code="ro", slug__in={"police", "social_workers"}
        )
    }
    created = 0
    for run in Enrollment.objects.filter(
        learner__email=RENEWAL_LEARNER, course_key__in=list(courses), completed_at__isnull=False
    ):
        course = courses[run.course_key]
        score = DEMO_RUN_SCORES.get((course.slug, run.run))
        quiz = QuizPage.objects.child_of(course).filter(kind=QuizKind.FINAL).first()
        if score is None or quiz is None:
            continue
        _attempt, was_created = Attempt.objects.get_or_create(
            learner_id=run.learner_id,
            quiz_key=quiz.translation_key,
            run=run.run,
            number=1,
            defaults={
                "course_key": run.course_key,
                "page": quiz,
                "status": AttemptStatus.SUBMITTED,
                "started_at": run.completed_at,
                "submitted_at": run.completed_at,
                "score": Decimal(score),
                "passed": True,
            },
        )
        created += was_created
    return created
