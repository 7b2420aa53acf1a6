"""The four starter courses: real, bilingual, sourced, and seeded idempotently."""

import json
import re
from collections import Counter
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from accounts.models import ProfessionalRole
from courses import demo
from courses.models import CoursePage, LessonPage, ReferralContact

COURSES = demo.load_course_data()
QUIZ_DIR = demo.CONTENT_DIR.parent.parent / "quizzes" / "demo_content"
QUIZZES = {
    data["course"]: data
    for data in (json.loads(p.read_text(encoding="utf-8")) for p in sorted(QUIZ_DIR.glob("*.json")))
}
ALLOWED_PHONE_NUMBERS = {"112", "0800 800 678"}


def words(value) -> int:
    if isinstance(value, str):
        return len(re.sub(r"<[^>]+>", " ", unescape(value)).split())
    if isinstance(value, dict):
        return sum(words(v) for v in value.values())
    if isinstance(value, list):
        return sum(words(v) for v in value)
    return 0


@pytest.mark.parametrize("data", COURSES, ids=[c["key"] for c in COURSES])
def test_each_course_has_3_to_6_real_lessons_in_both_languages(data):
    assert 3 <= len(data["lessons"]) <= 6
    for lesson in data["lessons"]:
        ro, en = lesson["ro"]["body"], lesson["en"]["body"]
        assert [b["type"] for b in ro] == [b["type"] for b in en], lesson["key"]
        for body in (ro, en):
            assert words([b["value"] for b in body]) >= 400, lesson["key"]
            assert body[-1]["type"] == "sources", lesson["key"]
    for language in ("ro", "en"):
        assert re.search("expert|experț", data[language]["content_status"].lower())


@pytest.mark.parametrize("data", COURSES, ids=[c["key"] for c in COURSES])
def test_romanian_uses_comma_below_letters_and_no_invented_numbers(data):
    text = json.dumps(data, ensure_ascii=False)
    assert not re.search("[şţŞŢ]", text)
    for number in re.findall(r"\b0\d{3} ?\d{3} ?\d{3}\b|\b1\d\d\b(?= )", text):
        assert number in ALLOWED_PHONE_NUMBERS or not number.startswith("0"), number


def test_every_professional_role_has_a_starter_course():
    # The social workers' (DGASPC) learner used to be recommended nothing.
    targeted = {role for c in COURSES for role in c["target_roles"]}
    assert {r.value for r in ProfessionalRole} - {ProfessionalRole.OTHER} <= targeted


@pytest.mark.parametrize("data", COURSES, ids=[c["key"] for c in COURSES])
def test_each_course_has_a_quiz_file_with_a_final_quiz(data):
    kinds = [q["kind"] for q in QUIZZES[data["key"]]["quizzes"]]
    assert "final" in kinds


def test_pre_and_post_tests_are_matched_by_objective():
    """Matched pre/post measurement (issue 17): each course's pre-test is a pool of parallel
    items per learning objective, enough for a post-test that asks none of the pre-test's
    (twice `per_objective` per objective); the post-test is matched and has no questions of its
    own; every pool and final-quiz item measures one of the course's objectives, and the final
    quiz covers them all."""
    for key, data in QUIZZES.items():
        objectives = {o["key"] for o in data["objectives"]}
        assert 4 <= len(objectives) <= 5, key
        by_kind = {q["kind"]: q for q in data["quizzes"]}
        pre, post, final = by_kind["pre_test"], by_kind["post_test"], by_kind["final"]
        assert post.get("matched") is True and not post.get("questions"), key
        per_objective = pre["per_objective"]
        pool = Counter(q["objective"] for q in pre["questions"])
        assert set(pool) == objectives, key
        assert all(n >= 2 * per_objective for n in pool.values()), (key, pool)
        assert {q["objective"] for q in final["questions"]} == objectives, key
        lessons = {lesson["key"] for c in COURSES if c["key"] == key for lesson in c["lessons"]}
        for objective in data["objectives"]:
            assert set(objective["lessons"]) <= lessons, (key, objective["key"])


def test_every_block_type_is_used():
    used = {b["type"] for c in COURSES for lesson in c["lessons"] for b in lesson["ro"]["body"]}
    assert {
        "rich_text",
        "key_fact",
        "indicators",
        "case_study",
        "steps",
        "callout",
        "document",
        "referral_contacts",
        "sources",
    } <= used


@pytest.mark.django_db
def test_seed_courses_builds_both_languages_once(client, demo_site):
    demo.seed_courses()
    en = Locale.objects.get(language_code="en")
    courses = CoursePage.objects.filter(locale__language_code="ro")
    assert courses.count() == len(COURSES) == 4
    for course in courses:
        assert course.live and course.get_translation(en).live
        lessons = LessonPage.objects.child_of(course).live()
        assert lessons.count() == len(
            next(c for c in COURSES if c["key"] == course.slug)["lessons"]
        )
        for lesson in lessons:
            assert lesson.get_translation(en).live
    # 112, 119, ANITP, each county's DGASPC and police (test_referral_directory.py)
    assert ReferralContact.objects.filter(locale=en).count() == 3 + 2 * 42
    counts = (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        ReferralContact.objects.count(),
    )
    demo.seed_courses()
    assert (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        ReferralContact.objects.count(),
    ) == counts

    # The lessons render with every block, the handout link and the referral contacts.
    lesson = LessonPage.objects.get(
        locale__language_code="ro", slug="teachers-what-to-do-whom-to-notify"
    )
    from ..elearning.factories import UserFactory

    client.force_login(UserFactory())
    html = client.get(lesson.url).content.decode()
    assert "0800 800 678" in html and ".pdf" in html
    assert "Surse" in html

    # The DGASPC learner is recommended the social workers' course.
    social_worker = UserFactory(role=ProfessionalRole.SOCIAL_WORKER)
    client.force_login(social_worker)
    with translation.override("ro"):
        recommended = client.get(reverse("courses:my_learning")).context["recommended"]
    assert [p.course.slug for p in recommended] == ["social_workers"]
