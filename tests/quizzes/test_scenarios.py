"""Decision scenarios (issue 18, point 3): authored and previewed in the admin, played one
decision at a time with nothing revealed before it is chosen, continued across languages by
key, graded or not, completing their step through courses, refusing bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from accounts.personal_data import personal_data_export
from courses import services as course_services
from courses.models import Enrollment, StepCompletion
from courses.selectors import course_outline
from quizzes.models import PlayStatus, ScenarioPage, ScenarioPlay
from quizzes.scenario_selectors import scenario_tree
from quizzes.scenario_tree import MAX_DEPTH, ScenarioTree, TreeChoice, TreeNode

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory
from .factories import make_scenario, scenario_choice

pytestmark = pytest.mark.django_db

HIDDEN = ("CONSECINȚA", "COMENTARIUL", "CONSEQUENCE", "COMMENTARY")


def url(name, language="ro", **kwargs):
    with translation.override(language):
        return reverse(f"quizzes:{name}", kwargs=kwargs)


@pytest.fixture
def learner(client, demo_site):
    user = UserFactory()
    client.force_login(user)
    return user


def in_language(page, language):
    if page.locale.language_code == language:
        return page
    return page.get_translation(Locale.objects.get(language_code=language)).specific


def start(client, scenario, language="ro") -> ScenarioPlay:
    page = in_language(scenario, language)
    response = client.post(url("scenario_start", language, page_id=page.pk))
    assert response.status_code == 302, response.content.decode()[:500]
    return ScenarioPlay.objects.filter(status=PlayStatus.PLAYING).latest("pk")


def choose(client, scenario, play, name, language="ro", **overrides):
    """POST the choice named `name` ("A1") at its own node, on the page in `language`."""
    page = in_language(scenario, language)
    choice = scenario_choice(scenario, name, language)
    data = {"node": str(choice.node.key), "choice": str(choice.key), **overrides}
    return client.post(url("scenario_choose", language, page_id=page.pk, play_id=play.pk), data)


def play_through(client, scenario, names, language="ro") -> ScenarioPlay:
    play = start(client, scenario, language)
    for name in names:
        response = choose(client, scenario, play, name, language)
        assert response.status_code == 302, response.content.decode()[:800]
    play.refresh_from_db()
    return play


# The shape of a scenario ------------------------------------------------------------------


def tree(*nodes) -> ScenarioTree:
    return ScenarioTree(
        [
            TreeNode(
                key=label,
                label=label,
                situation=label,
                choices=tuple(
                    TreeChoice(key=f"{label}{n}", text=f"{label}{n}", next_label=nxt, score=score)
                    for n, (nxt, score) in enumerate(choices)
                ),
            )
            for label, choices in nodes
        ]
    )


def test_a_sound_tree_has_no_problems_and_its_best_path_is_the_sum_of_its_best_choices():
    sound = tree(("A", [("B", 1), ("", 2)]), ("B", [("C", 2), ("", 0)]), ("C", [("", 2), ("", 1)]))
    assert sound.problems() == []
    assert sound.depth == 3
    assert sound.best_score == 5  # A→B (1) → C (2) → end (2), more than ending at once (2)


@pytest.mark.parametrize(
    "nodes, words",
    [
        ([], "at least one decision point"),
        ([("A", [("", 1)])], "at least two choices"),
        ([("A", [("Z", 1), ("", 0)])], "“Z”, which is not the label"),
        ([("A", [("B", 1), ("", 0)]), ("B", [("A", 1), ("", 0)])], "A → B → A"),
        ([("A", [("A", 1), ("", 0)])], "A → A"),
        ([("A", [("", 1), ("", 0)]), ("B", [("", 1), ("", 0)])], "No choice leads to “B”"),
        ([("A", [("", 1), ("", 0)]), ("A", [("", 1), ("", 0)])], "label “A”"),
        (
            [
                ("A", [("B", 1), ("", 0)]),
                ("B", [("C", 1), ("", 0)]),
                ("C", [("D", 1), ("", 0)]),
                ("D", [("", 1), ("", 0)]),
            ],
            f"at most {MAX_DEPTH} levels",
        ),
    ],
)
def test_an_unplayable_tree_is_told_why(nodes, words):
    with translation.override("en"):
        problems = tree(*nodes).problems()
    assert problems and any(words in problem for problem in problems), problems


def admin_form(nodes, **overrides):
    """The admin's add form for a scenario: nodes as (label, situation, [(text, score, next)])."""
    return nested_form_data(
        {
            "title": "Scenariu nou",
            "slug": "scenariu-nou",
            "intro": rich_text("<p>Un caz scurt.</p>"),
            "graded": "on",
            "pass_mark": "60",
            "estimated_minutes": "10",
            "nodes": inline_formset(
                [
                    {
                        "label": label,
                        "situation": situation,
                        "choices": inline_formset(
                            [
                                {
                                    "text": text,
                                    "consequence": f"CONSECINȚA {text}",
                                    "commentary": f"COMENTARIUL {text}",
                                    "score": str(score),
                                    "next_label": nxt,
                                }
                                for text, score, nxt in choices
                            ],
                            min=2,
                        ),
                    }
                    for label, situation, choices in nodes
                ],
                min=1,
            ),
            **overrides,
        }
    )


