"""Attempts: integrity, grading on the server, languages, policies, knowledge gain."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale

from courses import services as course_services
from courses.models import Enrollment, StepCompletion
from quizzes import services
from quizzes.models import Attempt, AttemptStatus, Question

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory
from .factories import correct_answers, make_quiz, wrong_answers

pytestmark = pytest.mark.django_db


def url(name, language="ro", **kwargs):
    with translation.override(language):
        return reverse(f"quizzes:{name}", kwargs=kwargs)


@pytest.fixture
def learner(client, demo_site):
    user = UserFactory()
    client.force_login(user)
    return user


def start(client, quiz, language="ro"):
    response = client.post(url("attempt_start", language, page_id=quiz.pk))
    assert response.status_code == 302, response.content.decode()[:500]
    return Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS).latest("pk")


def submit(client, quiz, attempt, data, language="ro"):
    return client.post(
        url("attempt_submit", language, page_id=quiz.pk, attempt_id=attempt.pk), data
    )


def test_quiz_needs_login(client, demo_site):
    quiz = make_quiz()
    response = client.get(quiz.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_answers_feedback_and_explanations_never_reach_the_browser_before_submitting(
    client, learner
):
    quiz = make_quiz()
    start(client, quiz)
    html = client.get(quiz.url).content.decode()
    assert "Ce faceți întâi?" in html
    for secret in ("FEEDBACK-OK", "FEEDBACK-NU", "EXPLICAȚIA-1", "is_correct", "correct"):
        assert secret not in html
    assert "application/json" not in html and "<script>" not in html


def test_passing_the_final_quiz_completes_the_step_and_the_course(
    client, learner, django_capture_on_commit_callbacks
):
    course = make_course(lessons=1)
    quiz = make_quiz(course, kind="final", pass_mark=70)
    course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    attempt = start(client, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, quiz, attempt, correct_answers(quiz, attempt))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == 100 and attempt.passed
    assert StepCompletion.objects.filter(learner=learner, step_key=quiz.translation_key).exists()
    assert Enrollment.objects.get(learner=learner).completed_at is not None
    result = client.get(response["Location"])
    assert "100%" in result.content.decode()


def test_failing_records_nothing_in_progress(client, learner):
    course = make_course(lessons=1)
    quiz = make_quiz(course)
    attempt = start(client, quiz)
    submit(client, quiz, attempt, wrong_answers(quiz, attempt))
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.passed is False
    assert not StepCompletion.objects.filter(step_key=quiz.translation_key).exists()


def test_partial_credit_scores_each_choice(client, learner):
    quiz = make_quiz(shuffle_questions=False)
    attempt = start(client, quiz)
    data = correct_answers(quiz, attempt)
    multiple = quiz.questions.get(kind="multiple")
    data[f"q-{multiple.key}"] = [str(multiple.choices.get(text="Absențe repetate").pk)]
    submit(client, quiz, attempt, data)
    attempt.refresh_from_db()
    assert float(attempt.score) == pytest.approx(83.33, abs=0.01)  # (1 + 0.5 + 1) / 3


def test_double_submission_is_graded_once(client, learner):
    quiz = make_quiz()
    attempt = start(client, quiz)
    first = submit(client, quiz, attempt, correct_answers(quiz, attempt))
    again = submit(client, quiz, attempt, wrong_answers(quiz, attempt))
    assert first.status_code == 302 and again.status_code == 409
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert "deja trimisă" in again.content.decode()


def test_a_reload_and_a_language_switch_show_the_same_attempt(client, learner):
    quiz = make_quiz(draw_count=2)
    attempt = start(client, quiz)
    assert start(client, quiz).pk == attempt.pk  # a second start resumes
    ro_html = client.get(quiz.url).content.decode()
    en_quiz = quiz.get_translation(Locale.objects.get(language_code="en"))
    en_page = client.get(en_quiz.url)
    shown = [q["key"] for q in en_page.context["questions"]]
    assert shown == attempt.question_keys and len(shown) == 2
    assert all(q["text"].startswith("EN ") for q in en_page.context["questions"])
    assert "EN " not in ro_html
    # Submitted from the English page, with the English page's choice ids.
    response = submit(client, en_quiz, attempt, correct_answers(en_quiz, attempt), "en")
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.page_id == en_quiz.pk


def other_learners_attempt(quiz):
    other = UserFactory()
    return services.attempt_start(learner=other, quiz=quiz)


@pytest.mark.parametrize(
    "case",
    [
        "missing_answer",
        "choice_of_another_question",
        "choice_of_another_quiz",
        "injected_score",
        "non_numeric",
        "two_answers_to_single",
        "huge_payload",
        "english_ids_on_romanian_url",
    ],
)
def test_bad_submissions_change_nothing(client, learner, case):
    quiz = make_quiz(shuffle_questions=False, shuffle_choices=False)
    attempt = start(client, quiz)
    data = correct_answers(quiz, attempt)
    single = quiz.questions.get(kind="single")
    multiple = quiz.questions.get(kind="multiple")
    if case == "missing_answer":
        del data[f"q-{single.key}"]
    elif case == "choice_of_another_question":
        data[f"q-{single.key}"] = [str(multiple.choices.first().pk)]
    elif case == "choice_of_another_quiz":
        other = make_quiz(make_course(slug="alt", lessons=1), slug="alt-quiz", translate=False)
        data[f"q-{single.key}"] = [str(other.questions.get(kind="single").choices.first().pk)]
    elif case == "injected_score":
        data["score"] = "100"
    elif case == "non_numeric":
        data[f"q-{single.key}"] = ["1 OR 1=1"]
    elif case == "two_answers_to_single":
        data[f"q-{single.key}"] = [str(c.pk) for c in single.choices.all()]
    elif case == "huge_payload":
        data[f"q-{multiple.key}"] = [str(multiple.choices.first().pk)] * 5000
    elif case == "english_ids_on_romanian_url":
        en_quiz = quiz.get_translation(Locale.objects.get(language_code="en"))
        data = correct_answers(en_quiz, attempt)
    response = submit(client, quiz, attempt, data)
    assert response.status_code == 400
    assert response.context["error"].message
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.score is None
    assert attempt.answers == {}


def test_another_learners_attempt_is_404(client, learner):
    quiz = make_quiz()
    theirs = other_learners_attempt(quiz)
    response = submit(client, quiz, theirs, correct_answers(quiz, theirs))
    assert response.status_code == 404
    result = client.get(url("attempt_result", page_id=quiz.pk, attempt_id=theirs.pk))
    assert result.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AttemptStatus.IN_PROGRESS


def test_a_quiz_under_a_view_restriction_cannot_be_started_or_reviewed(client, learner):
    from wagtail.models import PageViewRestriction

    course = make_course()
    quiz = make_quiz(course)
    attempt = start(client, quiz)
    submit(client, quiz, attempt, correct_answers(quiz, attempt))
    result = url("attempt_result", page_id=quiz.pk, attempt_id=attempt.pk)
    assert client.get(result).status_code == 200
    # A trainer puts the course behind a password: the quiz (cached as live) is no longer public.
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert client.post(url("attempt_start", page_id=quiz.pk)).status_code == 404
    assert client.get(result).status_code == 404
    restriction.delete()
    assert client.get(result).status_code == 200


def test_submission_after_the_time_limit_is_refused(client, learner):
    quiz = make_quiz(time_limit_minutes=10)
    attempt = start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = submit(client, quiz, attempt, correct_answers(quiz, attempt))
    assert response.status_code in (404, 409)
    attempt.refresh_from_db()
    assert attempt.score is None


def test_cooldown_and_maximum_attempts(client, learner):
    quiz = make_quiz(max_attempts=2, cooldown_minutes=30)
    attempt = start(client, quiz)
    submit(client, quiz, attempt, wrong_answers(quiz, attempt))
    response = client.post(url("attempt_start", page_id=quiz.pk))
    assert response.status_code == 403
    assert "Puteți încerca din nou" in response.content.decode()
    # No question names a lesson: the course's lessons, said as such.
    assert "Până atunci, recitiți lecțiile cursului:" in response.content.decode()
    assert f'href="{lessons_of(quiz.get_parent())[0].url}"' in response.content.decode()
    Attempt.objects.update(submitted_at=timezone.now() - timedelta(minutes=31))
    second = start(client, quiz)
    submit(client, quiz, second, wrong_answers(quiz, second))
    Attempt.objects.update(submitted_at=timezone.now() - timedelta(minutes=31))
    response = client.post(url("attempt_start", page_id=quiz.pk))
    assert response.status_code == 403
    assert "Nu mai aveți încercări" in response.content.decode()
    assert Attempt.objects.filter(learner=learner).count() == 2


def test_review_policy(client, learner):
    never = make_quiz(review_policy="never", slug="never")
    each = make_quiz(make_course(slug="c2", lessons=1), review_policy="after_each", slug="each")
    for quiz, shown in ((never, False), (each, True)):
        attempt = start(client, quiz)
        response = submit(client, quiz, attempt, wrong_answers(quiz, attempt))
        html = client.get(response["Location"]).content.decode()
        assert ("EXPLICAȚIA-1" in html) is shown
        assert ("FEEDBACK-NU" in html) is shown


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"review_policy": "after_each"}, "După fiecare încercare vedeți răspunsurile corecte"),
        ({"review_policy": "once_passed"}, "sunt afișate după ce ați promovat."),
        (
            {"review_policy": "after_last", "max_attempts": 3},
            "după ce ați promovat sau ați folosit ultima încercare",
        ),
        ({"review_policy": "never"}, "răspunsurile corecte nu sunt afișate"),
        (
            {"review_policy": "after_each", "max_attempts": 1},
            "După ce trimiteți răspunsurile, vedeți răspunsurile corecte",
        ),
    ],
)
def test_the_quiz_page_says_what_its_review_policy_shows(client, learner, settings, said):
    quiz = make_quiz(**settings)
    assert said in client.get(quiz.url).content.decode()
    attempt = start(client, quiz)
    result = client.get(submit(client, quiz, attempt, wrong_answers(quiz, attempt))["Location"])
    html = result.content.decode()
    if result.context["review"]:
        assert "EXPLICAȚIA-1" in html
    else:  # the result page withholds them and says when they will be shown, in the same words
        assert "nu sunt afișate pentru această încercare" in html and said in html
    en = quiz.get_translation(Locale.objects.get(language_code="en"))
    english = client.get(en.url).content.decode().split('class="review-policy">')[1]
    assert "you see" in english.split("</p>")[0]


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie "
    "noiembrie decembrie",
}


def test_the_cooldown_says_when_in_words_and_which_lessons_to_go_back_over(client, learner):
    course = make_course(lessons=2)
    first_lesson, second_lesson = lessons_of(course)
    quiz = make_quiz(
        course, max_attempts=3, cooldown_minutes=60, shuffle_questions=False, translate=True
    )
    single = quiz.questions.get(kind="single")
    true_false = quiz.questions.get(kind="true_false")
    # Linked to the Romanian lessons, in both languages (as a translation copies them).
    Question.objects.filter(key=single.key).update(lesson=first_lesson)
    Question.objects.filter(key=true_false.key).update(lesson=second_lesson)
    attempt = start(client, quiz)
    data = correct_answers(quiz, attempt)
    data[f"q-{single.key}"] = wrong_answers(quiz, attempt)[f"q-{single.key}"]  # missed
    result = client.get(submit(client, quiz, attempt, data)["Location"]).content.decode()
    attempt.refresh_from_db()
    when = timezone.localtime(attempt.submitted_at + timedelta(minutes=60))

    def written(language):
        month = MONTHS[language].split()[when.month - 1]
        return f"{when.day} {month} {when.year}, {when:%H:%M}"

    page = client.get(quiz.url).content.decode()
    for html in (page, result):
        assert written("ro") in html
        assert f'href="{first_lesson.url}"' in html and f'href="{second_lesson.url}"' not in html
        assert "recitiți lecția" in html
    en_quiz = quiz.get_translation(Locale.objects.get(language_code="en"))
    en_first, en_second = lessons_of(course, "en")
    page = client.get(en_quiz.url).content.decode()
    assert f"You can try again from {written('en')}." in page
    assert f'href="{en_first.url}"' in page and f'href="{en_second.url}"' not in page
    # Tried again and passed: no more advice.
    Attempt.objects.update(submitted_at=timezone.now() - timedelta(minutes=61))
    attempt = start(client, quiz)
    submit(client, quiz, attempt, correct_answers(quiz, attempt))
    assert "lessons-to-review" not in client.get(quiz.url).content.decode()


def main_action(html: str) -> str:
    """The href of a result page's main button."""
    import re

    return re.search(r'<p class="actions"><a class="button" href="([^"]+)"', html).group(1)


