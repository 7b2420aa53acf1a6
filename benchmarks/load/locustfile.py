"""200 learners at work: reading lessons, marking them complete, taking a quiz.

Run by benchmarks/load/run.py (which starts gunicorn, a Celery worker and locust). Each simulated
learner is one of the seeded benchmark accounts (benchmarks/seed.py), logs in through the real
form, then loops with a few seconds of "reading" between requests. Request names group the URLs
by type, so the statistics are per type: lesson page, mark complete, quiz page, quiz start, quiz
submission.
"""

import itertools
import random
import re
import threading

from locust import HttpUser, between, task

PASSWORD = "bench-parola-2026"  # noqa: S105 - the seeded benchmark accounts' shared password
COURSE = "/ro/cursuri/teachers/"
QUIZ = "/ro/cursuri/teachers/final-quiz/"
_numbers = itertools.count(1)
_lock = threading.Lock()


def next_learner() -> str:
    with _lock:
        return f"learner-{next(_numbers):05d}@bench.local"


def csrf(body: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return match.group(1) if match else ""


class Learner(HttpUser):
    wait_time = between(2, 5)

    def on_start(self):
        page = self.client.get("/ro/accounts/login/", name="login form")
        self.client.post(
            "/ro/accounts/login/",
            {
                "username": next_learner(),
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf(page.text),
            },
            headers={"Referer": self.host + "/ro/accounts/login/"},
            name="login",
        )
        course = self.client.get(COURSE, name="course page")
        self.lessons = sorted(
            set(re.findall(r'href="(/ro/cursuri/teachers/[a-z0-9-]+/)"', course.text)) - {QUIZ}
        ) or [COURSE]

    @task(6)
    def read_lesson(self):
        self.lesson = random.choice(self.lessons)  # noqa: S311 - load generation
        self.client.get(self.lesson, name="lesson page")

    @task(2)
    def mark_complete(self):
        lesson = getattr(self, "lesson", None) or random.choice(self.lessons)  # noqa: S311
        page = self.client.get(lesson, name="lesson page")
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
        page = self.client.get(QUIZ, name="quiz page")
        start = re.search(r'action="(/ro/learning/quizzes/\d+/start/)"', page.text)
        if start:
            page = self.client.post(
                start.group(1),
                {"csrfmiddlewaretoken": csrf(page.text)},
                headers={"Referer": self.host + QUIZ},
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
            submit.group(1), data, headers={"Referer": self.host + QUIZ}, name="quiz submission"
        )
