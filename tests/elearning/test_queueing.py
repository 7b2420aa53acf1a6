"""The broker is down: the learner's action is saved, the request succeeds, and the follow-up
task is queued once the broker answers again. Uses a real Redis client against a port where
nothing listens, not a mock."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from elearning.celery import app
from elearning.models import PendingTask, User
from elearning.queueing import pending_tasks_send

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_BROKER = "redis://127.0.0.1:9/0"  # the discard port: connection refused at once


@pytest.fixture
def broker_down(settings):
    """Point Celery at a broker that refuses connections, queueing for real (not eager)."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url, app.conf.task_always_eager = DEAD_BROKER, False
    reset_pools()
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    reset_pools()


def test_registration_succeeds_and_its_email_waits_for_the_broker(client, demo_site, broker_down):
    from elearning.models import Institution

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
    assert pending.task == "elearning.tasks.send_welcome_email"
    assert not mail.outbox

    # Still down: nothing is lost, the attempt is counted.
    assert pending_tasks_send() == 0
    assert PendingTask.objects.get().attempts == 1


def test_pending_tasks_are_sent_when_the_broker_is_back(demo_site):
    from ..elearning.factories import UserFactory

    user = UserFactory(email="ion@example.org", is_active=False)
    PendingTask.objects.create(task="elearning.tasks.send_welcome_email", args=[user.pk])
    assert pending_tasks_send() == 1  # eager in tests: the task runs as the worker would
    assert PendingTask.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["ion@example.org"]]
