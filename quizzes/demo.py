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
from elearning.infrastructure.reference_index import indexing_once

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


@indexing_once
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


# Decision scenarios ---------------------------------------------------------------------------
# One or more per course in quizzes/demo_content/scenarios/<course>.json (FORMAT.md there).

SCENARIO_DIR = CONTENT_DIR / "scenarios"
# Node and choice keys are derived from the course, the scenario's slug, the node's label and the
# choice's place, so every machine seeds the same keys (and the English copy shares them).
SCENARIO_NAMESPACE = uuid.UUID("0b6f5d2a-8c41-4f7e-9a3d-5e2c1b7a9f60")


def scenario_key(*parts: str) -> uuid.UUID:
    return uuid.uuid5(SCENARIO_NAMESPACE, "/".join(parts))


def scenario_content_tree(data: dict, language: str = "ro"):
    """The scenario file's tree, for the same checks the admin form makes."""
    from .scenario_tree import ScenarioTree, TreeChoice, TreeNode

    return ScenarioTree(
        [
            TreeNode(
                key=node["label"],
                label=node["label"],
                situation=node[language]["situation"],
                choices=tuple(
                    TreeChoice(
                        key=f"{node['label']}/{n}",
                        text=choice[language]["text"],
                        next_label=choice.get("next", ""),
                        score=choice["score"],
                        consequence=choice[language]["consequence"],
                        commentary=choice[language]["commentary"],
                    )
                    for n, choice in enumerate(node["choices"])
                ),
            )
            for node in data["nodes"]
        ]
    )


def _scenario_nodes(course_key: str, data: dict) -> list:
    from .models import ScenarioChoice, ScenarioNode

    nodes = []
    for order, node in enumerate(data["nodes"]):
        label = node["label"]
        item = ScenarioNode(
            sort_order=order,
            key=scenario_key(course_key, data["slug"], label),
            label=label,
            situation=node["ro"]["situation"],
        )
        item.choices = [
            ScenarioChoice(
                sort_order=n,
                key=scenario_key(course_key, data["slug"], label, str(n)),
                text=choice["ro"]["text"],
                consequence=choice["ro"]["consequence"],
                commentary=choice["ro"]["commentary"],
                score=choice["score"],
                next_label=choice.get("next", ""),
            )
            for n, choice in enumerate(node["choices"])
        ]
        nodes.append(item)
    return nodes


def _translate_scenario(scenario, data: dict, en: Locale) -> None:
    if scenario.get_translation_or_none(en) is not None:
        return
    translation = scenario.copy_for_translation(en)
    translation.title = data["en"]["title"]
    translation.intro = data["en"]["intro"]
    # The copies keep every node's and choice's key and link; only the words change (lists
    # assigned back, so the cluster carries the edits into the revision).
    nodes = list(translation.nodes.all())
    for node, node_data in zip(nodes, data["nodes"], strict=True):
        node.situation = node_data["en"]["situation"]
        choices = list(node.choices.all())
        for choice, choice_data in zip(choices, node_data["choices"], strict=True):
            choice.text = choice_data["en"]["text"]
            choice.consequence = choice_data["en"]["consequence"]
            choice.commentary = choice_data["en"]["commentary"]
        node.choices = choices
    translation.nodes = nodes
    translation.save_revision().publish()
    _align_with_source(scenario, translation.specific, en)


@transaction.atomic
def seed_course_scenario(course: CoursePage, data: dict) -> None:
    """The scenario on the Romanian course, placed after the lessons (before the post-test and
    the final quiz), and its English translation. A scenario whose slug exists is kept."""
    from .models import ScenarioPage

    for language in ("ro", "en"):
        problems = scenario_content_tree(data, language).problems()
        if problems:
            raise ValueError(f"{data['slug']} ({language}): {problems}")
    scenario = ScenarioPage.objects.child_of(course).filter(slug=data["slug"]).first()
    if scenario is None:
        scenario = ScenarioPage(
            title=data["ro"]["title"],
            slug=data["slug"],
            intro=data["ro"]["intro"],
            graded=data.get("graded", True),
            pass_mark=data.get("pass_mark", 60),
            estimated_minutes=data.get("estimated_minutes", 10),
        )
        scenario.nodes = _scenario_nodes(course.slug, data)
        after_lessons = (
            QuizPage.objects.child_of(course)
            .filter(kind__in=[QuizKind.POST_TEST, QuizKind.FINAL])
            .order_by("path")
            .first()
        )
        if after_lessons is not None:
            after_lessons.add_sibling(pos="left", instance=scenario)
        else:
            course.add_child(instance=scenario)
        scenario.save_revision().publish()
    _translate_scenario(scenario, data, Locale.objects.get(language_code="en"))


@indexing_once
def seed_scenarios() -> None:
    """Every scenario file's scenarios on its starter course (idempotent)."""
    for path in sorted(SCENARIO_DIR.glob("*.json")):
        content = json.loads(path.read_text(encoding="utf-8"))
        course = CoursePage.objects.filter(
            locale__language_code="ro", slug=content["course"]
        ).first()
        if course is None:
            continue
        for data in content["scenarios"]:
            seed_course_scenario(course, data)
