from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Wagtail's group of page authors: the trainers (courses.apps.TRAINERS_GROUP).
TRAINERS_GROUP = "Editors"
# Trainers read the survey results (aggregates and anonymous free texts) in the admin.
TRAINER_PERMISSIONS = ["view_reactionanswer"]


def ensure_trainer_permissions(sender, **kwargs):
    """Give the trainers' group the permission to read survey results (idempotent; after a
    flush too). Nothing is created when the group does not exist: Wagtail's migrations make
    it."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.db import DEFAULT_DB_ALIAS

    if sender.label != "surveys":
        return
    create_permissions(sender, verbosity=0, using=kwargs.get("using", DEFAULT_DB_ALIAS))
    group = Group.objects.filter(name=TRAINERS_GROUP).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="surveys", codename__in=TRAINER_PERMISSIONS
            )
        )


class SurveysConfig(AppConfig):
    """The end-of-course survey and the 90-day follow-up (issue 17, items 4 and 6). Builds on
    courses (a run's completion) and accounts; reports reads its indicators."""

    name = "surveys"
    verbose_name = _("Surveys")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data
        from courses.dashboard import register_completed_course_extra
        from courses.signals import course_completed

        from . import receivers, selectors, services

        course_completed.connect(receivers.on_course_completed, dispatch_uid="surveys.invite")
        register_completed_course_extra(selectors.dashboard_surveys)
        personal_data.register(
            "surveys",
            exporter=selectors.learner_surveys_data,
            eraser=services.learner_surveys_erase,
        )
        post_migrate.connect(ensure_trainer_permissions, dispatch_uid="surveys.trainers")
