"""The welcome e-mail travels through the real broker to a real Celery worker.

On SQLite (no REDIS_URL) the broker is Kombu's filesystem transport, as in `make run`;
in CI (REDIS_URL set) it is Redis, as in production.
"""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_received
from django.core import mail
from django.urls import reverse

from accounts.models import User
from elearning.celery import app

from ..accounts.test_registration import registration_data
from ..polling import wait_for


@pytest.fixture
def celery_worker(settings):
    """A worker thread consuming a queue of its own on the configured broker."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "task_default_queue": app.conf.task_default_queue,
    }
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
        ) as worker:
            yield worker
    finally:
        app.conf.update(previous)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_registration_welcome_email_is_sent_by_a_real_worker(client, demo_site, celery_worker):
    assert app.conf.broker_url.split(":")[0] in {"filesystem", "redis"}
    received = []

    def on_received(sender=None, request=None, **kwargs):
        received.append(request.name)

    task_received.connect(on_received, weak=False)
    response = client.post(reverse("accounts:register"), registration_data())
    assert response.status_code == 302
    user = User.objects.get(email="ana.popescu@example.org")

    # The request returned before the e-mail was sent: the worker sends it.
    assert wait_for(lambda: len(mail.outbox) == 1, timeout=30), (
        "the worker did not send the welcome e-mail"
    )
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "/ro/accounts/activate/" in message.body
    # task_received fires only in a worker that took the message from the broker.
    assert received == ["accounts.tasks.send_welcome_email"]
    task_received.disconnect(on_received)
