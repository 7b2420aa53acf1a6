from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("<int:page_id>/start/", views.attempt_start, name="attempt_start"),
    path(
        "<int:page_id>/attempts/<int:attempt_id>/submit/",
        views.attempt_submit,
        name="attempt_submit",
    ),
    path("<int:page_id>/attempts/<int:attempt_id>/", views.attempt_result, name="attempt_result"),
]
