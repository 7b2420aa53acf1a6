"""The progress store (courses/progress_store.py), the project's only database-specific SQL.

The same assertions run on whichever database the suite runs on: SQLite locally (the ORM path),
PostgreSQL in CI (the raw path that production runs, and the ORM path beside it, which must give
the same results). Concurrency: only the raw path takes the learner's progress lock, so only it
is right for two writers at once on PostgreSQL (the last test); the ORM path relies on SQLite
serialising writers.
"""

import uuid

import pytest
from django.db import connection
from django.db.models import NOT_PROVIDED
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import progress_store, services
from courses.models import Enrollment, StepCompletion

from ..elearning.factories import UserFactory
from .factories import lessons_of, make_course

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"

# The path production takes on this database, and on PostgreSQL the ORM path too.
PATHS = {"step_record": progress_store.step_record}
if ON_POSTGRESQL:
    PATHS["step_record_orm"] = progress_store.step_record_orm
# Statements per recorded step: the lock and one statement on PostgreSQL, four through the ORM.
STATEMENTS = {
    progress_store.step_record_postgresql: 2,
    progress_store.step_record_orm: 4,
}


@pytest.fixture(params=list(PATHS))
def record_in_run(request):
    """The path: (run number, required steps done in it)."""
    return PATHS[request.param]


@pytest.fixture
def record(record_in_run):
    """The path, returning the required steps done (most tests look at these only)."""

    def record(**kwargs):
        return record_in_run(**kwargs)[1]

    record.path = record_in_run
    return record


@pytest.fixture
def course():
    """A course as the store sees it: keys only (three required steps, one optional)."""
    required = [uuid.uuid4() for _ in range(3)]
    return uuid.uuid4(), required, uuid.uuid4()


def test_the_first_step_enrols_once(record, course):
    course_key, required, _optional = course
    learner = UserFactory()
    assert record(
        learner_id=learner.pk, course_key=course_key, step_key=required[0], required=required
    ) == {required[0]}
    record(learner_id=learner.pk, course_key=course_key, step_key=required[1], required=required)
    (enrollment,) = Enrollment.objects.filter(learner=learner)
    assert enrollment.course_key == course_key
    assert (enrollment.completed_at, enrollment.last_step_key, enrollment.due_on) == (
        None,
        None,
        None,
    )
    assert (enrollment.enrolled_by, enrollment.reminded_at) == (None, None)


def test_an_existing_enrollment_is_left_as_it_is(record, course):
    course_key, required, _optional = course
    learner = UserFactory()
    Enrollment.objects.create(
        learner=learner, course_key=course_key, due_on="2027-01-31", enrolled_by=UserFactory()
    )
    before = list(Enrollment.objects.filter(learner=learner).values())
    record(learner_id=learner.pk, course_key=course_key, step_key=required[0], required=required)
    assert list(Enrollment.objects.filter(learner=learner).values()) == before


def test_a_step_goes_into_the_current_run_and_counts_only_there(record_in_run, course):
    """Issue 16: run 1 completed, run 2 current. A step recorded now belongs to run 2, and the
    steps done are run 2's, whatever run 1 holds; run 1's rows are left as they were."""
    course_key, required, _optional = course
    learner = UserFactory()
    Enrollment.objects.create(
        learner=learner, course_key=course_key, run=1, current=False, completed_at=timezone.now()
    )
    for step in required:
        StepCompletion.objects.create(learner=learner, course_key=course_key, step_key=step, run=1)
    Enrollment.objects.create(learner=learner, course_key=course_key, run=2)
    before = sorted(StepCompletion.objects.filter(run=1).values_list("step_key", "completed_at"))
    assert record_in_run(
        learner_id=learner.pk, course_key=course_key, step_key=required[1], required=required
    ) == (2, {required[1]})
    assert Enrollment.objects.filter(learner=learner).count() == 2
    assert (
        sorted(StepCompletion.objects.filter(run=1).values_list("step_key", "completed_at"))
        == before
    )
    assert list(StepCompletion.objects.filter(run=2).values_list("step_key", flat=True)) == [
        required[1]
    ]


