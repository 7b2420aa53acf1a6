from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from .converters import DatabaseIdConverter


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Before any URL configuration is read: the apps' URLs name it.
        register_converter(DatabaseIdConverter, "id")

        from . import (
            checks,  # noqa: F401  (registers system checks)
            slugs,
        )
        from .infrastructure.caching import invalidation

        invalidation.connect()
        slugs.connect_signals()
