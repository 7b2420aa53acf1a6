from django.urls import path

from . import views

app_name = "learning_reports"

urlpatterns = [
    path("completion/", views.completion, name="completion"),
    path("summary/", views.table_report, {"report": "summary"}, name="summary"),
    path("impact/", views.table_report, {"report": "impact"}, name="impact"),
    path("certificates/", views.table_report, {"report": "certificates"}, name="certificates"),
    path("indicators/", views.table_report, {"report": "indicators"}, name="indicators"),
    path("export/<slug:report>/", views.export, name="export"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<uuid:job_id>/", views.export_status, name="export_status"),
    path("exports/<uuid:job_id>/download/", views.export_download, name="export_download"),
    path("enrol/", views.enrol, name="enrol"),
    path("renewal/", views.renewal, name="renewal"),
    path("platform-rosters/", views.platform_rosters, name="platform_rosters"),
    path("platform-rosters/<id:pk>/", views.platform_roster, name="platform_roster"),
    path(
        "certificates/<uuid:certificate_id>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "certificates/<uuid:certificate_id>/reissue/",
        views.certificate_reissue,
        name="certificate_reissue",
    ),
]
