from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningRecordsConfig(AppConfig):
    """Learning records (issue 20, parts 3–4): learning events as xAPI 1.0.3 statements, kept
    in an outbox and sent to the programme's learning record store (LRS).

    Named after what it holds (the learners' records of learning), not after the protocol: the
    statements are one way of writing them down. It sits beside reports at the top of the
    dependency graph: it reads accounts, courses, quizzes and certificates and hears from them
    through their signals; none of them imports it."""

    name = "learning_records"
    verbose_name = _("Learning records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data

        from . import receivers, selectors, services

        receivers.connect()
        personal_data.register(
            "learning_records",
            exporter=selectors.learner_learning_records_data,
            eraser=services.learner_learning_records_erase,
        )
