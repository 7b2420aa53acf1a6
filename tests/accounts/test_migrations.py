"""The user and the institution moved from `elearning` to `accounts` without losing anything.

A database is built as the code before the move left it (its migrations, its content types,
no record of accounts 0001), seeded through the historical models, then migrated with the
project's `migrate`. It runs in a subprocess, on a database of its own in memory: the test
database is already migrated, and the migration executor must not touch it.
"""

from ..settings_subprocess import json_from_subprocess

# Where the apps that hold or point at the moved models stood before the move. The others this
# test writes to are at their latest, with what they depend on (most of Wagtail); the rest are
# left out (taggit's historical model, for one, declares an index twice, which its migrations
# live with and creating its table from that model does not).
BEFORE_THE_MOVE = {
    "elearning": "0006_user_awaiting_activation",
    "reports": "0003_report_access_permission",
}
AT_THEIR_LATEST = ("courses", "certificates", "wagtailcore")
PASSWORD = "parola-de-dinainte-2026"


def _database_before_the_move(connection):
    """The database the old code left: its tables, its record of migrations, its content types.

    The tables are created from the historical models at those migrations, as Django's test
    runner does without migrations, instead of running the 136 migrations one by one (20 s of
    CPU, the slowest test of the suite). What the move changes lives in the migration record,
    the content types and the rows that point at the two models, all as they were.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = dict(executor.loader.graph.leaf_nodes())
    targets = [*BEFORE_THE_MOVE.items(), *((app, latest[app]) for app in AT_THEIR_LATEST)]
    apps = executor.loader.project_state(targets).apps
    # accounts did not exist: its models are the same tables as elearning's, and the old code
    # never recorded accounts 0001 (it changes no table).
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.can_migrate(connection) and model._meta.app_label != "accounts":
                editor.create_model(model)
    executor.recorder.ensure_schema()
    for migration, _backwards in executor.migration_plan(targets, clean_start=True):
        if migration.app_label != "accounts":
            executor.record_migration(migration)
    # What post_migrate made for the old code (as Django's migrate calls it, with the installed
    # apps and the historical models): no content type labelled "accounts".
    for app_config in global_apps.get_app_configs():
        if app_config.label != "accounts":
            create_contenttypes(app_config, apps=apps, verbosity=0)
            create_permissions(app_config, apps=apps, verbosity=0)
    return apps


def _seed(apps) -> dict:
    """A learner, a coordinator and their rows, written as the old code's models saw them. Other
    apps point at the user by id: their historical models already name AUTH_USER_MODEL's."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    Institution = apps.get_model("elearning", "Institution")
    User = apps.get_model("elearning", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    institution = Institution.objects.create(
        name="Școala Gimnazială nr. 1", type="school", county="CJ"
    )
    learner = User.objects.create(
        email="ana@example.ro",
        password=make_password(PASSWORD),
        full_name="Ana Pop",
        institution=institution,
        county="CJ",
    )
    coordinator = User.objects.create(email="coord@example.ro", full_name="Ion Ionescu")
    editors = Group.objects.create(name="Institution editors")
    editors.permissions.add(Permission.objects.get(codename="change_institution"))
    learner.groups.add(editors)
    learner.user_permissions.add(Permission.objects.get(codename="view_user"))
    apps.get_model("reports", "CoordinatorScope").objects.create(
        user_id=coordinator.pk, level="institution", institution=institution
    )
    course_key = "6f1c1f0e-8a0c-4c5e-9d55-3f3b1e2c4a10"
    apps.get_model("courses", "Enrollment").objects.create(
        learner_id=learner.pk, course_key=course_key
    )
    apps.get_model("certificates", "Certificate").objects.create(
        learner_id=learner.pk,
        course_key=course_key,
        learner_name="Ana Pop",
        course_title_ro="Curs",
        hours=2,
        completed_at=timezone.now(),
    )
    institution_type = ContentType.objects.get(app_label="elearning", model="institution")
    apps.get_model("wagtailcore", "ModelLogEntry").objects.create(
        content_type=institution_type,
        object_id=str(institution.pk),
        label=institution.name,
        action="wagtail.edit",
        timestamp=timezone.now(),
        user_id=coordinator.pk,
    )
    apps.get_model("elearning", "PendingTask").objects.create(
        task="elearning.tasks.send_welcome_email", args=[learner.pk]
    )
    return {
        "user_type": ContentType.objects.get(app_label="elearning", model="user").pk,
        "institution_type": institution_type.pk,
    }


def _after_the_move(before: dict) -> dict:
    """What the current code sees once `migrate` has run."""
    from django.contrib.auth import authenticate
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    from accounts.models import Institution, User
    from certificates.models import Certificate
    from courses.models import Enrollment
    from elearning.models import PendingTask
    from reports.models import CoordinatorScope

    learner = User.objects.get(email="ana@example.ro")
    institution = Institution.objects.get()
    return {
        "password_right": learner.check_password(PASSWORD),
        "logs_in": authenticate(username="ana@example.ro", password=PASSWORD) == learner,
        "institution": learner.institution_id == institution.pk,
        "groups": list(learner.groups.values_list("name", flat=True)),
        "permissions": sorted(learner.get_all_permissions()),
        "user_type_kept": ContentType.objects.get_for_model(User).pk == before["user_type"],
        "institution_type_kept": ContentType.objects.get_for_model(Institution).pk
        == before["institution_type"],
        "old_labels": ContentType.objects.filter(
            app_label="elearning", model__in=["user", "institution"]
        ).count(),
        "scope": CoordinatorScope.objects.get().institution_id == institution.pk,
        "enrolment": Enrollment.objects.get().learner_id == learner.pk,
        "certificate": Certificate.objects.get().learner_id == learner.pk,
        "history": ModelLogEntry.objects.for_instance(institution).count(),
        "outbox": list(PendingTask.objects.values_list("task", flat=True)),
    }


def migrate_a_database_from_before_the_move() -> dict:
    """Run in the subprocess (see the test)."""
    from django.core.management import call_command
    from django.db import connection

    apps = _database_before_the_move(connection)
    before = _seed(apps)
    call_command("migrate", "elearning", verbosity=0)
    # And accounts to its latest: the current Institution model reads the columns its later
    # migrations added (the learning records' opt-in).
    call_command("migrate", "accounts", verbosity=0)
    return _after_the_move(before)


def test_a_database_from_before_the_move_keeps_its_people_and_their_rights():
    script = (
        "import json, django; django.setup(); "
        "from tests.accounts.test_migrations import migrate_a_database_from_before_the_move; "
        "print(json.dumps(migrate_a_database_from_before_the_move()))"
    )
    after = json_from_subprocess(
        script,
        timeout=300,
        DJANGO_SETTINGS_MODULE="elearning.settings.test",
        DATABASE_URL="sqlite://:memory:",
    )
    assert after == {
        "password_right": True,
        "logs_in": True,
        "institution": True,
        "groups": ["Institution editors"],
        "permissions": ["accounts.change_institution", "accounts.view_user"],
        "user_type_kept": True,
        "institution_type_kept": True,
        "old_labels": 0,
        "scope": True,
        "enrolment": True,
        "certificate": True,
        "history": 1,
        "outbox": ["accounts.tasks.send_welcome_email"],
    }
