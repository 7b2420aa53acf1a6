from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import admin_views


class SurveyResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_view_results(request.user)


class SurveyResultsViewSet(ViewSet):
    """The trainers' "Survey results": aggregates and anonymous free texts per course."""

    name = "survey_results"
    url_prefix = "survey-results"
    icon = "list-ul"
    menu_label = _("Survey results")
    menu_order = 330
    add_to_admin_menu = True
    menu_item_class = SurveyResultsMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.index, name="index"),
            path("<uuid:course_key>/", admin_views.course, name="course"),
        ]


@hooks.register("register_admin_viewset")
def register_survey_results():
    return SurveyResultsViewSet()