def test_every_result_page_leads_to_the_learners_next_step(client, learner):
    course = make_course(lessons=2)
    first_lesson, second_lesson = lessons_of(course)
    pre = make_quiz(course, kind="pre_test", slug="pre", pass_mark=0, max_attempts=1)
    pre.move(first_lesson, pos="left")
    final = make_quiz(course, kind="final", slug="final", max_attempts=2)

    # After the pre-test (no attempt left): the first lesson, said and linked.
    attempt = start(client, pre)
    html = client.get(submit(client, pre, attempt, wrong_answers(pre, attempt))["Location"])
    html = html.content.decode()
    assert main_action(html) == first_lesson.url
    assert f"continuă cu „{first_lesson.title}”" in html
    assert "Înapoi la chestionar" not in html

    # A failed final quiz with an attempt left: the quiz again.
    attempt = start(client, final)
    html = client.get(submit(client, final, attempt, wrong_answers(final, attempt))["Location"])
    assert main_action(html.content.decode()) == final.url
    # Failed with no attempt left: the first step not done (here the first lesson).
    attempt = start(client, final)
    html = client.get(submit(client, final, attempt, wrong_answers(final, attempt))["Location"])
    assert main_action(html.content.decode()) == first_lesson.url

    # Everything done: the course.
    for lesson in (first_lesson, second_lesson):
        course_services.step_complete(learner=learner, course=course, step=lesson)
    course_services.step_complete(learner=learner, course=course, step=final)
    html = client.get(url("attempt_result", page_id=final.pk, attempt_id=attempt.pk))
    assert main_action(html.content.decode()) == course.url


