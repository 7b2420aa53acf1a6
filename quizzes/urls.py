from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("<id:page_id>/start/", views.attempt_start, name="attempt_start"),
    path(
        "<id:page_id>/attempts/<id:attempt_id>/submit/",
        views.attempt_submit,
        name="attempt_submit",
    ),
    path("<id:page_id>/attempts/<id:attempt_id>/", views.attempt_result, name="attempt_result"),
]
