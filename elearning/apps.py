from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from .infrastructure.converters import DatabaseIdConverter


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Before any URL configuration is read: the apps' URLs name it.
        register_converter(DatabaseIdConverter, "id")

        from .infrastructure import checks, slugs  # noqa: F401  (checks registers system checks)
        from .infrastructure.caching import invalidation

        invalidation.connect()
        slugs.connect_signals()
