"""A course with learning objectives, a pre-test holding a pool of parallel questions per
objective, and a post-test matched with it; in Romanian with English translations."""

from wagtail.models import Locale
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses.models import LearningObjective
from quizzes.models import Choice, Question, QuizKind, QuizPage, ReviewPolicy

from ..courses.factories import make_course, publish


def make_matched_course(*, objectives=2, per_objective=1, items=2, slug="curs-masurat"):
    course = make_course(lessons=1, slug=slug)
    with disable_reference_index_auto_update():
        course.objectives = [
            LearningObjective(title=f"Obiectivul {n}", sort_order=n) for n in range(objectives)
        ]
        publish(course)
        saved = list(LearningObjective.objects.filter(course=course).order_by("sort_order"))
        en = Locale.objects.get(language_code="en")
        course_en = course.get_translation(en)
        course_en.objectives = [
            LearningObjective(key=o.key, title=f"Objective {n}", sort_order=n)
            for n, o in enumerate(saved)
        ]
        publish(course_en)
        pool = []
        for n, objective in enumerate(saved):
            for m in range(items):
                pool.append(
                    Question(
                        sort_order=len(pool),
                        kind="single",
                        text=f"Obiectiv {n}, întrebarea {m}",
                        objective=objective,
                        choices=[
                            Choice(sort_order=0, text="Corect", is_correct=True),
                            Choice(sort_order=1, text="Greșit A"),
                            Choice(sort_order=2, text="Greșit B"),
                        ],
                    )
                )
        pre = QuizPage(
            title="Test inițial",
            slug="test-initial",
            kind=QuizKind.PRE_TEST,
            pass_mark=0,
            max_attempts=1,
            per_objective=per_objective,
            review_policy=ReviewPolicy.NEVER,
        )
        pre.questions = pool
        course.add_child(instance=pre)
        publish(pre)
        post = QuizPage(
            title="Test după curs",
            slug="test-dupa-curs",
            kind=QuizKind.POST_TEST,
            pass_mark=0,
            max_attempts=3,
            matched_with_pre_test=True,
            review_policy=ReviewPolicy.NEVER,
        )
        course.add_child(instance=post)
        publish(post)
        for page in (pre, post):
            translation = page.copy_for_translation(en)
            questions = list(translation.questions.all())
            for question in questions:
                question.text = f"EN {question.text}"
            translation.questions = questions
            publish(translation)
        return course, pre, post


def answers_scoring(quiz: QuizPage, attempt, right: int) -> dict:
    """POST data answering the first `right` drawn questions right and the rest wrong, with
    the ids of the page whose questions the quiz asks."""
    from quizzes.selectors import question_source

    source = question_source(quiz)
    data = {}
    by_key = {str(q.key): q for q in source.questions.all()}
    for n, key in enumerate(attempt.question_keys):
        choices = list(by_key[key].choices.all())
        pick = [c for c in choices if c.is_correct == (n < right)][0]
        data[f"q-{key}"] = [str(pick.pk)]
    return data
