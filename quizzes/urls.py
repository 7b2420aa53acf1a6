from django.urls import path

from . import scenario_views, views

app_name = "quizzes"

urlpatterns = [
    path("<id:page_id>/start/", views.attempt_start, name="attempt_start"),
    path(
        "<id:page_id>/attempts/<id:attempt_id>/submit/",
        views.attempt_submit,
        name="attempt_submit",
    ),
    path("<id:page_id>/attempts/<id:attempt_id>/", views.attempt_result, name="attempt_result"),
    path("scenarios/<id:page_id>/start/", scenario_views.scenario_start, name="scenario_start"),
    path(
        "scenarios/<id:page_id>/plays/<id:play_id>/choose/",
        scenario_views.scenario_choose,
        name="scenario_choose",
    ),
    path(
        "scenarios/<id:page_id>/plays/<id:play_id>/",
        scenario_views.scenario_result,
        name="scenario_result",
    ),
]
