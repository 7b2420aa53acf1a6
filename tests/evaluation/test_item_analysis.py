"""Item analysis for trainers (issue 17, item 3): facility, discrimination, choice shares and
alpha from each learner's first attempt, across languages; the admin page and its exports."""

import csv
import io
import math

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Locale, Page

from evaluation.item_analysis import Flag, counted_attempts, quiz_item_analysis
from quizzes import services
from quizzes.models import Attempt, AttemptStatus, ItemResponse

from ..courses.factories import make_course
from ..elearning.factories import UserFactory
from ..quizzes.factories import make_quiz
from ..reports.conftest import _coordinator

pytestmark = pytest.mark.django_db

# make_quiz's questions, by their order: Q1 single (right, wrong), Q2 multiple with partial
# credit (right A, right B, wrong C), Q3 true/false (true is wrong, false is right).
RIGHT, WRONG = 0, 1
A, B, C = 0, 1, 2
TRUE, FALSE = 0, 1


def questions(quiz):
    return sorted(quiz.questions.all(), key=lambda q: q.sort_order)


def take(learner, quiz, picks: list[list[int]]):
    """Submit an attempt through the quizzes' services, picking choices by position for each
    question in the quiz's order (positions are the same in every language)."""
    attempt = services.attempt_start(learner=learner, quiz=quiz)
    answers = {}
    for question, positions in zip(questions(quiz), picks, strict=True):
        choices = list(question.choices.all())
        answers[str(question.key)] = [str(choices[p].key) for p in positions]
    return services.attempt_submit(attempt=attempt, quiz=quiz, answers=answers)


def english(quiz):
    return quiz.get_translation(Locale.objects.get(language_code="en")).specific


@pytest.fixture
def four_learners(demo_site):
    """Four learners' first attempts, the first one in English, and attempts that must not
    count: a second attempt, a later run's, one still in progress.

    credits      Q1   Q2   Q3   total
    learner 1     1    1    1    3      (in English)
    learner 2     1   0.5   0    1.5
    learner 3     0    0    0    0
    learner 4     1    0    1    2      (A and C: ½ − 1 → 0)
    """
    quiz = make_quiz()
    learners = [UserFactory() for _ in range(4)]
    take(learners[0], english(quiz), [[RIGHT], [A, B], [FALSE]])
    take(learners[1], quiz, [[RIGHT], [A], [TRUE]])
    take(learners[2], quiz, [[WRONG], [C], [TRUE]])
    take(learners[3], quiz, [[RIGHT], [A, C], [FALSE]])
    # Learner 3 again, all right: a second attempt is practice, not counted.
    take(learners[2], quiz, [[RIGHT], [A, B], [FALSE]])
    # A learner whose only submitted attempt is in a later run, and one still answering.
    late = take(UserFactory(), quiz, [[RIGHT], [A, B], [FALSE]])
    Attempt.objects.filter(pk=late.pk).update(run=2)
    services.attempt_start(learner=UserFactory(), quiz=quiz)
    return quiz


