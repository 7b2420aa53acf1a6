"""Statements reach the LRS seconds after the event, not only at beat's next minute: one send
is asked for after the commit, whatever the size of the burst (services.statements_send_soon).

Publishing is counted with Celery's own `before_task_publish` signal, which fires when a task
is handed to the broker (an eager run publishes nothing): these tests switch eager mode off,
and the one that follows the statements to Ralph runs a real worker on the real broker."""

import contextlib
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish
from django.core.management import call_command
from django.utils import timezone

from elearning.celery import app
from learning_records import services
from learning_records.models import Statement, StatementStatus

from ..polling import wait_for
from ..settings_subprocess import settings_in_subprocess
from .conftest import PASSWORD, USER
from .journey import course_with_quiz, sharing_learner, take_course

SEND_TASK = "learning_records.tasks.send_learning_records"


@contextlib.contextmanager
def broker_queue(*, worker: bool):
    """Tasks published to a queue of this test's own on the configured broker (not run in
    process), consumed by a worker thread when `worker`; yields the names published."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    published: list[str] = []

    def on_publish(sender=None, **kwargs):
        published.append(sender)

    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "task_default_queue": app.conf.task_default_queue,
    }
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    before_task_publish.connect(on_publish, weak=False)
    try:
        if worker:
            with start_worker(
                app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
            ):
                yield published
        else:
            yield published
    finally:
        before_task_publish.disconnect(on_publish)
        app.conf.update(previous)


def sends(published) -> int:
    return published.count(SEND_TASK)


def configure_lrs(settings, endpoint="http://127.0.0.1:9/xAPI"):
    settings.XAPI_LRS_ENDPOINT = endpoint
    settings.XAPI_LRS_KEY, settings.XAPI_LRS_SECRET = USER, PASSWORD


@pytest.mark.django_db
def test_a_whole_journey_asks_for_one_send(
    client, settings, demo_site, media_root, django_capture_on_commit_callbacks
):
    """Registration, a visit, a step, three answers, the quiz, the course and its certificate:
    ten statements in several transactions within seconds, one send."""
    configure_lrs(settings)
    course, quiz = course_with_quiz()
    with broker_queue(worker=False) as published:
        with django_capture_on_commit_callbacks(execute=True):
            learner = sharing_learner()
        take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    assert Statement.objects.filter(learner=learner).count() == 10
    assert sends(published) == 1


@pytest.mark.django_db
def test_nothing_is_asked_for_without_an_lrs_or_without_a_new_statement(
    client, settings, demo_site, media_root, django_capture_on_commit_callbacks
):
    course, quiz = course_with_quiz()
    with broker_queue(worker=False) as published:
        # No LRS configured: nothing recorded, nothing asked for.
        take_course(client, sharing_learner(), course, quiz, django_capture_on_commit_callbacks)
        assert not Statement.objects.exists()
        assert sends(published) == 0

        configure_lrs(settings)
        learner = sharing_learner()  # recorded (outside a captured commit: never sent here)
        # Recording the same event again queues nothing new: nothing asked for.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert services.record_registered(learner=learner) == 0
        assert callbacks == [] and sends(published) == 0

        # Sending left to beat.
        settings.XAPI_SEND_DELAY_SECONDS = None
        with django_capture_on_commit_callbacks(execute=True):
            sharing_learner()
        assert sends(published) == 0


@pytest.mark.django_db
def test_after_the_window_the_next_event_asks_again(
    settings, demo_site, django_capture_on_commit_callbacks
):
    """The flag lives as long as the countdown: what commits once it is gone asks for its own
    send (the earlier one may have started already)."""
    from django.core.cache import cache

    configure_lrs(settings)
    with broker_queue(worker=False) as published:
        with django_capture_on_commit_callbacks(execute=True):
            sharing_learner()
        with django_capture_on_commit_callbacks(execute=True):
            sharing_learner()
        assert sends(published) == 1
        cache.delete("queueing:once:learning_records.send")  # the window has passed
        with django_capture_on_commit_callbacks(execute=True):
            sharing_learner()
        assert sends(published) == 2


@pytest.mark.worker
@pytest.mark.lrs
@pytest.mark.django_db(transaction=True)
def test_a_backfill_reaches_the_lrs_through_one_send_without_beat(
    client, settings, ralph, demo_site, media_root, django_capture_on_commit_callbacks
):
    """A history taken before the LRS was configured, backfilled: seven transactions of
    statements, one task on the broker, and a real worker sends them all to Ralph seconds
    later; no beat runs in the tests."""
    course, quiz = course_with_quiz()
    learner = sharing_learner()
    take_course(client, learner, course, quiz, django_capture_on_commit_callbacks)
    assert not Statement.objects.exists()  # no LRS yet: nothing recorded

    configure_lrs(settings, ralph.endpoint)
    settings.XAPI_SEND_DELAY_SECONDS = 1
    today = timezone.localdate().isoformat()
    with broker_queue(worker=True) as published:
        call_command("xapi_backfill", "--from", today, "--to", today)
        outbox = Statement.objects.filter(learner=learner)
        assert outbox.count() == 10
        assert sends(published) == 1

        def all_sent() -> bool:
            return not outbox.filter(status=StatementStatus.PENDING).exists()

        assert wait_for(all_sent, timeout=30), "the worker did not send the statements"
    assert sends(published) == 1
    pseudonym = learner.learning_pseudonym.pseudonym
    assert {s["id"] for s in ralph.statements_of(pseudonym)} == {
        str(pk) for pk in outbox.values_list("pk", flat=True)
    }


@pytest.mark.parametrize(("given", "expected"), [(None, 5), ("12", 12), ("0", 0), (" OFF ", None)])
def test_the_send_delay_comes_from_the_environment(given, expected):
    environ = {} if given is None else {"XAPI_SEND_DELAY_SECONDS": given}
    found = settings_in_subprocess(
        "elearning.settings.test",
        ["XAPI_SEND_DELAY_SECONDS"],
        unset={"XAPI_SEND_DELAY_SECONDS"},
        **environ,
    )
    assert found == {"XAPI_SEND_DELAY_SECONDS": expected}


@pytest.mark.parametrize("given", ["soon", "-3", "2.5", ""])
def test_a_send_delay_that_is_not_seconds_stops_the_start(given):
    with pytest.raises(AssertionError, match="XAPI_SEND_DELAY_SECONDS must be a whole number"):
        settings_in_subprocess(
            "elearning.settings.test",
            ["XAPI_SEND_DELAY_SECONDS"],
            XAPI_SEND_DELAY_SECONDS=given,
        )
