from django.urls import re_path

from . import views

app_name = "surveys"

urlpatterns = [
    # A token is URL-safe base64 (models.new_token); anything longer or with other characters
    # matches no pattern: a 404 before any query.
    re_path(r"^(?P<token>[A-Za-z0-9_-]{1,64})/$", views.survey, name="survey"),
]