def test_facility_discrimination_choices_and_alpha_by_hand(four_learners):
    analysis = quiz_item_analysis(quiz=four_learners, language="ro")
    assert analysis.n == 4
    assert analysis.mean_score == pytest.approx((100 + 50 + 0 + 200 / 3) / 4, abs=0.01)
    q1, q2, q3 = analysis.items
    assert [q1.facility, q2.facility, q3.facility] == [75.0, 37.5, 50.0]

    # Q1: x = 1 1 0 1, rest of the test R = T − x = 2 0.5 0 1.
    # cov = Σxr/n − x̄·r̄ = 3.5/4 − 0.75 × 0.875 = 0.21875; var x = 0.1875;
    # var R = 5.25/4 − 0.875² = 0.546875; r = 0.21875 / √(0.1875 × 0.546875) = 0.6831.
    # (abs=1e-4: the total comes from the stored score, rounded to 0.01 %.)
    assert q1.discrimination == pytest.approx(0.21875 / math.sqrt(0.1875 * 0.546875), abs=1e-4)
    assert q1.discrimination == pytest.approx(0.6831, abs=1e-4)
    # Q2: x = 1 0.5 0 0, R = 2 1 0 2: cov = 2.5/4 − 0.375 × 1.25 = 0.15625;
    # var x = 1.25/4 − 0.375² = 0.171875; var R = 9/4 − 1.25² = 0.6875.
    assert q2.discrimination == pytest.approx(0.15625 / math.sqrt(0.171875 * 0.6875), abs=1e-4)
    # Q3: x = 1 0 0 1, R = 2 1.5 0 1: cov = 3/4 − 0.5 × 1.125 = 0.1875; var x = 0.25;
    # var R = 7.25/4 − 1.125² = 0.546875.
    assert q3.discrimination == pytest.approx(0.1875 / math.sqrt(0.25 * 0.546875), abs=1e-4)

    # Alpha: k/(k−1)·(1 − Σ var(x_i)/var(T)); item variances 0.1875 + 0.171875 + 0.25;
    # totals 3 1.5 0 2: var(T) = 15.25/4 − 1.625² = 1.171875 → 1.5 × (1 − 0.52) = 0.72.
    assert analysis.alpha == pytest.approx(0.72, abs=1e-4)
    assert analysis.alpha_note == ""
    assert analysis.alpha_reading == "consistență internă acceptabilă"

    # Choice shares by position, labelled in the trainer's language.
    assert [(c.label, c.count, c.share, c.is_correct) for c in q2.choices] == [
        ("Absențe repetate", 3, 75.0, True),
        ("Telefon nou neexplicat", 1, 25.0, True),
        ("Note bune", 2, 50.0, False),
    ]
    assert [(c.count, c.share) for c in q1.choices] == [(3, 75.0), (1, 25.0)]
    assert [(c.count, c.share) for c in q3.choices] == [(2, 50.0), (2, 50.0)]
    assert (q1.n, q1.unanswered) == (4, 0)


def test_answers_in_english_count_with_the_romanian_pair_and_are_labelled_in_english(
    four_learners,
):
    from_english = quiz_item_analysis(quiz=english(four_learners), language="en")
    from_romanian = quiz_item_analysis(quiz=four_learners, language="ro")
    assert from_english.n == from_romanian.n == 4
    assert [i.facility for i in from_english.items] == [i.facility for i in from_romanian.items]
    assert from_english.items[1].choices[0].label == "EN Absențe repetate"
    assert from_english.items[0].text.startswith("EN ")
    # Without an English translation asked for, the page's own language.
    assert quiz_item_analysis(quiz=four_learners, language="en").items[0].text.startswith("EN ")


def test_only_first_submitted_attempts_of_the_first_run_count(four_learners):
    counted = counted_attempts(four_learners.translation_key)
    assert counted.count() == 4
    assert not counted.filter(number=2).exists()
    assert not counted.filter(run=2).exists()
    # An attempt that ran out of time does not push the next one out: the first submitted
    # one counts.
    learner = UserFactory()
    expired = services.attempt_start(learner=learner, quiz=four_learners)
    Attempt.objects.filter(pk=expired.pk).update(status=AttemptStatus.EXPIRED)
    second = take(learner, four_learners, [[RIGHT], [A, B], [FALSE]])
    assert second.number == 2
    assert counted_attempts(four_learners.translation_key).filter(pk=second.pk).exists()
    # One taken after the correct answers were shown never counts.
    Attempt.objects.filter(pk=second.pk).update(answers_revealed=True)
    assert counted_attempts(four_learners.translation_key).count() == 4


