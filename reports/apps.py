from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

COORDINATORS_GROUP = "Coordinators"
# What a coordinator may do: enter the admin and use the reports. Not edit pages or snippets.
COORDINATOR_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("reports", "reportaccess", "view_reports"),
]


def ensure_coordinators_group(sender, **kwargs):
    """Create the coordinators' group with its permissions (idempotent). Runs after both apps
    whose permissions it needs have migrated, whichever comes last."""
    from django.contrib.auth.models import Group, Permission

    if sender.label not in ("reports", "wagtailadmin"):
        return

    group, _created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    permissions = [
        Permission.objects.filter(
            content_type__app_label=app, content_type__model=model, codename=codename
        ).first()
        for app, model, codename in COORDINATOR_PERMISSIONS
    ]
    group.permissions.add(*[p for p in permissions if p is not None])


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data

        from .services import coordinator_data_erase

        personal_data.register(
            "exports",
            exporter=lambda user: [
                {"report": j.report, "format": j.format, "requested": j.created_at.isoformat()}
                for j in user.export_jobs.all()
            ],
            eraser=coordinator_data_erase,
        )
        from certificates.selectors import register_download_grant
        from courses.directory import register_maintainer_scope

        from .selectors import directory_counties, may_download_certificate

        register_maintainer_scope(directory_counties)
        post_migrate.connect(ensure_coordinators_group)
        register_download_grant(may_download_certificate)