def test_a_retake_after_the_review_does_not_move_the_knowledge_gain(client, learner):
    """The gamed path of issue 13: 0 % on the post-test, read the review, 100 % seconds later."""
    course = make_course(lessons=1)
    pre = make_quiz(course, kind="pre_test", slug="pre", pass_mark=0, max_attempts=1)
    post = make_quiz(course, kind="post_test", slug="post", review_policy="after_each")
    attempt = start(client, pre)
    submit(client, pre, attempt, wrong_answers(pre, attempt))
    first = start(client, post)
    result = submit(client, post, first, wrong_answers(post, first))
    assert "EXPLICAȚIA-1" in client.get(result["Location"]).content.decode()  # the review
    second = start(client, post)
    submit(client, post, second, correct_answers(post, second))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.answers_revealed, second.answers_revealed) == (False, True)
    assert second.score == 100
    # Knowledge gain counts the first post-test attempt only (evaluation.selectors), and this
    # one was taken knowing the answers: tests/evaluation covers both.


def test_a_retake_that_saw_no_answers_still_counts(client, learner):
    course = make_course(lessons=1)
    pre = make_quiz(course, kind="pre_test", slug="pre", pass_mark=0, max_attempts=1)
    post = make_quiz(course, kind="post_test", slug="post", review_policy="after_last")
    attempt = start(client, pre)
    submit(client, pre, attempt, wrong_answers(pre, attempt))
    first = start(client, post)
    submit(client, post, first, wrong_answers(post, first))  # failed: no review yet
    second = start(client, post)
    submit(client, post, second, correct_answers(post, second))
    second.refresh_from_db()
    assert second.answers_revealed is False
    # Passed: now the answers are shown, and a third attempt is taken knowing them.
    third = start(client, post)
    assert third.answers_revealed is True