def test_flags(demo_site):
    """Twenty learners: ten answer Q1 and Q2 right and Q3 wrong, ten Q1 and Q3 right and Q2
    wrong. Q1: everyone right (too easy; its wrong choice nobody picks, from 20 answers);
    Q2 and Q3: right exactly when the rest of the test is lower (negative discrimination)."""
    quiz = make_quiz()
    for n in range(20):
        picks = [[RIGHT], [A, B], [TRUE]] if n % 2 else [[RIGHT], [C], [FALSE]]
        take(UserFactory(), quiz, picks)
    q1, q2, q3 = quiz_item_analysis(quiz=quiz, language="ro").items
    assert q1.facility == 100.0 and q1.discrimination is None
    assert q1.flags == [Flag.TOO_EASY, Flag.UNUSED_DISTRACTOR]
    assert q2.discrimination == pytest.approx(-1.0)
    assert q2.flags == [Flag.NEGATIVE_DISCRIMINATION]
    assert q3.flags == [Flag.NEGATIVE_DISCRIMINATION]
    # Nobody picks Q2's wrong choice either? Ten do.
    assert q2.choices[C].count == 10


def test_a_hard_item_weak_discrimination_and_few_answers(demo_site):
    """Q1 right for 1 in 6 (too hard); under 20 answers a distractor nobody picks is not
    flagged."""
    quiz = make_quiz()
    patterns = [
        [[RIGHT], [A, B], [FALSE]],
        [[WRONG], [A, B], [FALSE]],
        [[WRONG], [A], [FALSE]],
        [[WRONG], [A], [TRUE]],
        [[WRONG], [A, B], [TRUE]],
        [[WRONG], [A], [TRUE]],
    ]
    for picks in patterns:
        take(UserFactory(), quiz, picks)
    q1, q2, q3 = quiz_item_analysis(quiz=quiz, language="ro").items
    assert q1.facility == pytest.approx(100 / 6)
    assert Flag.TOO_HARD in q1.flags
    assert q2.choices[C].count == 0 and Flag.UNUSED_DISTRACTOR not in q2.flags
    # Q2 x = 1 1 .5 .5 1 .5, R = 2 1 1 0 0 0: cov = 4.5/6 − 0.75 × 0.667 = 0.25 …; a weak
    # or negative flag whenever r < 0.2, never both.
    for item in (q1, q2, q3):
        weak = Flag.WEAK_DISCRIMINATION in item.flags
        negative = Flag.NEGATIVE_DISCRIMINATION in item.flags
        assert not (weak and negative)
        if item.discrimination is not None:
            assert weak == (0 <= item.discrimination < 0.2)
            assert negative == (item.discrimination < 0)


def test_alpha_is_not_computed_when_attempts_asked_different_questions(demo_site):
    quiz = make_quiz(draw_count=2)
    for _n in range(4):
        learner = UserFactory()
        attempt = services.attempt_start(learner=learner, quiz=quiz)
        services.attempt_submit(attempt=attempt, quiz=quiz, answers={})
    analysis = quiz_item_analysis(quiz=quiz, language="ro")
    assert analysis.n == 4
    assert sum(item.n for item in analysis.items) == 8
    assert analysis.alpha is None and "extrase la întâmplare" in analysis.alpha_note
    assert all(item.unanswered == item.n for item in analysis.items)


def _queries(quiz) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiz_item_analysis(quiz=quiz, language="ro")  # the questions, cached with the page tree
    with CaptureQueriesContext(connection) as queries:
        quiz_item_analysis(quiz=quiz, language="ro")
    return len(queries)


def test_a_fixed_number_of_queries_whatever_the_number_of_learners(demo_site):
    small = make_quiz(make_course(lessons=1, slug="curs-mic"))
    large = make_quiz(make_course(lessons=1, slug="curs-mare"))
    for quiz, learners in ((small, 2), (large, 10)):
        for n in range(learners):
            take(UserFactory(), quiz, [[n % 2], [A, n % 3], [FALSE]])
    assert ItemResponse.objects.filter(quiz_key=large.translation_key).count() == 30
    assert _queries(small) == 2
    assert _queries(large) == 2


def test_a_quiz_nobody_took(demo_site):
    analysis = quiz_item_analysis(quiz=make_quiz(), language="ro")
    assert analysis.n == 0 and analysis.mean_score is None and analysis.alpha is None
    assert all(item.facility is None and item.flags == [] for item in analysis.items)
    assert all(c.share is None for item in analysis.items for c in item.choices)


