from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts import personal_data
        from elearning.page_cache import invalidate

        from .models import Choice, Question
        from .selectors import learner_attempts_data

        # Publishing a quiz writes its questions (and drops the cached ones through
        # page_published); a question or choice saved any other way drops them too.
        for model in (Question, Choice):
            for signal in (post_save, post_delete):
                signal.connect(invalidate, sender=model, dispatch_uid=f"quiz-{model.__name__}")
        personal_data.register("quiz_attempts", exporter=learner_attempts_data)
