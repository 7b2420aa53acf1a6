"""Matched pre/post tests: the post-test draws the pre-test's objectives from its pool
(parallel items first), every answer is kept per item, and knowledge gain pairs only matched,
unrevealed attempts (issue 17, items 1-2)."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from courses.models import Enrollment, LearningObjective
from evaluation.selectors import knowledge_gain, matched_course_keys
from quizzes.models import Attempt, AttemptStatus, ItemResponse, MeasuredPair

from ..elearning.factories import UserFactory
from .factories import answers_scoring, make_matched_course

pytestmark = pytest.mark.django_db


def start(client, quiz, language="ro"):
    with translation.override(language):
        response = client.post(reverse("quizzes:attempt_start", kwargs={"page_id": quiz.pk}))
    assert response.status_code == 302, response.content.decode()[:300]
    return Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS).latest("pk")


def submit(client, quiz, attempt, data, language="ro"):
    with translation.override(language):
        url = reverse(
            "quizzes:attempt_submit", kwargs={"page_id": quiz.pk, "attempt_id": attempt.pk}
        )
    return client.post(url, data)


def objectives_of(attempt, course):
    keys = {}
    for question in course.get_children().type(type(attempt.page)).specific()[0].questions.all():
        keys[str(question.key)] = question.objective.key
    return [keys[k] for k in attempt.question_keys]


def take(client, quiz, right, language="ro"):
    if language != "ro":
        quiz = quiz.get_translation(Locale.objects.get(language_code=language)).specific
    attempt = start(client, quiz, language)
    response = submit(client, quiz, attempt, answers_scoring(quiz, attempt, right), language)
    assert response.status_code == 302, response.content.decode()[:300]
    attempt.refresh_from_db()
    return attempt


def test_post_test_draws_the_same_objectives_with_parallel_items(client, demo_site):
    course, pre, post = make_matched_course(objectives=3, per_objective=1, items=2)
    client.force_login(UserFactory())
    pre_attempt = take(client, pre, right=1)
    post_attempt = take(client, post, right=3)
    by_key = {str(q.key): q.objective.key for q in pre.questions.all()}
    assert sorted(by_key[k] for k in pre_attempt.question_keys) == sorted(
        by_key[k] for k in post_attempt.question_keys
    )
    assert len(pre_attempt.question_keys) == 3
    # Parallel items: two per objective, so the post-test asks none the pre-test asked.
    assert not set(pre_attempt.question_keys) & set(post_attempt.question_keys)
    assert pre_attempt.pool_key == post_attempt.pool_key == pre.translation_key
    assert float(post_attempt.score) == 100.0


def test_without_parallel_items_the_same_items_are_asked(client, demo_site):
    course, pre, post = make_matched_course(objectives=2, per_objective=1, items=1)
    client.force_login(UserFactory())
    pre_attempt = take(client, pre, right=0)
    post_attempt = take(client, post, right=2, language="en")
    assert sorted(pre_attempt.question_keys) == sorted(post_attempt.question_keys)


def test_every_answer_is_kept_per_item_with_its_objective_and_choices(client, demo_site):
    course, pre, post = make_matched_course(objectives=2, per_objective=2, items=2)
    client.force_login(UserFactory())
    attempt = take(client, pre, right=3)
    responses = list(ItemResponse.objects.filter(attempt=attempt))
    assert len(responses) == 4
    objective_keys = {o.key for o in LearningObjective.objects.filter(course=course)}
    assert {r.objective_key for r in responses} == objective_keys
    assert sorted(float(r.credit) for r in responses) == [0.0, 1.0, 1.0, 1.0]
    # The first drawn three were answered with the correct choice (position 0: bit 1).
    first = {r.question_key: r for r in responses}
    assert [first[__import__("uuid").UUID(k)].selected for k in attempt.question_keys[:3]] == [
        1,
        1,
        1,
    ]


def test_knowledge_gain_counts_only_matched_pairs_with_intervals(client, demo_site):
    course, pre, post = make_matched_course(objectives=2, per_objective=2, items=4)
    assert course.translation_key in matched_course_keys()
    # Four learners: pre 1/4, 2/4, 0/4, 2/4; post 3/4, 4/4, 2/4, 3/4 → gains 50, 50, 50, 25.
    for pre_right, post_right in ((1, 3), (2, 4), (0, 2), (2, 3)):
        client.force_login(UserFactory())
        take(client, pre, right=pre_right)
        take(client, post, right=post_right, language="en")
    # A fifth learner took the post-test only: no pair.
    client.force_login(UserFactory())
    take(client, post, right=4)
    runs = Enrollment.objects.filter(course_key=course.translation_key)
    gain = knowledge_gain(runs)[None]
    assert gain.pairs == 4
    assert gain.raw.value == pytest.approx(43.75)
    # sd of (50, 50, 50, 25) = 12.5; t(3) = 3.182; half-width = 3.182 * 12.5 / 2 = 19.89
    assert gain.raw.low == pytest.approx(43.75 - 19.8875, abs=0.01)
    assert gain.raw.high == pytest.approx(43.75 + 19.8875, abs=0.01)
    assert gain.effect_size.value == pytest.approx(43.75 / 12.5)
    # Normalised change: 50/75, 50/50, 50/100, 25/50.
    assert gain.normalised.value == pytest.approx((2 / 3 + 1 + 0.5 + 0.5) / 4)
    assert gain.mean_pre == pytest.approx(31.25) and gain.mean_post == pytest.approx(75)


def test_attempts_from_before_the_course_was_matched_do_not_pair(client, demo_site):
    course, pre, post = make_matched_course()
    learner = UserFactory()
    client.force_login(learner)
    pre_attempt = take(client, pre, right=0)
    # As the code before matched tests left it: the pre-test recorded no pool.
    Attempt.objects.filter(pk=pre_attempt.pk).update(pool_key=None)
    take(client, post, right=2)
    assert not MeasuredPair.objects.exists()
    runs = Enrollment.objects.filter(course_key=course.translation_key)
    assert knowledge_gain(runs) == {}


def test_an_unmatched_post_test_is_not_a_matched_course(demo_site):
    course, pre, post = make_matched_course()
    for page in (post, post.get_translation(Locale.objects.get(language_code="en")).specific):
        page.matched_with_pre_test = False
        page.save_revision().publish()
    assert course.translation_key not in matched_course_keys()


def test_knowledge_gain_is_one_query_whatever_the_number_of_learners(
    client, demo_site, django_assert_num_queries
):
    course, pre, post = make_matched_course(objectives=1, per_objective=1, items=2)
    runs = Enrollment.objects.filter(course_key=course.translation_key)
    for _n in range(3):
        client.force_login(UserFactory())
        take(client, pre, right=0)
        take(client, post, right=1)
    with django_assert_num_queries(1):
        assert knowledge_gain(runs, group_by="county")
    for _n in range(5):
        client.force_login(UserFactory())
        take(client, pre, right=0)
        take(client, post, right=1)
    with django_assert_num_queries(1):
        result = knowledge_gain(runs, group_by="month")
    assert sum(g.pairs for g in result.values()) == 8


def test_english_objectives_keep_the_romanian_keys(demo_site):
    course, pre, post = make_matched_course()
    en = course.get_translation(Locale.objects.get(language_code="en"))
    keys = [o.key for o in LearningObjective.objects.filter(course=course).order_by("sort_order")]
    assert [o.key for o in en.specific.objectives.all()] == keys


def test_the_first_post_test_attempt_counts_not_a_later_retake(client, demo_site):
    course, pre, post = make_matched_course(objectives=2, per_objective=1, items=2)
    client.force_login(UserFactory())
    take(client, pre, right=0)
    take(client, post, right=1)
    take(client, post, right=2)  # practice on the test: not what the course taught
    runs = Enrollment.objects.filter(course_key=course.translation_key)
    gain = knowledge_gain(runs)[None]
    assert (gain.pairs, gain.mean_pre, gain.mean_post) == (1, 0.0, 50.0)


def test_revealed_attempts_never_pair(client, demo_site):
    course, pre, post = make_matched_course()
    client.force_login(UserFactory())
    take(client, pre, right=0)
    # A post-test attempt started after the pool's answers had been shown (the flag is set
    # when the attempt starts, from the learner's earlier attempts).
    attempt = start(client, post, "ro")
    Attempt.objects.filter(pk=attempt.pk).update(answers_revealed=True)
    submit(client, post, attempt, answers_scoring(post, attempt, 2), "ro")
    runs = Enrollment.objects.filter(course_key=course.translation_key)
    assert knowledge_gain(runs) == {}
    assert not MeasuredPair.objects.exists()


def test_a_revealed_pre_test_never_pairs(client, demo_site):
    course, pre, post = make_matched_course()
    client.force_login(UserFactory())
    attempt = take(client, pre, right=0)
    Attempt.objects.filter(pk=attempt.pk).update(answers_revealed=True)
    take(client, post, right=2)
    assert not MeasuredPair.objects.exists()


def test_gain_by_objective_pairs_each_learners_objective_scores(
    client, demo_site, django_assert_num_queries
):
    from evaluation.selectors import objective_gain

    course, pre, post = make_matched_course(objectives=2, per_objective=1, items=2)
    for pre_right, post_right in ((0, 2), (0, 2), (2, 0)):
        client.force_login(UserFactory())
        take(client, pre, right=pre_right)
        take(client, post, right=post_right)
    runs = Enrollment.objects.filter(course_key=course.translation_key)
    with django_assert_num_queries(3):
        gains = objective_gain(runs)
    objectives = LearningObjective.objects.filter(course=course)
    assert set(gains) == {(course.translation_key, o.key) for o in objectives}
    for gain in gains.values():
        assert gain.pairs == 3
        assert gain.raw.value == pytest.approx(100 / 3)
        assert gain.mean_pre == pytest.approx(100 / 3)


def test_the_impact_report_can_be_cut_by_objective(client, demo_site):
    from reports.models import CoordinatorScope, ScopeLevel
    from reports.selectors import impact, report_courses

    course, pre, post = make_matched_course(objectives=2, per_objective=1, items=2)
    for _n in range(5):
        client.force_login(UserFactory())
        take(client, pre, right=0)
        take(client, post, right=2)
    scope = CoordinatorScope(level=ScopeLevel.NATIONAL)
    rows = impact(scope=scope, filters={}, courses=report_courses(), group_by="objective")
    assert sorted(r.group for r in rows) == ["Obiectivul 0", "Obiectivul 1"]
    assert all(r.pairs == 5 and r.raw.value == 100 for r in rows)
