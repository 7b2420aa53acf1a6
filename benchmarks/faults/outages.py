"""Fault drills under load: Redis stopped for 30 s, PostgreSQL restarted.

    .venv/bin/python -m benchmarks.faults.outages redis      # Redis down 30 s mid-load
    .venv/bin/python -m benchmarks.faults.outages postgres   # PostgreSQL restarted mid-load

Serves the benchmark site (benchmarks/settings.py, database `elearning_bench`, seeded as in
benchmarks/README.md) with gunicorn and a Celery worker running beat. The drill uses its own
Redis server on port 6390, so stopping it disturbs nothing else on the machine; the PostgreSQL
drill restarts the machine's cluster, so run it when nothing else uses the database.

Eight learners read lessons and mark them complete in a closed loop for the whole drill. The
drill passes when:
- no response is a 5xx other than 503 (a 503 is allowed only while the service is down);
- every "mark complete" that answered with a redirect is in the database afterwards (no progress
  lost), and
- Redis: the tasks kept while the broker was down (elearning.queueing's outbox) are all sent
  within two minutes of its return; PostgreSQL: pages answer 200 again within 30 s of the
  restart.
Writes benchmarks/var/faults-<drill>.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess  # noqa: S404 - starts and stops servers with fixed arguments
import sys
import threading
import time
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from urllib import error, parse, request

PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_DIR / "benchmarks" / "var"
HOST, PORT, REDIS_PORT = "127.0.0.1", 8079, 6390
PASSWORD = "bench-parola-2026"  # noqa: S105 - seeded benchmark accounts only
COURSE = "/ro/cursuri/teachers/"


def run(*command, check=True):
    return subprocess.run(command, check=check, capture_output=True, text=True)  # noqa: S603


def redis_start():
    run(
        "redis-server", "--port", str(REDIS_PORT), "--bind", HOST, "--daemonize", "yes",
        "--save", "", "--appendonly", "no",
    )  # fmt: skip
    for _ in range(50):
        if run("redis-cli", "-p", str(REDIS_PORT), "ping", check=False).stdout.strip() == "PONG":
            return
        time.sleep(0.1)
    raise RuntimeError("the drill's Redis did not start")


def redis_stop():
    run("redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave", check=False)


def postgres_restart():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")


class Learner:
    """One logged-in learner with its own cookies, recording what the server answered."""

    def __init__(self, email: str):
        self.opener = request.build_opener(request.HTTPCookieProcessor(CookieJar()), NoRedirect())
        self.email = email
        self.completed: list[str] = []  # lesson paths whose "mark complete" was accepted

    def call(self, path, data=None):
        url = f"http://{HOST}:{PORT}{path}"
        body = parse.urlencode(data).encode() if data is not None else None
        req = request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        try:
            with self.opener.open(req, timeout=15) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except error.HTTPError as answer:
            return answer.code, answer.read().decode("utf-8", "replace")
        except OSError:
            return 0, ""  # the server did not answer at all

    def login(self):
        _status, page = self.call("/ro/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.call(
            "/ro/accounts/login/",
            {"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )


class NoRedirect(request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def load(learners, lessons, stop: threading.Event, log: list):
    def work(learner: Learner):
        i = 0
        while not stop.is_set():
            lesson = lessons[i % len(lessons)]
            i += 1
            status, page = learner.call(lesson)
            log.append((time.monotonic(), "lesson", status))
            form = re.search(r'action="(/ro/learning/lessons/\d+/complete/)"', page)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if status == 200 and form and token:
                status, _ = learner.call(form.group(1), {"csrfmiddlewaretoken": token.group(1)})
                log.append((time.monotonic(), "complete", status))
                if status in (302, 303):
                    learner.completed.append(lesson)

    threads = [threading.Thread(target=work, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    return threads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drill", choices=["redis", "postgres"])
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT_DIR))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        REDIS_URL=f"redis://{HOST}:{REDIS_PORT}/0",
        SITE_URL=f"http://{HOST}:{PORT}",
    )
    os.environ.update(env)
    import django

    django.setup()
    from courses.models import StepCompletion
    from elearning.models import PendingTask, User

    redis_start()
    venv = PROJECT_DIR / ".venv" / "bin"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    servers = [
        subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(venv / "gunicorn"), "elearning.wsgi", "--workers", "2", "--bind",
             f"{HOST}:{PORT}", "--log-file", str(VAR_DIR / f"faults-{args.drill}-gunicorn.log")],
            cwd=PROJECT_DIR, env=env, start_new_session=True,
        ),
        subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(venv / "celery"), "-A", "elearning", "worker", "--beat", "--concurrency", "1",
             "--loglevel", "INFO", "--logfile", str(VAR_DIR / f"faults-{args.drill}-worker.log"),
             "--schedule", str(VAR_DIR / "faults-beat-schedule")],
            cwd=PROJECT_DIR, env=env, start_new_session=True,
        ),
    ]  # fmt: skip
    time.sleep(4)
    emails = [f"learner-{i:05d}@bench.local" for i in range(101, 109)]
    learners = [Learner(email) for email in emails]
    for learner in learners:
        learner.login()
    _status, course = learners[0].call(COURSE)
    lessons = sorted(set(re.findall(r'href="(/ro/cursuri/teachers/[a-z0-9-]+/)"', course)))
    lessons = [path for path in lessons if "quiz" not in path and "test" not in path]
    before = set(
        StepCompletion.objects.filter(learner__email__in=emails).values_list("learner", "step_key")
    )
    stop, log = threading.Event(), []
    threads = load(learners, lessons, stop, log)
    result = {"drill": args.drill, "started": datetime.now(UTC).isoformat()}
    try:
        time.sleep(15)
        fault_start = time.monotonic()
        if args.drill == "redis":
            redis_stop()
            time.sleep(30)
            redis_start()
            fault_end = time.monotonic()
            time.sleep(20)
        else:
            postgres_restart()
            fault_end = time.monotonic()
            time.sleep(40)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    # The drill's own database connection did not survive a PostgreSQL restart: open a new one.
    from django.db import connection

    connection.close()
    # The outbox empties once beat runs send_pending_tasks (every minute) on the returned broker.
    deadline = time.monotonic() + 120
    while args.drill == "redis" and PendingTask.objects.exists() and time.monotonic() < deadline:
        time.sleep(2)
    for server in servers:
        os.killpg(server.pid, 15)
    for server in servers:
        server.wait(timeout=30)
    redis_stop()

    statuses = collections.Counter(status for _at, _kind, status in log)

    def during_fault(at):
        return fault_start <= at <= fault_end + 5

    bad = [e for e in log if e[2] >= 500 and not (e[2] == 503 and during_fault(e[0]))]
    recovered_after = None
    if args.drill == "postgres":
        after = [at for at, _kind, status in log if at > fault_end and status == 200]
        recovered_after = round(min(after) - fault_end, 1) if after else None
    lost = []
    for learner in learners:
        user = User.objects.get(email=learner.email)
        done = set(StepCompletion.objects.filter(learner=user).values_list("step_key", flat=True))
        accepted = set(learner.completed)
        # Every accepted "mark complete" names a lesson; its page's key must be in `done`.
        from wagtail.models import Page

        for path in accepted:
            slug = path.rstrip("/").rsplit("/", 1)[-1]
            page = Page.objects.filter(slug=slug, locale__language_code="ro").first()
            if page and page.translation_key not in done:
                lost.append((learner.email, path))
    result.update(
        requests=len(log),
        statuses={str(k): v for k, v in sorted(statuses.items())},
        errors_outside_fault=len(bad),
        progress_lost=lost,
        pending_tasks_left=PendingTask.objects.count(),
        recovered_after_s=recovered_after,
        completions_before=len(before),
    )
    ok = not bad and not lost and result["pending_tasks_left"] == 0
    if args.drill == "postgres":
        ok = ok and recovered_after is not None and recovered_after <= 30
    result["passed"] = ok
    (VAR_DIR / f"faults-{args.drill}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
