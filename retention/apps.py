from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """Retention checks (issue 17, item 5): 30 and 180 days after a learner completes a run, a
    short check drawn from the course's objective-tagged pool; its results feed the retention
    curve, the indicators and a "refresher recommended" note on "My learning". Reads courses
    and quizzes and reuses quizzes' drawing and grading; neither imports it."""

    name = "retention"
    verbose_name = _("Retention checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data
        from courses.dashboard import register_completed_course_extra

        from . import selectors, services

        register_completed_course_extra(selectors.dashboard_retention)
        personal_data.register(
            "retention_checks",
            exporter=selectors.learner_retention_data,
            eraser=services.learner_retention_erase,
        )