SOUND = [
    ("A", "Ce faceți întâi?", [("Ascultați", 2, "B"), ("Întrebați detalii", 0, "")]),
    ("B", "Pe cine anunțați?", [("Directorul și 112", 2, ""), ("Nimeni", 0, "")]),
]


@pytest.fixture
def admin_client(client, demo_site):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def add_url(course):
    return reverse("wagtailadmin_pages:add", args=["quizzes", "scenariopage", course.pk])


def test_a_trainer_authors_previews_and_publishes_a_scenario(admin_client):
    course = make_course(lessons=1, translate=False)
    add = add_url(course)
    assert admin_client.get(add).status_code == 200
    data = admin_form(SOUND)
    # The preview of the unsaved page shows the case and the first decision, no consequence.
    assert admin_client.post(add + "preview/", data).json()["is_valid"] is True
    shown = admin_client.get(add + "preview/", {"in_preview_panel": "true"}).content.decode()
    assert "Un caz scurt." in shown and "Ce faceți întâi?" in shown and "Ascultați" in shown
    assert "Pe cine anunțați?" not in shown and "CONSECINȚA" not in shown
    assert "COMENTARIUL" not in shown

    response = admin_client.post(add, {**data, "action-publish": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    scenario = ScenarioPage.objects.get(slug="scenariu-nou")
    loaded = scenario_tree(scenario)
    assert [n.label for n in loaded.nodes] == ["A", "B"] and loaded.best_score == 4
    assert scenario.counts_for_completion


@pytest.mark.parametrize(
    "nodes, words",
    [
        (
            [("A", "?", [("x", 2, "B"), ("y", 0, "")]), ("B", "?", [("x", 2, "A"), ("y", 0, "")])],
            "Variantele duc în cerc (A → B → A)",
        ),
        ([("A", "?", [("x", 2, "Z"), ("y", 0, "")])], "Varianta „x” duce la „Z”"),
        (
            [
                ("A", "?", [("x", 2, "B"), ("y", 0, "")]),
                ("B", "?", [("x", 2, "C"), ("y", 0, "")]),
                ("C", "?", [("x", 2, "D"), ("y", 0, "")]),
                ("D", "?", [("x", 2, ""), ("y", 0, "")]),
            ],
            "pe cel mult 3 niveluri",
        ),
        ([("A", "?", [("x", 0, ""), ("y", 0, "")])], "care valorează puncte"),
    ],
)
def test_the_admin_refuses_an_unplayable_scenario_and_says_why(admin_client, nodes, words):
    course = make_course(lessons=1, translate=False)
    # The admin speaks the trainer's language (Romanian here).
    response = admin_client.post(add_url(course), {**admin_form(nodes), "action-publish": "1"})
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not ScenarioPage.objects.filter(slug="scenariu-nou").exists()


def test_translation_keeps_nodes_and_choices_paired_by_key(demo_site):
    scenario = make_scenario()
    english = in_language(scenario, "en")
    ro = [(n.key, n.label, [c.key for c in n.choices]) for n in scenario_tree(scenario).nodes]
    en = [(n.key, n.label, [c.key for c in n.choices]) for n in scenario_tree(english).nodes]
    assert ro == en
    assert scenario_tree(english).nodes[0].situation.startswith("EN ")


def test_page_tree_rules():
    from wagtail.test.utils import WagtailPageTestCase

    from courses.models import CoursePage

    case = WagtailPageTestCase()
    case.assertAllowedParentPageTypes(ScenarioPage, {CoursePage})
    case.assertAllowedSubpageTypes(ScenarioPage, set())


# Playing -------------------------------------------------------------------------------------


def test_the_page_needs_a_learner(client, demo_site):
    scenario = make_scenario()
    response = client.get(scenario.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nothing_of_a_choice_reaches_the_browser_before_it_is_made(client, learner):
    scenario = make_scenario()
    before = client.get(scenario.url).content.decode()
    assert "CAZUL-INTRO" in before and "Începeți scenariul" in before
    assert not any(word in before for word in HIDDEN)
    start(client, scenario)
    html = client.get(scenario.url).content.decode()
    assert "Alegerea A1" in html and "Alegerea A3" in html
    assert not any(word in html for word in HIDDEN)
    # Nor the rating, nor where a choice leads.
    assert "Cine află primul?" not in html and 'value="2"' not in html
    assert "Best response" not in html and "Cel mai bun" not in html

    choose(client, scenario, ScenarioPlay.objects.get(), "A1")
    html = client.get(scenario.url).content.decode()
    # The choice made: its consequence and commentary; of the next decision, only its texts.
    assert "CONSECINȚA-A1" in html and "COMENTARIUL-A1" in html
    assert "Cine află primul?" in html and "Alegerea B1" in html
    for name in ("A2", "A3", "B1", "B2", "C1", "C2"):
        assert f"CONSECINȚA-{name}" not in html and f"COMENTARIUL-{name}" not in html
    assert 'id="consequence"' in html and "data-focus-on-load" in html


def test_a_play_begun_in_romanian_continues_in_english_and_completes_the_step(client, learner):
    course = make_course(lessons=1)
    scenario = make_scenario(course, graded=True, pass_mark=60)
    play = start(client, scenario, "ro")
    response = choose(client, scenario, play, "A1", "ro")
    assert response.status_code == 302 and response["Location"].endswith("#consequence")

    # The learner switches language: the English page is at the same decision, by key.
    english = in_language(scenario, "en")
    html = client.get(english.url).content.decode()
    assert "CONSEQUENCE-A1" in html and "EN Cine află primul?" in html and "Choice B1" in html
    assert choose(client, scenario, play, "B1", "en").status_code == 302
    response = choose(client, scenario, play, "C1", "en")
    play.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url("scenario_result", "en", page_id=english.pk, play_id=play.pk)
    assert play.status == PlayStatus.FINISHED and play.score == play.best_score == 6
    assert play.passed is True and play.page_id == english.pk
    assert len(play.path) == 3

    # The end screen summarises the path with each commentary, in English.
    html = client.get(response["Location"]).content.decode()
    for name in ("A1", "B1", "C1"):
        assert f"COMMENTARY-{name}" in html and f"CONSEQUENCE-{name}" in html
    assert "You scored 6 of 6 points (100%)." in html and "You passed." in html
    assert StepCompletion.objects.filter(
        learner=learner, step_key=scenario.translation_key
    ).exists()
    # Both languages know the step is done.
    assert scenario.translation_key in course_outline(course=course, learner=learner).completed_keys


def test_a_graded_scenario_below_the_pass_mark_asks_to_try_again_then_passes(client, learner):
    course = make_course(lessons=0, translate=False)
    scenario = make_scenario(course, translate=False, graded=True, pass_mark=60)
    play = play_through(client, scenario, ["A1", "B2"])  # 2 of 6 points: 33 %
    assert (play.score, play.best_score, play.passed) == (2, 6, False)
    assert not StepCompletion.objects.filter(learner=learner).exists()
    html = client.get(url("scenario_result", page_id=scenario.pk, play_id=play.pk)).content.decode()
    assert "Trebuie să obțineți 60% ca să promovați: încercați din nou." in html
    assert "Încercați din nou" in html

    play = play_through(client, scenario, ["A2", "B1", "C2"])  # 4 of 6: 67 %
    assert play.passed is True and play.number == 2
    enrollment = Enrollment.objects.get(learner=learner, course_key=course.translation_key)
    # The scenario is the course's only step that counts: passing it completes the course.
    assert enrollment.completed_at is not None
    html = client.get(scenario.url).content.decode()
    assert "Joc 2: 67%" in html and "Joc 1: 33%" in html


def test_an_ungraded_scenario_is_done_at_any_end_and_is_optional(client, learner):
    course = make_course(lessons=1, translate=False)
    scenario = make_scenario(course, translate=False, graded=False)
    assert not scenario.counts_for_completion
    outline = course_outline(course=course, learner=learner)
    assert outline.step_count == 1 and outline.optional_count == 1
    play = play_through(client, scenario, ["A3"])  # ends at once, 0 points
    assert play.status == PlayStatus.FINISHED and play.passed is None
    assert StepCompletion.objects.filter(
        learner=learner, step_key=scenario.translation_key
    ).exists()
    # Optional: the course is not complete until its lesson is.
    assert not Enrollment.objects.filter(completed_at__isnull=False).exists()
    lesson = lessons_of(course)[0]
    course_services.step_complete(learner=learner, course=course, step=lesson)
    assert Enrollment.objects.get(learner=learner).completed_at is not None


def test_a_graded_scenario_counts_like_a_step_for_progress(client, learner):
    course = make_course(lessons=1, translate=False)
    scenario = make_scenario(course, translate=False, graded=True)
    lesson = lessons_of(course)[0]
    course_services.step_complete(learner=learner, course=course, step=lesson)
    outline = course_outline(course=course, learner=learner)
    assert (outline.completed_count, outline.step_count, outline.percent) == (1, 2, 50)
    play_through(client, scenario, ["A1", "B1", "C1"])
    assert Enrollment.objects.get(learner=learner).completed_at is not None


def test_the_learner_and_the_coordinator_see_the_same_percent_with_scenarios(client, learner):
    """Two lessons, a graded and a practice scenario: three steps. One lesson and the practice
    scenario done: 33 % on the course page, on "My learning" and in the completion report."""
    from ..courses.test_step_count import completion_csv_row

    course = make_course(lessons=2, translate=False)
    graded = make_scenario(course, translate=False, graded=True)
    practice = make_scenario(course, translate=False, graded=False, slug="exercitiu")
    learner.full_name = "Sabina Ursu"
    learner.save()
    course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    play_through(client, practice, ["A3"])
    play_through(client, graded, ["A1", "B2"])  # 33 % of the best path: not passed
    course_page = client.get(course.url).content.decode()
    assert "1 din 3 pași parcurși" in course_page and "33% parcurs" in course_page
    assert "33% parcurs" in client.get(reverse("courses:my_learning")).content.decode()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    report = client.get(reverse("learning_reports:completion"))
    (row,) = [r for r in report.context["page"].object_list if r.learner_id == learner.pk]
    assert row.progress == 33
    assert completion_csv_row(client, "Sabina Ursu")["Progres (%)"] == "33"


def test_start_returns_the_play_in_progress_and_a_new_run_abandons_it(client, learner):
    course = make_course(lessons=1, translate=False, title="Curs")
    course.allows_retakes = True
    course.save_revision().publish()
    scenario = make_scenario(course, translate=False, graded=False)
    lesson = lessons_of(course)[0]
    first = start(client, scenario)
    assert start(client, scenario).pk == first.pk  # a second click, another tab
    choose(client, scenario, first, "A1")  # left in progress
    course_services.step_complete(learner=learner, course=course, step=lesson)
    course_services.run_start(learner=learner, course=course, after_run=1)
    first.refresh_from_db()
    assert first.status == PlayStatus.ABANDONED
    second = start(client, scenario)
    assert (second.run, second.number) == (2, 1)
    html = client.get(scenario.url).content.decode()
    assert "Alegerea A1" in html and "CONSECINȚA" not in html  # a fresh play, from the start


# Bad input ------------------------------------------------------------------------------------


@pytest.fixture
def playing(client, learner):
    scenario = make_scenario()
    play = start(client, scenario)
    return scenario, play


def assert_unchanged(play, path=()):
    fresh = ScenarioPlay.objects.get(pk=play.pk)
    assert fresh.path == list(path) and fresh.status == PlayStatus.PLAYING
    assert not StepCompletion.objects.exists()


@pytest.mark.parametrize(
    "choice",
    [
        "0fbdfdfa-13d1-4b4e-815c-5c6cd7990455",  # a key no choice has
        "not-a-key",
        "9" * 5000,
        "",
        "1; DROP TABLE",
        "-1",
    ],
)
def test_a_forged_choice_is_refused_and_changes_nothing(client, playing, choice):
    scenario, play = playing
    response = choose(client, scenario, play, "A1", choice=choice)
    assert response.status_code == 400
    assert "nu este una dintre opțiunile" in response.content.decode()
    assert_unchanged(play)


def test_a_choice_of_another_decision_is_refused(client, playing):
    scenario, play = playing
    b1 = scenario_choice(scenario, "B1")
    a1 = scenario_choice(scenario, "A1")
    response = choose(client, scenario, play, "A1", choice=str(b1.key), node=str(a1.node.key))
    assert response.status_code == 400
    assert_unchanged(play)
    # Claiming to be at B does not move the play there.
    response = choose(client, scenario, play, "B1")
    assert response.status_code == 409
    assert_unchanged(play)


def test_a_repeated_post_of_a_decision_already_taken_changes_nothing(client, playing):
    scenario, play = playing
    assert choose(client, scenario, play, "A1").status_code == 302
    response = choose(client, scenario, play, "A2")  # an old tab still at decision A
    assert response.status_code == 409
    assert "Ați luat deja această decizie" in response.content.decode()
    play.refresh_from_db()
    assert play.path == [str(scenario_choice(scenario, "A1").key)]


def test_a_finished_play_takes_no_more_choices(client, playing):
    scenario, play = playing
    assert choose(client, scenario, play, "A3").status_code == 302
    response = choose(client, scenario, play, "A1")
    assert response.status_code == 409
    assert "Acest joc s-a încheiat" in response.content.decode()
    play.refresh_from_db()
    assert len(play.path) == 1


def test_extra_or_repeated_fields_are_refused(client, playing):
    scenario, play = playing
    a1, a2 = scenario_choice(scenario, "A1"), scenario_choice(scenario, "A2")
    page_url = url("scenario_choose", page_id=scenario.pk, play_id=play.pk)
    for data in (
        {"node": str(a1.node.key), "choice": [str(a1.key), str(a2.key)]},
        {"node": str(a1.node.key), "choice": str(a1.key), "score": "6"},
        {"node": str(a1.node.key)},
    ):
        assert client.post(page_url, data).status_code == 400
    assert_unchanged(play)


def test_other_peoples_plays_huge_ids_and_other_languages_are_not_found(client, playing):
    scenario, play = playing
    english = in_language(scenario, "en")
    a1 = scenario_choice(scenario, "A1")
    data = {"node": str(a1.node.key), "choice": str(a1.key)}
    for page_id, play_id in ((scenario.pk, 10**30), (10**30, play.pk), (english.pk, play.pk)):
        with translation.override("ro"):
            path = f"/ro/learning/quizzes/scenarios/{page_id}/plays/{play_id}/choose/"
        assert client.post(path, data).status_code == 404
    client.force_login(UserFactory())
    assert choose(client, scenario, play, "A1").status_code == 404
    assert client.get(url("scenario_result", page_id=scenario.pk, play_id=play.pk)).status_code == (
        404
    )
    assert_unchanged(play)


def test_an_unfinished_play_has_no_end_screen_and_choosing_needs_a_post(client, playing):
    scenario, play = playing
    assert client.get(url("scenario_result", page_id=scenario.pk, play_id=play.pk)).status_code == (
        404
    )
    assert (
        client.get(url("scenario_choose", page_id=scenario.pk, play_id=play.pk)).status_code == 405
    )


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choice=st.text(max_size=200), node=st.text(max_size=80))
def test_any_posted_text_is_refused_cleanly(client, playing, choice, node):
    scenario, play = playing
    page_url = url("scenario_choose", page_id=scenario.pk, play_id=play.pk)
    response = client.post(page_url, {"node": node, "choice": choice})
    assert response.status_code in (400, 409)
    assert_unchanged(play)


# Cost ----------------------------------------------------------------------------------------


def node_queries(client, scenario) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(scenario.url).status_code == 200
    return len(queries.captured_queries)


BIG_TREE = [
    ("A", "Prima decizie?", [(f"A{n}", n % 3, "B") for n in range(1, 7)]),
    ("B", "A doua?", [(f"B{n}", n % 3, "C" if n % 2 else "D") for n in range(1, 7)]),
    ("C", "A treia?", [(f"C{n}", n % 3, "") for n in range(1, 7)]),
    ("D", "A treia, altfel?", [(f"D{n}", n % 3, "") for n in range(1, 7)]),
]


def test_a_decision_page_costs_the_same_whatever_the_tree_and_the_path(client, learner):
    small = make_scenario(translate=False)
    big = make_scenario(small.get_parent(), translate=False, tree=BIG_TREE, slug="mare")
    small_play = start(client, small)
    node_queries(client, small)  # warm the page-tree caches
    at_start = node_queries(client, small)
    choose(client, small, small_play, "A1")
    choose(client, small, small_play, "B1")
    deep = node_queries(client, small)
    big_play = start(client, big)
    node_queries(client, big)
    choose(client, big, big_play, "A1")
    choose(client, big, big_play, "B1")
    assert at_start == deep == node_queries(client, big)


# Personal data -------------------------------------------------------------------------------


def test_plays_are_in_the_learners_data_file(client, learner):
    scenario = make_scenario(translate=False, graded=False)
    play_through(client, scenario, ["A3"])
    (exported,) = personal_data_export(learner)["scenario_plays"]
    assert exported["scenario_key"] == str(scenario.translation_key)
    assert exported["status"] == PlayStatus.FINISHED and exported["score"] == 0


# Starter content -----------------------------------------------------------------------------


def test_every_starter_course_has_a_scenario_in_both_languages(demo_site):
    from courses import demo as course_demo
    from courses.models import CoursePage, LessonPage
    from quizzes import demo
    from quizzes.models import QuizPage

    course_demo.seed_courses()
    demo.seed_quizzes()
    demo.seed_scenarios()
    english = Locale.objects.get(language_code="en")
    courses = CoursePage.objects.filter(locale__language_code="ro")
    assert courses.count() == 4
    for course in courses:
        scenarios = ScenarioPage.objects.child_of(course)
        assert scenarios.exists(), course.slug
        for scenario in scenarios:
            tree = scenario_tree(scenario)
            translation = scenario.get_translation(english)
            translated = scenario_tree(translation)
            assert tree.problems() == [] and tree.depth == 3 and tree.best_score > 0
            assert [
                (n.key, [(c.key, c.next_label, c.score) for c in n.choices]) for n in tree.nodes
            ] == [
                (n.key, [(c.key, c.next_label, c.score) for c in n.choices])
                for n in translated.nodes
            ]
            assert translated.start.situation != tree.start.situation
            # After the lessons, before the post-test and the final quiz, in both languages.
            for parent in (course, translation.get_parent()):
                order = [p.specific_class for p in parent.get_children()]
                position = order.index(ScenarioPage)
                assert all(m is LessonPage for m in order[position - 1 : position])
                finals = [
                    n
                    for n, p in enumerate(parent.get_children().specific())
                    if isinstance(p, QuizPage) and p.kind == "final"
                ]
                assert finals and position < finals[0], (course.slug, order)
    counts = ScenarioPage.objects.count()
    demo.seed_scenarios()  # idempotent
    assert ScenarioPage.objects.count() == counts == 8
