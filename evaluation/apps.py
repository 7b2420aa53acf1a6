from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """The measures of learning an evaluator would sign: matched knowledge gain with its
    intervals, item analysis, results by learning objective. Reads courses and quizzes; writes
    nothing of theirs."""

    name = "evaluation"
    verbose_name = _("Evaluation")
    default_auto_field = "django.db.models.BigAutoField"
