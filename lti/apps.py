from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    """LTI 1.3 tool. Builds on accounts, courses and quizzes (the final quiz's score); nothing
    imports it: it hears of completions through `courses.signals.course_completed`."""

    name = "lti"
    verbose_name = _("LTI (Moodle)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data
        from courses.signals import course_completed

        from . import checks, receivers, selectors, services  # noqa: F401  (checks registers)

        course_completed.connect(receivers.on_course_completed, dispatch_uid="lti.passback")
        personal_data.register(
            "lti_platforms",
            exporter=selectors.learner_lti_data,
            eraser=services.learner_lti_erase,
        )
