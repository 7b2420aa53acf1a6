from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts import personal_data
        from elearning import page_cache

        from .selectors import learner_progress_data

        personal_data.register("progress", exporter=learner_progress_data)
        # Lesson bodies show referral contacts, and their cached rendering is keyed by the page
        # tree's version: an edited contact shows at once.
        for signal in (post_save, post_delete):
            signal.connect(
                page_cache.invalidate,
                sender="courses.ReferralContact",
                dispatch_uid=f"referral-contact-{signal}",
            )