# The admin page -----------------------------------------------------------------------------


@pytest.fixture
def trainer(demo_site):
    editors, _created = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.get_or_create(
        group=editors,
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    user = UserFactory(email="formatoare@example.org")
    user.groups.add(editors)
    return user


def statistics_url(quiz, export=None):
    if export:
        return reverse("quiz_statistics_export", args=[quiz.pk, export])
    return reverse("quiz_statistics", args=[quiz.pk])


def test_the_page_for_a_trainer_in_romanian_and_english(client, trainer, four_learners):
    quiz = four_learners
    client.force_login(trainer)
    with translation.override("ro"):
        page = client.get(statistics_url(quiz), HTTP_ACCEPT_LANGUAGE="ro")
    content = page.content.decode()
    assert page.status_code == 200
    assert "Statistici" in content and "Ce faceți întâi?" in content
    assert "Absențe repetate" in content and "0,72" in content
    # The button beside the quiz, in its editor's header.
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk])).content.decode()
    assert statistics_url(quiz) in editor
    # In English, for an English-speaking trainer, the English choices.
    trainer.preferred_language = "en"
    trainer.save()
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(trainer)
    profile.preferred_language = "en"
    profile.save()
    with translation.override("en"):
        content = client.get(statistics_url(quiz)).content.decode()
    assert "Statistics" in content and "EN Absențe repetate" in content
    assert "Cronbach" in content and "0.72" in content


def test_a_coordinator_and_a_learner_are_refused(client, four_learners):
    from reports.models import ScopeLevel

    coordinator = _coordinator("coordonator@example.org", ScopeLevel.NATIONAL)
    for user, expected in ((coordinator, reverse("wagtailadmin_home")), (UserFactory(), None)):
        client.force_login(user)
        for url in (statistics_url(four_learners), statistics_url(four_learners, "csv")):
            response = client.get(url)
            assert response.status_code == 302
            if expected:
                assert response["Location"] == expected
            else:
                assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/quizzes/999999/statistics/",
        "/admin/quizzes/99999999999999999999999/statistics/",
        "/admin/quizzes/9223372036854775808/statistics/",
        "/admin/quizzes/-1/statistics/",
        "/admin/quizzes/abc/statistics/",
        "/admin/quizzes/{course}/statistics/",
        "/admin/quizzes/{quiz}/statistics/pdf/",
        "/admin/quizzes/{quiz}/statistics/{long}/",
    ],
)
def test_bad_ids_and_formats_are_404(client, trainer, path):
    quiz = make_quiz()
    client.force_login(trainer)
    url = path.format(course=quiz.get_parent().pk, quiz=quiz.pk, long="x" * 5000)
    assert client.get(url).status_code == 404


def test_csv_and_xlsx(client, trainer, four_learners):
    quiz = four_learners
    # A question a spreadsheet would run as a formula, were it not neutralised.
    question = questions(quiz)[0]
    question.text = '=HYPERLINK("http://example.org")'
    question.save()
    client.force_login(trainer)
    with translation.override("ro"):
        response = client.get(statistics_url(quiz, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "Nr. întrebare",
        "Întrebare",
        "Răspunsuri (n)",
        "Facilitate (%)",
        "Discriminare",
    ]
    assert rows[1][1] == '\'=HYPERLINK("http://example.org")'
    # One row per choice: 2 + 3 + 2, then a blank row and the test's figures.
    assert len(rows) == 1 + 7 + 1 + 3
    by_choice = {(r[0], r[6]): r for r in rows[1:8]}
    assert by_choice[("2", "1")][7:11] == ["Absențe repetate", "da", "3", "75.0"]
    assert rows[-1][:2] == ["Alfa Cronbach (KR-20)", "0.72"]

    from openpyxl import load_workbook

    response = client.get(statistics_url(quiz, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == '\'=HYPERLINK("http://example.org")'
    assert values[1][3] == 75.0
    assert len(values) == 1 + 7 + 1 + 3
