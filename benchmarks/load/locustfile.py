"""200 learners at work: reading lessons, marking them complete, taking quizzes.

Run by benchmarks/load/run.py (which copies the data, starts gunicorn, a Celery worker and
locust). Each simulated learner is one of the seeded benchmark accounts (benchmarks/seed.py),
logs in through the real form, then loops with a few seconds of "reading" between requests.
Request names group the URLs by type, so the statistics are per type: lesson page, mark
complete, quiz page, quiz start, quiz submission.

Phases. Logging in costs a PBKDF2 hash (~0.3 s of CPU) per learner, so the ramp-up is not the
steady state the budgets are about. Once every learner has logged in and `--settle-seconds`
more have passed, the statistics of the ramp-up are written to `--phases-file` and reset; the
run then measures for `--measure-seconds` and stops itself. A learner whose login or page is
not what a logged-in learner gets counts as a failure (a 200 is not enough).
"""

import itertools
import json
import random
import re
import threading
import time

import gevent
from locust import HttpUser, between, events, task
from locust.runners import LocalRunner

PASSWORD = "bench-parola-2026"  # noqa: S105 - the seeded benchmark accounts' shared password
COURSE = "/ro/cursuri/teachers/"
FINAL_QUIZ = "/ro/cursuri/teachers/final-quiz/"  # 3 attempts, an hour apart: one per run
POST_TEST = "/ro/cursuri/teachers/post-test/"  # unlimited attempts, no wait: the later ones
QUIZZES = {FINAL_QUIZ, POST_TEST, "/ro/cursuri/teachers/pre-test/"}
LOGGED_IN_MARKER = "Deconectare"  # the header's "Log out" link
_numbers = itertools.count(1)
_lock = threading.Lock()
_logged_in = {"learners": 0}


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--measure-seconds", type=float, default=300, help="after the ramp-up")
    parser.add_argument("--settle-seconds", type=float, default=15, help="after the last login")
    parser.add_argument("--ramp-up-limit", type=float, default=300, help="seconds for the logins")
    parser.add_argument("--phases-file", default="", help="JSON: ramp-up stats and timings")


def _snapshot(stats) -> dict:
    rows = {}
    for (name, method), entry in sorted(stats.entries.items()):
        rows[f"{method} {name}"] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": round(entry.max_response_time or 0),
        }
    return {
        "requests": stats.total.num_requests,
        "failures": stats.total.num_failures,
        "errors": [
            {"name": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()
        ],
        "by_request": rows,
    }


def _control(environment):
    """Wait for every login, let the queue drain, reset the statistics, measure, stop."""
    options, runner = environment.parsed_options, environment.runner
    started = time.monotonic()
    while _logged_in["learners"] < options.num_users:
        if time.monotonic() - started > options.ramp_up_limit:
            break
        gevent.sleep(0.5)
    logins_s = time.monotonic() - started
    gevent.sleep(options.settle_seconds)
    phases = {
        "users": options.num_users,
        "logged_in": _logged_in["learners"],
        "all_logged_in_after_s": round(logins_s, 1),
        "stats_reset_after_s": round(time.monotonic() - started, 1),
        "measure_seconds": options.measure_seconds,
        "ramp_up": _snapshot(runner.stats),
    }
    runner.stats.reset_all()
    if options.phases_file:
        with open(options.phases_file, "w") as handle:
            json.dump(phases, handle, indent=2)
    print(
        f"{phases['logged_in']} of {options.num_users} learners logged in after "
        f"{phases['all_logged_in_after_s']} s; statistics reset at "
        f"{phases['stats_reset_after_s']} s; measuring {options.measure_seconds:.0f} s",
        flush=True,
    )
    gevent.sleep(options.measure_seconds)
    runner.quit()


@events.test_start.add_listener
def _start_control(environment, **_kwargs):
    if isinstance(environment.runner, LocalRunner):
        gevent.spawn(_control, environment)


def next_learner() -> str:
    with _lock:
        return f"learner-{next(_numbers):05d}@bench.local"


def csrf(body: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return match.group(1) if match else ""


class Learner(HttpUser):
    wait_time = between(2, 5)

    def on_start(self):
        self.final_quiz_taken = False
        page = self.client.get("/ro/accounts/login/", name="login form")
        with self.client.post(
            "/ro/accounts/login/",
            {
                "username": next_learner(),
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf(page.text),
            },
            headers={"Referer": self.host + "/ro/accounts/login/"},
            name="login",
            catch_response=True,
        ) as response:
            # It lands on the home page in the learner's preferred language (not always "ro").
            if "/accounts/login/" in response.url or "sessionid" not in self.client.cookies:
                response.failure(f"not logged in: {response.status_code} at {response.url}")
        course = self.client.get(COURSE, name="course page")
        self.lessons = sorted(
            set(re.findall(r'href="(/ro/cursuri/teachers/[a-z0-9-]+/)"', course.text)) - QUIZZES
        ) or [COURSE]
        _logged_in["learners"] += 1

    def lesson_page(self, path: str):
        with self.client.get(path, name="lesson page", catch_response=True) as response:
            if response.ok and LOGGED_IN_MARKER not in response.text:
                response.failure("not the logged-in lesson page")
            return response

    @task(6)
    def read_lesson(self):
        self.lesson = random.choice(self.lessons)  # noqa: S311 - load generation
        self.lesson_page(self.lesson)

    @task(2)
    def mark_complete(self):
        lesson = getattr(self, "lesson", None) or random.choice(self.lessons)  # noqa: S311
        page = self.lesson_page(lesson)
        action = re.search(r'action="(/ro/learning/lessons/\d+/complete/)"', page.text)
        if action:
            self.client.post(
                action.group(1),
                {"csrfmiddlewaretoken": csrf(page.text)},
                headers={"Referer": self.host + lesson},
                name="mark complete",
            )

    @task(1)
    def take_quiz(self):
        """The final quiz once (it allows one attempt an hour), then the post-test."""
        quiz = POST_TEST if self.final_quiz_taken else FINAL_QUIZ
        self.final_quiz_taken = True
        page = self.client.get(quiz, name="quiz page")
        start = re.search(r'action="(/ro/learning/quizzes/\d+/start/)"', page.text)
        if start:
            page = self.client.post(
                start.group(1),
                {"csrfmiddlewaretoken": csrf(page.text)},
                headers={"Referer": self.host + quiz},
                name="quiz start",
            )
        submit = re.search(r'action="(/ro/learning/quizzes/\d+/attempts/\d+/submit/)"', page.text)
        if not submit:
            return  # no attempts left, or waiting out the cooldown: the learner reads on
        answers = {}
        for name, value in re.findall(r'name="(q-[0-9a-f-]+)"[^>]*value="(\d+)"', page.text):
            answers.setdefault(name, []).append(value)
        data = [("csrfmiddlewaretoken", csrf(page.text))]
        data += [(name, random.choice(values)) for name, values in answers.items()]  # noqa: S311
        self.client.post(
            submit.group(1), data, headers={"Referer": self.host + quiz}, name="quiz submission"
        )
