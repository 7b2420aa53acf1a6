"""Issuing exactly once when things go wrong: two tasks at once, and a worker killed mid-render.

Both need a database that really locks rows (PostgreSQL): on SQLite `select_for_update` does
nothing and a second process cannot see an in-memory test database, so they are skipped there.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from certificates import services
from certificates.models import Certificate, CertificateEvent, CertificateStatus
from certificates.tasks import issue_certificate
from courses import services as course_services
from elearning.celery import app

from ..courses.factories import lessons_of, make_course
from ..elearning.factories import UserFactory
from ..polling import wait_for

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks need PostgreSQL (CI runs it)"
)


def pdf_files(private_root: Path) -> list[str]:
    return sorted(p.name for p in (private_root / "certificates").glob("*"))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issue_tasks_leave_one_certificate_and_one_file(
    demo_site, media_root, private_root, monkeypatch
):
    course = make_course(lessons=1)
    learner = UserFactory(full_name="Ioana Țăranu")
    course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
    certificate = Certificate.objects.get(learner=learner)
    # Eager Celery rendered it on completion; start again from a pending certificate.
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.PENDING)
    CertificateEvent.objects.all().delete()
    for path in (private_root / "certificates").glob("*"):
        path.unlink()

    # Widen the race: each render takes at least half a second, so both tasks are inside the
    # service at once. Without the row lock both would render, store and log "issued".
    real_render = services.render_certificate_pdf
    renders = []

    def slow_render(cert):
        renders.append(cert.pk)
        time.sleep(0.5)
        return real_render(cert)

    monkeypatch.setattr(services, "render_certificate_pdf", slow_render)
    barrier = threading.Barrier(2)
    errors = []

    def run_task():
        from django.db import connections

        barrier.wait()
        try:
            issue_certificate.apply(args=[str(certificate.pk)], throw=True)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_task) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Certificate.objects.filter(learner=learner).count() == 1
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    assert renders == [certificate.pk]  # the second task found it ready and rendered nothing
    assert pdf_files(private_root) == [f"{certificate.pk}.pdf"]
    assert CertificateEvent.objects.filter(certificate=certificate, kind="issued").count() == 1


def test_issue_task_is_acknowledged_late_and_requeued_when_its_worker_dies():
    # Without these, a killed worker's message is gone: acked on receipt (acks_late=False), or
    # acknowledged as failed when a prefork child dies (reject_on_worker_lost=False).
    assert issue_certificate.acks_late is True
    assert issue_certificate.reject_on_worker_lost is True


def start_worker_process(env: dict, log: Path) -> subprocess.Popen:
    # Its own session, so SIGKILL reaches the worker and its pool child, and nothing else.
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "elearning",
            "worker",
            # Prefork, as in production. With the solo pool the task blocks the event loop, and
            # even an early acknowledgement is not sent before the task ends, so a test on it
            # would pass without acks_late.
            "--pool=prefork",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-Q",
            env["CERT_TEST_QUEUE"],
        ],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.mark.worker
@postgres_only
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as in CI")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("killed", ["whole worker", "pool child"])
def test_worker_killed_mid_render_leaves_one_ready_certificate_after_redelivery(
    demo_site, media_root, private_root, tmp_path, killed
):
    """Two ways to lose a worker mid-render, two ways back.

    - The whole worker (its main process and its pool child): nobody is left to reject the
      message. It stays unacknowledged on Redis (acks_late) and Redis gives it back after
      visibility_timeout (3 s here), to a new worker.
    - Only the pool child (the OOM killer's usual choice): the main process sees the child die
      and requeues the message at once (reject_on_worker_lost); its next child renders it.
    """
    queue = f"test-certs-{uuid.uuid4().hex[:8]}"
    gate = tmp_path / "gate"
    gate.mkdir()
    media_root.mkdir(parents=True, exist_ok=True)
    private_root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.certificates.worker_settings",
        "CERT_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "CERT_TEST_MEDIA_ROOT": str(media_root),
        "CERT_TEST_PRIVATE_ROOT": str(private_root),
        "CERT_TEST_QUEUE": queue,
        "CERT_TEST_RENDER_GATE": str(gate),
        # Only the whole-worker case may rely on Redis's timeout. With a short timeout in the
        # pool-child case, Redis would hand the message out again after 3 s anyway and hide a
        # missing reject_on_worker_lost.
        "CERT_TEST_VISIBILITY_TIMEOUT": "3" if killed == "whole worker" else "3600",
    }
    log = tmp_path / "workers.log"
    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "task_default_queue": app.conf.task_default_queue,
    }
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    first = second = None
    try:
        first = start_worker_process(env, log)
        course = make_course(lessons=1)
        learner = UserFactory(full_name="Ștefan Țepeș")
        # Completing the course commits, the receiver queues the task on Redis.
        course_services.step_complete(learner=learner, course=course, step=lessons_of(course)[0])
        certificate = Certificate.objects.get(learner=learner)
        announced = gate / f"{certificate.pk}.rendering"

        def renders() -> list[str]:  # the pids of the processes that started rendering it
            return announced.read_text().split() if announced.exists() else []

        assert wait_for(renders), log.read_text()
        renderer = int(renders()[0])
        assert renderer != first.pid  # prefork: the pool child renders

        # The child is inside render_certificate_pdf, holding the certificate's row lock.
        if killed == "whole worker":
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        else:
            os.kill(renderer, signal.SIGKILL)
        certificate.refresh_from_db()
        assert certificate.status == CertificateStatus.PENDING
        assert not CertificateEvent.objects.filter(certificate=certificate).exists()

        (gate / "open").touch()
        if killed == "whole worker":
            second = start_worker_process(env, log)
        assert wait_for(
            lambda: Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.READY
        ), log.read_text()
        # Rendered again after the kill, by another process: it was redelivered.
        assert len(renders()) == 2 and int(renders()[1]) != renderer
    finally:
        for process in (first, second):
            if process is not None:
                stop(process)
        app.conf.update(previous)

    assert Certificate.objects.filter(learner=learner).count() == 1
    assert pdf_files(private_root) == [f"{certificate.pk}.pdf"]
    assert CertificateEvent.objects.filter(certificate=certificate, kind="issued").count() == 1


def test_production_visibility_timeout_outlasts_a_task_and_its_retry_delays():
    """On Redis an unacknowledged message is handed out again after visibility_timeout, even
    while its first worker is still on it. In production it must outlast the longest task (hard
    time limit) and the longest retry countdown (a retried task waits unacknowledged for its ETA),
    or every slow certificate would be rendered twice. The fault tests shorten it on purpose."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearning.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://user@127.0.0.1:5432/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SITE_URL": "https://example.org",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CELERY_BROKER_TRANSPORT_OPTIONS.get('visibility_timeout'), "
        "s.CELERY_TASK_TIME_LIMIT]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    visibility_timeout, time_limit = json.loads(output.strip().splitlines()[-1])
    assert visibility_timeout > time_limit
    assert visibility_timeout > issue_certificate.retry_backoff_max
