"""The trainers' view of the survey results (Wagtail admin, "Survey results"): per course, how
many were invited and answered, each rating's mean with its 95 % interval and distribution,
the follow-up's shares, and the free texts without names. Cells of fewer than SMALLEST_CELL
people show "< 5"."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from . import selectors

PERMISSION = "surveys.view_reactionanswer"
SMALL = "< 5"


def may_view_results(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def shown(count: int | None) -> str:
    """A count of people as shown: "< 5" for 1 to 4 (a small group could be told apart)."""
    if count is None:
        return "—"
    return SMALL if 0 < count < selectors.SMALLEST_CELL else str(count)


def _rate(rate: float | None, answered: int) -> str:
    if rate is None:
        return "—"
    return SMALL if answered < selectors.SMALLEST_CELL else f"{rate:.1f} %"


def _courses(request):
    if not may_view_results(request.user):
        raise PermissionDenied
    return selectors.survey_courses((get_language() or "ro").split("-")[0])


def index(request):
    rows = [
        {
            "course": course,
            "invited": shown(course.invited),
            "answered": shown(course.answered),
            "rate": _rate(course.rate, course.answered),
            "follow_ups_sent": shown(course.follow_ups_sent),
            "follow_ups_answered": shown(course.follow_ups_answered),
            "follow_up_rate": _rate(course.follow_up_rate, course.follow_ups_answered),
        }
        for course in _courses(request)
    ]
    return render(request, "surveys/admin/index.html", {"rows": rows})


def course(request, course_key):
    course = next((c for c in _courses(request) if c.key == course_key), None)
    if course is None:
        raise Http404
    results = selectors.course_results(course=course)
    return render(
        request,
        "surveys/admin/course.html",
        {
            "course": course,
            "results": results,
            "invited": shown(course.invited),
            "answered": shown(results.answers),
            "rate": _rate(course.rate, course.answered),
            "follow_ups_sent": shown(course.follow_ups_sent),
            "follow_ups_answered": shown(results.follow_up_answers),
            "follow_up_rate": _rate(course.follow_up_rate, course.follow_ups_answered),
            "distributions": [
                (rating, [(value, shown(count)) for value, count in rating.distribution])
                for rating in results.ratings
            ],
            "totals": [(share, shown(share.total)) for share in results.shares],
            "scale": range(1, 6),
        },
    )
