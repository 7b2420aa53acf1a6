from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            admin_access,
            admin_language,
            checks,  # noqa: F401  (registers system checks)
            navigation,
            page_cache,
            slugs,
            user_cache,
        )

        admin_access.connect_signals()
        admin_language.connect_signals()
        page_cache.connect_signals()
        slugs.connect_signals()
        navigation.connect_signals()
        user_cache.connect_signals()
