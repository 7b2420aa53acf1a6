from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("courses/<id:page_id>/start/", views.course_start, name="course_start"),
    path("courses/<id:page_id>/runs/", views.run_start, name="run_start"),
    path("lessons/<id:page_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("glossary/", views.glossary, name="glossary"),
]
