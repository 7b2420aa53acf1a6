from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    # The same view: Moodle asks for a deep linking (content selection) URL of its own.
    path("deep-link/", views.launch, name="deep_link"),
    path("deep-link/choose/", views.deep_linking_choose, name="deep_link_choose"),
    # The button of a framed launch (Moodle's "Embed"): the course in a window of its own.
    path("continue/", views.continue_in_window, name="continue"),
    path("jwks.json", views.jwks, name="jwks"),
]
