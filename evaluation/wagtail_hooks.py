from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from quizzes.models import QuizPage

from . import admin_views


@hooks.register("register_admin_urls")
def register_item_analysis_urls():
    return [
        path(
            "quizzes/<id:page_id>/statistics/",
            admin_views.quiz_statistics,
            name="quiz_statistics",
        ),
        path(
            "quizzes/<id:page_id>/statistics/<slug:format>/",
            admin_views.quiz_statistics_export,
            name="quiz_statistics_export",
        ),
    ]


class QuizStatisticsButton(PageMenuItem):
    """ "Statistics" on a quiz's page in the admin (its header and the listing's "More" menu),
    for those who may edit the quiz."""

    label = _("Statistics")
    icon_name = "table"
    url_name = "quiz_statistics"
    priority = 63

    def is_shown(self, user):
        return admin_views.may_see_statistics(user, self.page)


def _statistics_button(page):
    specific = page.specific_deferred
    if isinstance(specific, QuizPage):
        yield QuizStatisticsButton(page=specific)


@hooks.register("register_page_header_buttons")
def quiz_statistics_header_button(page, user, view_name, next_url=None):
    yield from _statistics_button(page)


@hooks.register("register_page_listing_more_buttons")
def quiz_statistics_listing_button(page, user, next_url=None):
    yield from _statistics_button(page)