def test_recording_is_idempotent_and_returns_the_required_steps_done(record, course):
    course_key, required, optional = course
    learner = UserFactory()
    for step in (required[0], required[0], required[2]):
        done = record(
            learner_id=learner.pk, course_key=course_key, step_key=step, required=required
        )
    assert done == {required[0], required[2]}
    # An optional step is recorded, and is not among the required steps done.
    assert record(
        learner_id=learner.pk, course_key=course_key, step_key=optional, required=required
    ) == {required[0], required[2]}
    assert record(
        learner_id=learner.pk, course_key=course_key, step_key=required[1], required=required
    ) == set(required)
    assert sorted(
        StepCompletion.objects.filter(learner=learner).values_list("step_key", flat=True)
    ) == sorted([*required, optional])
    # Another learner's and another course's steps are not counted.
    assert (
        record(
            learner_id=UserFactory().pk, course_key=course_key, step_key=optional, required=required
        )
        == set()
    )
    assert (
        record(learner_id=learner.pk, course_key=uuid.uuid4(), step_key=optional, required=required)
        == set()
    )


def test_the_paths_give_the_same_rows(course):
    """Each path on its own learner, the same steps: the same enrolment and completion rows."""
    course_key, required, optional = course
    rows = {}
    for name, record in PATHS.items():
        learner = UserFactory()
        results = [
            record(learner_id=learner.pk, course_key=course_key, step_key=step, required=required)[
                1
            ]
            for step in (optional, required[1], required[1], required[0])
        ]
        enrollment = Enrollment.objects.values().get(learner=learner)
        steps = StepCompletion.objects.filter(learner=learner)
        rows[name] = (
            results,
            {k: v for k, v in enrollment.items() if k not in {"id", "learner_id"}}
            | {"started_at": None, "last_visited_at": None},
            sorted(steps.values_list("course_key", "step_key")),
        )
        assert all(step.completed_at is not None for step in steps)
        assert enrollment["started_at"] and enrollment["last_visited_at"]
    assert len(set(map(repr, rows.values()))) == 1, rows


def test_statements_per_recorded_step(record, course):
    course_key, required, _optional = course
    learner = UserFactory()
    path = record.path
    if path is progress_store.step_record:
        path = (
            progress_store.step_record_postgresql
            if ON_POSTGRESQL
            else progress_store.step_record_orm
        )
    with CaptureQueriesContext(connection) as captured:
        record(
            learner_id=learner.pk, course_key=course_key, step_key=required[0], required=required
        )
    assert len(captured) == STATEMENTS[path]


def test_the_raw_insert_names_every_column_without_a_default():
    """RECORD_STEP_SQL lists its columns: one added to either table that the database cannot
    fill itself (not null, no database default) must be added there too."""
    for model in (Enrollment, StepCompletion):
        for field in model._meta.concrete_fields:
            if field.primary_key or field.null or field.db_default is not NOT_PROVIDED:
                continue
            assert field.column in progress_store.RECORD_STEP_SQL, (model, field.column)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL (CI runs it)"
)
@pytest.mark.django_db(transaction=True)
def test_last_two_steps_completed_at_once_complete_the_course(demo_site, completions):
    """Two tabs complete the last two lessons at the same moment: each transaction records its
    step before the other commits. The course must still be completed, once."""
    import threading

    from django.db import connections, transaction

    course = make_course(slug="doua-file", lessons=2, translate=False)
    first, second = lessons_of(course)
    learner = UserFactory()
    first_recorded = threading.Event()
    second_recorded = threading.Event()
    errors = []

    def complete(step, before, after, wait_for):
        try:
            with transaction.atomic():
                if before is not None:
                    before.wait(10)
                services.step_complete(learner=learner, course=course, step=step)
                after.set()
                if wait_for is not None:
                    # Without the progress lock the other tab records its step meanwhile and
                    # both commit without seeing each other's step; with it, it waits for us.
                    wait_for.wait(2)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    tabs = [
        threading.Thread(target=complete, args=(first, None, first_recorded, second_recorded)),
        threading.Thread(target=complete, args=(second, first_recorded, second_recorded, None)),
    ]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(30)
    assert not errors
    assert StepCompletion.objects.filter(learner=learner).count() == 2
    enrollment = Enrollment.objects.get(learner=learner, course_key=course.translation_key)
    assert enrollment.completed_at is not None
    assert len(completions) == 1
