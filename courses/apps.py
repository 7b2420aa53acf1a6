from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Wagtail's group of page authors: the trainers.
TRAINERS_GROUP = "Editors"
# What trainers may do beyond writing pages: start and close a course's re-certification
# (courses.admin_views.may_manage_recertification also asks that they may edit the course).
# and maintain the referral directory's national entries (courses.directory: the model
# permissions reach the national entries only).
TRAINER_PERMISSIONS = [
    "add_recertificationcampaign",
    "add_referralcontact",
    "change_referralcontact",
    "delete_referralcontact",
    "view_referralcontact",
]


def ensure_trainer_permissions(sender, **kwargs):
    """Give the trainers' group its re-certification permissions (idempotent; after a flush
    too). Nothing is created when the group does not exist: Wagtail's migrations make it."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.db import DEFAULT_DB_ALIAS

    if sender.label != "courses":
        return
    # This receiver may run before auth's own (which creates the permissions on a fresh
    # database): create them first, as it would (idempotent).
    create_permissions(sender, verbosity=0, using=kwargs.get("using", DEFAULT_DB_ALIAS))
    group = Group.objects.filter(name=TRAINERS_GROUP).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="courses", codename__in=TRAINER_PERMISSIONS
            )
        )


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data

        from .selectors import learner_progress_data, referral_verifications_data
        from .services import referral_verifications_erase

        personal_data.register("progress", exporter=learner_progress_data)
        personal_data.register(
            "referral_directory_verifications",
            exporter=referral_verifications_data,
            eraser=referral_verifications_erase,
        )
        post_migrate.connect(ensure_trainer_permissions, dispatch_uid="courses.trainers")