def test_existing_retakes_are_marked_revealed_by_the_migration(demo_site):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("quizzes.migrations.0002_attempt_answers_revealed")
    quiz = make_quiz()
    learner, other = UserFactory(), UserFactory()
    course_key = quiz.get_parent().translation_key

    def attempt(who, number, status=AttemptStatus.SUBMITTED):
        return Attempt.objects.create(
            learner=who,
            quiz_key=quiz.translation_key,
            course_key=course_key,
            number=number,
            status=status,
        )

    first, second, third = attempt(learner, 1), attempt(learner, 2), attempt(learner, 3)
    after_expired = [attempt(other, 1, AttemptStatus.EXPIRED), attempt(other, 2)]
    migration.mark_retakes_revealed(apps, None)
    revealed = dict(Attempt.objects.values_list("pk", "answers_revealed"))
    assert [revealed[a.pk] for a in (first, second, third)] == [False, True, True]
    assert [revealed[a.pk] for a in after_expired] == [False, False]


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL (CI runs it)"
)


def run_concurrently(n, target):
    barrier = threading.Barrier(n)
    results = []

    def worker():
        from django.db import connections

        barrier.wait()
        try:
            results.append(target())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_grade_once(demo_site):
    quiz = make_quiz(translate=False)
    learner = UserFactory()
    attempt = services.attempt_start(learner=learner, quiz=quiz)
    answers = {
        str(q.key): [str(c.key) for c in q.choices.all() if c.is_correct]
        for q in quiz.questions.all()
    }
    results = run_concurrently(
        20,
        lambda: services.attempt_submit(
            attempt=Attempt.objects.get(pk=attempt.pk), quiz=quiz, answers=answers
        ),
    )
    accepted = [r for r in results if isinstance(r, Attempt)]
    refused = [r for r in results if isinstance(r, services.QuizError)]
    assert len(accepted) == 1 and len(refused) == 19, results
    assert StepCompletion.objects.filter(learner=learner).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_maximum_attempts_hold_under_concurrent_starts(demo_site):
    quiz = make_quiz(translate=False, max_attempts=1)
    learner = UserFactory()
    results = run_concurrently(10, lambda: services.attempt_start(learner=learner, quiz=quiz))
    assert Attempt.objects.filter(learner=learner).count() == 1
    assert all(isinstance(r, Attempt) for r in results), results
