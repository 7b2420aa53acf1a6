"""Every enrolment made before runs becomes run 1, with nothing lost (issue 16).

A database is built as the code before runs left it (courses, quizzes and certificates at their
migrations before runs), seeded through the historical models, then migrated with the project's
`migrate`. It runs in a subprocess on a database of its own: SQLite in memory, and on
PostgreSQL (when the suite runs on it, as CI does) a database created for the test and dropped
after it.
"""

import uuid

import pytest
from django.db import connection

from ..settings_subprocess import json_from_subprocess

BEFORE_RUNS = {
    "courses": "0002_enrollment_due_on",
    "quizzes": "0003_question_lesson",
    "certificates": "0002_pdf_in_private_storage",
}
AT_THEIR_LATEST = ("accounts", "elearning", "wagtailcore")
COURSE = "6f1c1f0e-8a0c-4c5e-9d55-3f3b1e2c4a10"
STEPS = ["0b4e7c52-3c7d-4d0e-9a53-0f6f2b7d1a01", "0b4e7c52-3c7d-4d0e-9a53-0f6f2b7d1a02"]
QUIZ = "0b4e7c52-3c7d-4d0e-9a53-0f6f2b7d1a03"


def _database_before_runs(connection):
    """The tables as the old code left them, created from the historical models (as
    tests/accounts/test_migrations.py does, instead of running every migration)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = dict(executor.loader.graph.leaf_nodes())
    targets = [*BEFORE_RUNS.items(), *((app, latest[app]) for app in AT_THEIR_LATEST)]
    apps = executor.loader.project_state(targets).apps
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.can_migrate(connection):
                editor.create_model(model)
    executor.recorder.ensure_schema()
    for migration, _backwards in executor.migration_plan(targets, clean_start=True):
        executor.record_migration(migration)
    return apps


def _seed(apps) -> dict:
    """One learner's finished course (two lessons, a final quiz tried twice, a certificate) and
    another's course in progress, written through the old code's models."""
    import datetime

    User = apps.get_model("accounts", "User")
    Enrollment = apps.get_model("courses", "Enrollment")
    StepCompletion = apps.get_model("courses", "StepCompletion")
    Attempt = apps.get_model("quizzes", "Attempt")
    Certificate = apps.get_model("certificates", "Certificate")

    done = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    ana = User.objects.create(email="ana@example.ro", full_name="Ana Pop")
    ion = User.objects.create(email="ion@example.ro", full_name="Ion Ion")
    Enrollment.objects.create(
        learner_id=ana.pk, course_key=COURSE, completed_at=done, due_on=datetime.date(2026, 3, 31)
    )
    Enrollment.objects.create(learner_id=ion.pk, course_key=COURSE, last_step_key=STEPS[0])
    for step in STEPS:
        StepCompletion.objects.create(
            learner_id=ana.pk, course_key=COURSE, step_key=step, completed_at=done
        )
    StepCompletion.objects.create(learner_id=ion.pk, course_key=COURSE, step_key=STEPS[0])
    for number, score in ((1, 40), (2, 90)):
        Attempt.objects.create(
            learner_id=ana.pk,
            quiz_key=QUIZ,
            course_key=COURSE,
            number=number,
            status="submitted",
            score=score,
            passed=score >= 70,
            submitted_at=done,
        )
    Certificate.objects.create(
        learner_id=ana.pk,
        course_key=COURSE,
        code="ABCD2345EFGH",
        learner_name="Ana Pop",
        course_title_ro="Curs",
        hours=2,
        completed_at=done,
        status="ready",
    )
    return {"ana": ana.pk, "ion": ion.pk, "done": done.isoformat()}


def _after_runs(seeded: dict) -> dict:
    from certificates.models import Certificate
    from courses.models import Enrollment, StepCompletion
    from quizzes.models import Attempt

    certificate = Certificate.objects.get()
    return {
        "enrolments": sorted(
            [e.learner_id == seeded["ana"], e.run, e.current, e.kind, e.completed_at is not None]
            for e in Enrollment.objects.all()
        ),
        "ana_due_on": str(Enrollment.objects.get(learner_id=seeded["ana"]).due_on),
        "ion_last_step": str(Enrollment.objects.get(learner_id=seeded["ion"]).last_step_key),
        "steps": sorted(
            [c.learner_id == seeded["ana"], c.run, c.carried_over]
            for c in StepCompletion.objects.all()
        ),
        "attempts": sorted([a.run, a.number, float(a.score)] for a in Attempt.objects.all()),
        "certificate": [
            certificate.run,
            certificate.code,
            certificate.first_certified_at.isoformat() == seeded["done"],
            certificate.superseded_by_id,
            certificate.renew_by,
        ],
    }


def migrate_a_database_from_before_runs() -> dict:
    """Run in the subprocess (see the tests)."""
    from django.core.management import call_command
    from django.db import connection

    apps = _database_before_runs(connection)
    seeded = _seed(apps)
    for app in BEFORE_RUNS:
        call_command("migrate", app, verbosity=0)
    return _after_runs(seeded)


EXPECTED = {
    # [is Ana, run, current, kind, completed]
    "enrolments": [[False, 1, True, "first", False], [True, 1, True, "first", True]],
    "ana_due_on": "2026-03-31",
    "ion_last_step": STEPS[0],
    "steps": [[False, 1, False], [True, 1, False], [True, 1, False]],
    "attempts": [[1, 1, 40.0], [1, 2, 90.0]],
    "certificate": [1, "ABCD2345EFGH", True, None, None],
}

SCRIPT = (
    "import json, django; django.setup(); "
    "from tests.courses.test_runs_migration import migrate_a_database_from_before_runs; "
    "print(json.dumps(migrate_a_database_from_before_runs()))"
)


def test_a_sqlite_database_from_before_runs_keeps_everything_as_run_1():
    after = json_from_subprocess(
        SCRIPT,
        timeout=300,
        DJANGO_SETTINGS_MODULE="elearning.settings.test",
        DATABASE_URL="sqlite://:memory:",
    )
    assert after == EXPECTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the suite runs on SQLite")
def test_a_postgresql_database_from_before_runs_keeps_everything_as_run_1():
    import psycopg

    name = f"runs_migration_{uuid.uuid4().hex[:12]}"
    server = connection.settings_dict
    dsn = dict(
        host=server["HOST"] or "127.0.0.1",
        port=server["PORT"] or 5432,
        user=server["USER"],
        password=server["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = server["USER"]
        password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
        after = json_from_subprocess(
            SCRIPT,
            timeout=300,
            DJANGO_SETTINGS_MODULE="elearning.settings.test",
            DATABASE_URL=f"postgres://{user}{password}@{dsn['host']}:{dsn['port']}/{name}",
        )
    finally:
        with psycopg.connect(**dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert after == EXPECTED
