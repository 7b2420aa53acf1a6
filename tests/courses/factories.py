"""Small courses built directly in the page tree, in Romanian with an English translation."""

from wagtail.models import Locale
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses.models import CourseIndexPage, CoursePage, LessonPage
from elearning.models import HomePage


def publish(page):
    page.save_revision().publish()
    return page


def catalogue() -> CourseIndexPage:
    """The Romanian catalogue, with its English translation (created once per test database)."""
    index = CourseIndexPage.objects.filter(locale__language_code="ro").first()
    if index is None:
        home = HomePage.objects.get(locale__language_code="ro")
        index = CourseIndexPage(title="Cursuri", slug="cursuri")
        home.add_child(instance=index)
        publish(index)
        translation = index.copy_for_translation(Locale.objects.get(language_code="en"))
        translation.title, translation.slug = "Courses", "courses"
        publish(translation)
    return index


def lesson_body(words: str):
    return [("rich_text", f"<p>{words}</p>")]


def make_course(
    *, lessons=3, slug="curs", roles=("teacher",), translate=True, title="Curs de test"
) -> CoursePage:
    # Wagtail's reference index (what links to what, for the admin's "usage" views) is a
    # quarter of the time of building a course, and no test reads it for these pages.
    with disable_reference_index_auto_update():
        return _make_course(lessons, slug, roles, translate, title)


def _make_course(lessons, slug, roles, translate, title) -> CoursePage:
    index = catalogue()
    course = CoursePage(
        title=title,
        slug=slug,
        summary="Rezumat",
        target_roles=list(roles),
        estimated_minutes=30,
        content_status="Punct de plecare, de revizuit.",
    )
    index.add_child(instance=course)
    publish(course)
    en = Locale.objects.get(language_code="en")
    if translate:
        course_en = course.copy_for_translation(en)
        course_en.title = f"{title} (EN)"
        publish(course_en)
    for n in range(1, lessons + 1):
        lesson = LessonPage(
            title=f"Lecția {n}", slug=f"lectia-{n}", body=lesson_body(f"Conținutul lecției {n}.")
        )
        course.add_child(instance=lesson)
        publish(lesson)
        if translate:
            lesson_en = lesson.copy_for_translation(en)
            lesson_en.title, lesson_en.body = f"Lesson {n}", lesson_body(f"Lesson {n} content.")
            publish(lesson_en)
    return course


def lessons_of(course, language="ro"):
    if language != course.locale.language_code:
        course = course.get_translation(Locale.objects.get(language_code=language))
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def lesson_queries(client, lesson) -> list[str]:
    """The SQL of one view of `lesson` by `client` (which must answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(lesson.url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]
