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
