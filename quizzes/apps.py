from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data
        from courses.dashboard import register_run_extra
        from courses.signals import run_started

        from .scenario_selectors import learner_scenario_plays_data
        from .scenario_services import scenario_plays_close_for_new_run
        from .selectors import learner_attempts_data, run_final_scores
        from .services import attempts_close_for_new_run

        personal_data.register("quiz_attempts", exporter=learner_attempts_data)
        register_run_extra(run_final_scores)
        run_started.connect(attempts_close_for_new_run, dispatch_uid="quizzes.close_for_new_run")
        # Decision scenarios: plays are the learner's like attempts (erased with the account).
        personal_data.register("scenario_plays", exporter=learner_scenario_plays_data)
        run_started.connect(
            scenario_plays_close_for_new_run, dispatch_uid="quizzes.close_plays_for_new_run"
        )
