"""A small quiz under a test course: three questions of each kind, in Romanian and English."""

from wagtail.models import Locale
from wagtail.signal_handlers import disable_reference_index_auto_update

from quizzes.models import Choice, Question, QuizPage

from ..courses.factories import make_course, publish


def make_quiz(course=None, *, translate=True, **settings) -> QuizPage:
    course = course or make_course(lessons=1, translate=translate)
    # As make_course: no test reads Wagtail's reference index for these pages.
    with disable_reference_index_auto_update():
        return _make_quiz(course, translate, settings)


def _make_quiz(course, translate, settings) -> QuizPage:
    quiz = QuizPage(title="Chestionar final", slug=settings.pop("slug", "test-final"), **settings)
    quiz.questions = [
        Question(
            sort_order=0,
            kind="single",
            text="Ce faceți întâi?",
            explanation="EXPLICAȚIA-1",
            choices=[
                Choice(
                    sort_order=0,
                    text="Notați și semnalați",
                    is_correct=True,
                    feedback="FEEDBACK-OK",
                ),
                Choice(sort_order=1, text="Investigați singur", feedback="FEEDBACK-NU"),
            ],
        ),
        Question(
            sort_order=1,
            kind="multiple",
            partial_credit=True,
            text="Care sunt indicatori?",
            choices=[
                Choice(sort_order=0, text="Absențe repetate", is_correct=True),
                Choice(sort_order=1, text="Telefon nou neexplicat", is_correct=True),
                Choice(sort_order=2, text="Note bune"),
            ],
        ),
        Question(
            sort_order=2,
            kind="true_false",
            text="Consimțământul copilului contează.",
            choices=[
                Choice(sort_order=0, text="Adevărat"),
                Choice(sort_order=1, text="Fals", is_correct=True),
            ],
        ),
    ]
    course.add_child(instance=quiz)
    publish(quiz)
    if translate:
        en = quiz.copy_for_translation(Locale.objects.get(language_code="en"))
        en.title = "Final test"
        questions = list(en.questions.all())
        for question in questions:
            question.text = f"EN {question.text}"
            choices = list(question.choices.all())
            for choice in choices:
                choice.text = f"EN {choice.text}"
            question.choices = choices
        en.questions = questions
        publish(en)
    return quiz


def correct_answers(quiz: QuizPage, attempt) -> dict[str, list[str]]:
    """POST data answering every drawn question right, with this page's choice ids."""
    data = {}
    for question in quiz.questions.all():
        if str(question.key) in attempt.question_keys:
            data[f"q-{question.key}"] = [str(c.pk) for c in question.choices.all() if c.is_correct]
    return data


def wrong_answers(quiz: QuizPage, attempt) -> dict[str, list[str]]:
    data = {}
    for question in quiz.questions.all():
        if str(question.key) in attempt.question_keys:
            data[f"q-{question.key}"] = [
                str(c.pk) for c in question.choices.all() if not c.is_correct
            ][:1]
    return data


# Decision scenarios ------------------------------------------------------------------------
# A → B → C, three decisions deep; "A3" and "B2" end early. Best path A1, B1, C1 = 6 points.
SCENARIO_TREE = [
    (
        "A",
        "Un elev vă spune ceva îngrijorător. Ce faceți?",
        [("A1", 2, "B"), ("A2", 1, "B"), ("A3", 0, "")],
    ),
    ("B", "Cine află primul?", [("B1", 2, "C"), ("B2", 0, "")]),
    ("C", "Ce spuneți părintelui?", [("C1", 2, ""), ("C2", 1, "")]),
]


def make_scenario(course=None, *, translate=True, tree=SCENARIO_TREE, **settings):
    """A published scenario under `course` (a new one by default); every choice's consequence
    and commentary carry its name in capitals ("CONSECINȚA-A1", "COMENTARIUL-A1") so tests can
    look for them in the HTML."""
    from quizzes.models import ScenarioChoice, ScenarioNode, ScenarioPage

    course = course or make_course(lessons=1, translate=translate)
    with disable_reference_index_auto_update():
        scenario = ScenarioPage(
            title="Scenariu",
            slug=settings.pop("slug", "scenariu"),
            intro="<p>CAZUL-INTRO: o situație la școală.</p>",
            **settings,
        )
        scenario.nodes = [
            ScenarioNode(
                sort_order=n,
                label=label,
                situation=situation,
                choices=[
                    ScenarioChoice(
                        sort_order=m,
                        text=f"Alegerea {name}",
                        consequence=f"CONSECINȚA-{name}",
                        commentary=f"COMENTARIUL-{name}",
                        score=score,
                        next_label=next_label,
                    )
                    for m, (name, score, next_label) in enumerate(choices)
                ],
            )
            for n, (label, situation, choices) in enumerate(tree)
        ]
        course.add_child(instance=scenario)
        publish(scenario)
        if translate:
            en = scenario.copy_for_translation(Locale.objects.get(language_code="en"))
            en.title = "Scenario"
            nodes = list(en.nodes.all())
            for node in nodes:
                node.situation = f"EN {node.situation}"
                choices = list(node.choices.all())
                for choice in choices:
                    choice.text = choice.text.replace("Alegerea", "Choice")
                    choice.consequence = choice.consequence.replace("CONSECINȚA", "CONSEQUENCE")
                    choice.commentary = choice.commentary.replace("COMENTARIUL", "COMMENTARY")
                node.choices = choices
            en.nodes = nodes
            publish(en)
    return scenario


def scenario_choice(scenario, name: str, language: str = "ro"):
    """The choice named `name` ("A1") of the scenario's version in `language`."""
    from quizzes.models import ScenarioChoice

    if language != scenario.locale.language_code:
        scenario = scenario.get_translation(Locale.objects.get(language_code=language))
    word = {"ro": "Alegerea", "en": "Choice"}[language]
    return ScenarioChoice.objects.select_related("node").get(
        node__page=scenario, text=f"{word} {name}"
    )
