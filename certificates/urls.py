from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/<uuid:certificate_id>/pdf/", views.download, name="download"),
    path(
        "certificates/<uuid:certificate_id>/credential/",
        views.credential_download,
        name="credential_download",
    ),
    # The Open Badges issuer: its Profile (the credentials' issuer.id), its public keys (the
    # JWS kid), the courses as Achievements, and the status lists. Stable URLs: credentials
    # already handed out point at them.
    path("credentials/issuer/", views.credentials_issuer, name="credentials_issuer"),
    path("credentials/issuer/jwks.json", views.credentials_jwks, name="credentials_jwks"),
    path(
        "credentials/achievements/<uuid:course_key>/<str:language>/",
        views.credentials_achievement,
        name="credentials_achievement",
    ),
    path(
        "credentials/status/<str:purpose>/<id:list_number>/",
        views.credentials_status_list,
        name="credentials_status_list",
    ),
]
