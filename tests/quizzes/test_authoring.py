"""Trainers author quizzes in the admin: questions with nested choices; translations keep pairs."""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Locale, ReferenceIndex
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from quizzes.models import QuizPage

from ..courses.factories import make_course
from ..elearning.factories import UserFactory
from .factories import make_quiz

pytestmark = pytest.mark.django_db


def question(text, choices, kind="single"):
    return {
        "kind": kind,
        "scenario": "",
        "text": text,
        "explanation": "De ce.",
        "partial_credit": "",
        "choices": inline_formset(
            [{"text": t, "is_correct": "on" if ok else "", "feedback": ""} for t, ok in choices],
            min=2,
        ),
    }


def test_admin_creates_a_quiz_with_nested_questions_and_choices(client, demo_site):
    course = make_course(lessons=1, translate=False)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    add = reverse("wagtailadmin_pages:add", args=["quizzes", "quizpage", course.pk])
    assert client.get(add).status_code == 200
    data = nested_form_data(
        {
            "title": "Chestionar final",
            "slug": "chestionar",
            "intro": rich_text("<p>Zece întrebări.</p>"),
            "kind": "final",
            "pass_mark": "70",
            "max_attempts": "3",
            "cooldown_minutes": "0",
            "time_limit_minutes": "",
            "draw_count": "2",
            "shuffle_questions": "on",
            "shuffle_choices": "on",
            "review_policy": "after_last",
            "questions": inline_formset(
                [
                    question("Prima?", [("Da", True), ("Nu", False)]),
                    question("A doua?", [("A", True), ("B", True), ("C", False)], kind="multiple"),
                    question("A treia?", [("Adevărat", False), ("Fals", True)], kind="true_false"),
                ],
                min=1,
            ),
        }
    )
    # Preview before saving works on the unsaved cluster.
    preview = client.post(add + "preview/", data)
    assert preview.json()["is_valid"] is True
    response = client.post(add, {**data, "action-publish": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = QuizPage.objects.get(slug="chestionar")
    assert [q.text for q in quiz.questions.all()] == ["Prima?", "A doua?", "A treia?"]
    assert [c.is_correct for c in quiz.questions.get(text="A doua?").choices.all()] == [
        True,
        True,
        False,
    ]


def test_translation_keeps_questions_and_choices_paired(demo_site):
    quiz = make_quiz()
    english = quiz.get_translation(Locale.objects.get(language_code="en"))
    ro_keys = [(q.key, [c.key for c in q.choices.all()]) for q in quiz.questions.all()]
    en_keys = [(q.key, [c.key for c in q.choices.all()]) for q in english.questions.all()]
    assert ro_keys == en_keys
    assert {q.pk for q in quiz.questions.all()}.isdisjoint({q.pk for q in english.questions.all()})


def test_starter_quizzes(demo_site):
    from courses import demo as course_demo
    from quizzes import demo

    course_demo.seed_courses()
    demo.seed_quizzes()
    finals = QuizPage.objects.filter(kind="final", locale__language_code="ro")
    assert finals.count() == 4
    for quiz in finals:
        assert quiz.questions.count() >= 12 and quiz.draw_count == 10
        scenario_based = sum(bool(q.scenario) for q in quiz.questions.all())
        assert scenario_based >= 6
        # Each question names the lesson of its own course that teaches it (cooldown advice).
        lessons = {q.lesson for q in quiz.questions.select_related("lesson")}
        assert None not in lessons and {lesson.get_parent() for lesson in lessons} == {
            quiz.get_parent()
        }
        en = quiz.get_translation(Locale.objects.get(language_code="en"))
        assert [q.key for q in en.questions.all()] == [q.key for q in quiz.questions.all()]
        assert en.questions.first().text != quiz.questions.first().text
    teachers = finals.get(slug="final-quiz", url_path__contains="/teachers/").get_parent()
    kinds = [p.specific.kind for p in teachers.get_children() if hasattr(p.specific, "kind")]
    assert kinds == ["pre_test", "post_test", "final"]
    social_workers = finals.get(url_path__contains="/social_workers/").get_parent()
    kinds = [p.specific.kind for p in social_workers.get_children() if hasattr(p.specific, "kind")]
    assert kinds == ["pre_test", "post_test", "final"]
    # Every course measures learning with a matched pre/post pair: the pool's answers are never
    # shown (the post-test and the retention checks ask it again), and the post-test waits
    # between attempts.
    posts = QuizPage.objects.filter(kind="post_test", locale__language_code="ro")
    assert posts.count() == 4
    for post in posts:
        assert post.matched_with_pre_test and post.review_policy == "never"
        assert post.max_attempts and post.cooldown_minutes
        assert not post.questions.exists()
    pres = QuizPage.objects.filter(kind="pre_test", locale__language_code="ro")
    assert pres.count() == 4
    for pre in pres:
        assert pre.per_objective and pre.review_policy == "never"
        assert all(q.objective_id for q in pre.questions.all())
    counts = QuizPage.objects.count()
    demo.seed_quizzes()
    assert QuizPage.objects.count() == counts
    # The seeds index each page once at the end (elearning.infrastructure.reference_index): the
    # admin's "Usage" is what Wagtail's own rebuild of the index gives.
    seeded = reference_rows()
    assert any(model == "quizzes.quizpage" for model, *_ in seeded)
    call_command("rebuild_references_index", verbosity=0)
    assert reference_rows() == seeded


def reference_rows() -> set:
    return {
        (
            f"{r.content_type.app_label}.{r.content_type.model}",
            r.object_id,
            r.to_content_type_id,
            r.to_object_id,
            r.model_path,
            r.content_path,
        )
        for r in ReferenceIndex.objects.select_related("content_type")
    }


# What the learner sees after an attempt is said by the quiz page from the review policy
# (QuizPage.review_policy_text); an intro that promises it too can contradict the policy.
FEEDBACK_PROMISES = re.compile(
    r"explanation|feedback|review|after each (question|attempt)|answers (are|will be) shown"
    r"|explicați|după fiecare (întrebare|încercare)|răspunsurile corecte (sunt|vor fi) afișate",
    re.IGNORECASE,
)


def test_starter_quiz_intros_leave_feedback_to_the_review_policy():
    from quizzes.demo import CONTENT_DIR

    for path in sorted(CONTENT_DIR.glob("*.json")):
        for quiz in json.loads(path.read_text(encoding="utf-8"))["quizzes"]:
            for language in ("ro", "en"):
                intro = quiz[language].get("intro", "")
                assert not FEEDBACK_PROMISES.search(intro), (path.name, quiz["kind"], intro)
