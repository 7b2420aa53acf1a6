"""The broker is down: the learner's action is saved, the request succeeds, and the follow-up
task is queued once the broker answers again. Uses a real Redis client against a port where
nothing listens, not a mock."""

import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tasks import send_welcome_email
from elearning.celery import app
from elearning.infrastructure import queueing
from elearning.infrastructure.queueing import pending_tasks_send, send_now
from elearning.models import PendingTask

from .servers import BrokenServer

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_BROKER = "redis://127.0.0.1:9/0"  # the discard port: connection refused at once


def point_celery_at(url: str):
    """Point Celery at `url` with the transport options a Redis broker has in production,
    queueing for real (not eager); gives back what undoes it."""
    from django.conf import settings

    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url, app.conf.task_always_eager = url, False
    app.conf.broker_transport_options = dict(settings.BROKER_PUBLISH_RETRIES)
    reset_pools()

    def undo():
        app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
        reset_pools()
        queueing._broker_down_until = 0.0  # the pause after a failure is the process's

    return undo


@pytest.fixture
def broker_down(settings):
    """A broker that refuses connections."""
    undo = point_celery_at(DEAD_BROKER)
    yield
    undo()


@pytest.fixture
def broker_closing():
    """A broker that accepts connections and closes them at once, counting them."""
    server = BrokenServer(hang=False)
    undo = point_celery_at(server.url)
    yield server
    undo()
    server.close()


def test_registration_succeeds_and_its_email_waits_for_the_broker(client, demo_site, broker_down):
    from accounts.models import Institution

    with translation.override("ro"):
        url = reverse("accounts:register")
    institution = Institution.objects.filter(county="CJ").first()
    response = client.post(
        url,
        {
            "full_name": "Maria Știrbu",
            "email": "maria@example.org",
            "password1": "O-parola-buna-2026",
            "password2": "O-parola-buna-2026",
            "role": "teacher",
            "county": "CJ",
            "institution": institution.pk,
            "preferred_language": "ro",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(email="maria@example.org").exists()
    (pending,) = PendingTask.objects.all()
    assert pending.task == "accounts.tasks.send_welcome_email"
    assert not mail.outbox

    # Still down: nothing is lost, the attempt is counted.
    assert pending_tasks_send() == 0
    assert PendingTask.objects.get().attempts == 1


def test_pending_tasks_are_sent_when_the_broker_is_back(demo_site):
    from ..elearning.factories import UserFactory

    user = UserFactory(email="ion@example.org", is_active=False, awaiting_activation=True)
    PendingTask.objects.create(task="accounts.tasks.send_welcome_email", args=[user.pk])
    assert pending_tasks_send() == 1  # eager in tests: the task runs as the worker would
    assert PendingTask.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["ion@example.org"]]


def test_after_a_failure_requests_do_not_wait_for_the_broker_again(demo_site, broker_closing):
    # Each publish to a broker that is down costs its connection attempts (kombu's default
    # was 6 s of them, in the learner's request); after one failure the next tasks go straight
    # to the outbox for a while.
    user = User.objects.create_user(email="ion@example.org", password=None, is_active=False)
    started = time.monotonic()
    assert send_now(send_welcome_email, [user.pk]) is False
    # Three quick tries (about half a second), where kombu's defaults spent 6 s in two or three:
    # a bound far from both, so a slow machine does not fail it.
    assert time.monotonic() - started < 3
    tried = broker_closing.connections
    assert 1 <= tried <= 3
    assert send_now(send_welcome_email, [user.pk]) is False
    assert broker_closing.connections == tried  # not tried again
    assert PendingTask.objects.count() == 2  # both kept for beat
    assert "not tried again yet" in PendingTask.objects.order_by("pk").last().last_error

    queueing._broker_down_until = 0.0  # the pause is over
    assert send_now(send_welcome_email, [user.pk]) is False
    assert broker_closing.connections > tried


def test_a_send_asked_for_soon_is_left_to_beat_while_the_broker_is_down(broker_down):
    """`enqueue_once_on_commit` (the learning records' send a few seconds after an event) with
    the broker down: the commit succeeds, nothing is kept in the outbox (beat's round does the
    work anyway), and for the pause no later commit tries the broker again."""
    from django.db import transaction

    from learning_records.tasks import send_learning_records

    with transaction.atomic():
        queueing.enqueue_once_on_commit(send_learning_records, key="test-down", countdown=5)
    assert not PendingTask.objects.exists()
    assert queueing._broker_down_until > time.monotonic()
    started = time.monotonic()
    with transaction.atomic():
        queueing.enqueue_once_on_commit(send_learning_records, key="test-down-2", countdown=5)
    assert time.monotonic() - started < 0.2  # not tried: no connection attempts
    assert not PendingTask.objects.exists()
