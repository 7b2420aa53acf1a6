"""Catalogue, "My learning", the two progress actions (start a course, complete a lesson), and the
glossary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import ProfessionalRole

from . import selectors, services
from .dashboard import completed_course_extras, run_extras
from .forms import CatalogueFilterForm, RunStartForm
from .glossary import glossary_entries
from .models import CourseIndexPage, CoursePage, LessonPage, RunKind


def _in_active_language(page) -> bool:
    return page.locale.language_code == get_language()


def catalogue(request, index: CourseIndexPage):
    """The course list: the learner's role first, with a role filter and search."""
    form = CatalogueFilterForm(request.GET or None)
    status = 200
    role, query = "", ""
    if form.is_bound:
        if form.is_valid():
            role, query = form.cleaned_data["role"], form.cleaned_data["q"]
        else:
            status = 400
    courses = list(CoursePage.objects.live().public().child_of(index).order_by("title"))
    if role:
        courses = [c for c in courses if role in c.target_roles]
    if query:
        courses = selectors.courses_matching(courses=courses, index=index, query=query)
    learner_role = getattr(request.user, "role", None)
    if learner_role:
        courses.sort(key=lambda c: learner_role not in c.target_roles)  # stable: keeps title order
    return render(
        request,
        "courses/course_index_page.html",
        {
            "page": index,
            "self": index,
            "form": form,
            "courses": selectors.courses_with_progress(courses=courses, learner=request.user),
            "role_labels": dict(ProfessionalRole.choices),
            "filtered": bool(role or query),
        },
        status=status,
    )


def _live_page_in_language(model, page_id: int):
    page = get_object_or_404(model.objects.live().public().select_related("locale"), pk=page_id)
    if not _in_active_language(page):
        # Progress is shared between languages, but the URL and the page must agree.
        raise Http404
    return page


@login_required
@require_POST
def course_start(request, page_id: int):
    course = _live_page_in_language(CoursePage, page_id)
    services.enrollment_start(learner=request.user, course=course)
    outline = selectors.course_outline(course=course, learner=request.user)
    step = outline.continue_step()
    return redirect(step.url if step else course.url)


@login_required
@require_POST
def lesson_complete(request, page_id: int):
    lesson = _live_page_in_language(LessonPage, page_id)
    try:
        course = lesson.get_course()
    except CoursePage.DoesNotExist:
        raise Http404 from None
    if not course.live:
        raise Http404
    completed_course = services.step_complete(learner=request.user, course=course, step=lesson)
    outline = selectors.course_outline(course=course, learner=request.user)
    if completed_course:
        messages.success(
            request,
            _("Well done: you have completed the course “%(title)s”.") % {"title": course.title},
        )
        return redirect(course.url)
    messages.success(request, _("Lesson marked as complete."))
    next_step = outline.next_step(lesson)
    return redirect(next_step.url if next_step else course.url)


@login_required
@require_POST
def run_start(request, page_id: int):
    """Start the course again: a retake, or the renewal of the learner's certificate."""
    course = _live_page_in_language(CoursePage, page_id)
    form = RunStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.RUN_NOT_OFFERED)
        return _my_learning(request, status=400)
    try:
        services.run_start(
            learner=request.user, course=course, after_run=form.cleaned_data["after_run"]
        )
    except services.RunError as error:
        messages.error(request, error.message)
        return _my_learning(request, status=error.status)
    outline = selectors.course_outline(course=course, learner=request.user)
    step = outline.continue_step()
    messages.success(
        request,
        _("You have started “%(title)s” again. Your earlier results are kept in My learning.")
        % {"title": course.title},
    )
    return redirect(step.url if step else course.url)


@login_required
def my_learning(request):
    return _my_learning(request)


def _my_learning(request, status: int = 200):
    """The learner's dashboard: in progress, completed, and recommended for their role; each
    course's earlier runs, and the retake or renewal it offers."""
    courses = list(
        CoursePage.objects.live()
        .public()
        .filter(locale__language_code=get_language())
        .order_by("title")
    )
    progress = selectors.courses_with_progress(courses=courses, learner=request.user)
    in_progress = [p for p in progress if p.started_at and not p.completed_at]
    completed = [p for p in progress if p.completed_at]
    recommended = [
        p for p in progress if not p.started_at and request.user.role in p.course.target_roles
    ]
    extras = completed_course_extras(
        learner=request.user, course_keys=[p.course.translation_key for p in completed]
    )
    offers = selectors.run_offers(
        learner=request.user, courses=[(p.course, p.enrollment) for p in completed]
    )
    history = selectors.past_runs(
        learner=request.user, course_keys=[p.course.translation_key for p in progress]
    )
    # What other apps know of each earlier run (its certificate, its final quiz score).
    history_extras = run_extras(learner=request.user, course_keys=list(history))
    for item in progress:
        item.extras = extras.get(item.course.translation_key, [])
        item.offer = offers.get(item.course.translation_key)
        item.past_runs = history.get(item.course.translation_key, [])
        for run in item.past_runs:
            run.extras = history_extras.get((run.course_key, run.run), [])
    return render(
        request,
        "courses/my_learning.html",
        {
            "in_progress": in_progress,
            "completed": completed,
            "recommended": recommended,
            "RunKind": RunKind,
        },
        status=status,
    )


@require_GET
def glossary(request):
    """The Romanian–English glossary, public: the terms the courses use, in the active language."""
    language = get_language()
    return render(
        request,
        "courses/glossary.html",
        {"entries": glossary_entries(language=language), "language": language},
    )
