"""Latency of the quiz submission (the POST that grades an attempt), next to a minimal view.

Serves the site with gunicorn (production settings, PostgreSQL, Redis) on 127.0.0.1 exactly as
benchmarks/lesson_page.py does, logs in seeded learners, and runs a closed loop at concurrency 8
(one thread per learner) that submits the teachers' final quiz. Before each submission, untimed,
the thread gives its learner a fresh attempt through the ORM: it deletes the learner's attempts
at this quiz and the quiz's step completion, then calls quizzes.services.attempt_start. Only the
HTTP POST is timed. Every drawn question is answered with all its correct choices, so every
attempt passes (score 100) and also records the step as complete. Run from the project folder:

    .venv/bin/python -m benchmarks.quiz_submission

See benchmarks/README.md for the set-up and the figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from urllib.parse import urlencode

from benchmarks import common
from benchmarks.common import VAR_DIR, BenchmarkError
from benchmarks.lesson_page import (
    HOST,
    PING,
    Client,
    CpuMeter,
    Run,
    check_ping,
    load,
    start_server,
    stop_server,
    wait_until_ready,
)
from benchmarks.seed import learner_email

QUIZ_URL = "/ro/cursuri/teachers/final-quiz/"
BUDGET_P50_MS = 80.0


def setup_django():
    """The ORM in this process, on the same database and settings as gunicorn."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()


def find_quiz():
    from quizzes.models import QuizPage

    for quiz in QuizPage.objects.live().filter(slug="final-quiz", locale__language_code="ro"):
        if quiz.get_parent().slug == "teachers":
            return quiz
    raise BenchmarkError(f"no published quiz at {QUIZ_URL}: run seed_demo and benchmarks.seed")


def correct_choices(quiz) -> dict[str, list[int]]:
    """Question key -> the pks of its correct choices on this page (the posted values)."""
    return {
        str(question.key): [c.pk for c in question.choices.all() if c.is_correct]
        for question in quiz.questions.all().prefetch_related("choices")
    }


class Submitter:
    """One learner: a logged-in Client, plus the untimed ORM work that readies each attempt."""

    def __init__(self, client: Client, learner, quiz, answers: dict[str, list[int]]):
        self.client, self.learner, self.quiz, self.answers = client, learner, quiz, answers
        self.path = ""
        self.body = ""
        self.attempt_id = 0

    def prepare(self) -> None:
        from courses.models import StepCompletion
        from quizzes import services
        from quizzes.models import Attempt

        Attempt.objects.filter(learner=self.learner, quiz_key=self.quiz.translation_key).delete()
        StepCompletion.objects.filter(
            learner=self.learner, step_key=self.quiz.translation_key
        ).delete()
        attempt = services.attempt_start(learner=self.learner, quiz=self.quiz)
        fields = [("csrfmiddlewaretoken", self.client.cookies["csrftoken"])]
        for key in attempt.question_keys:
            fields.extend((f"q-{key}", str(pk)) for pk in self.answers[key])
        self.attempt_id = attempt.pk
        self.path = f"/ro/learning/quizzes/{self.quiz.pk}/attempts/{attempt.pk}/submit/"
        self.body = urlencode(fields)
        # A real learner follows the redirect, whose page shows (and so consumes) the
        # "submitted" message. We do not request that page, so drop the message cookie here
        # rather than let it grow and spill into the session.
        self.client.cookies.pop("messages", None)

    def submit(self):
        origin = f"http://{HOST}:{self.client.port}"
        return self.client.request(
            "POST",
            self.path,
            body=self.body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": origin + QUIZ_URL,
                "Origin": origin,
            },
        )

    def check_graded(self) -> bool:
        from courses.models import StepCompletion
        from quizzes.models import Attempt, AttemptStatus

        return (
            Attempt.objects.filter(
                pk=self.attempt_id, status=AttemptStatus.SUBMITTED, passed=True
            ).exists()
            and StepCompletion.objects.filter(
                learner=self.learner, step_key=self.quiz.translation_key
            ).exists()
        )


def load_submissions(
    submitters: list[Submitter],
    requests: int,
    seconds: float,
    deadline: float,
    meter: CpuMeter,
) -> tuple[Run, float]:
    """A closed loop of submissions; returns the run and the mean number of POSTs in flight.

    Each thread readies its next attempt (untimed, a few queries) and then posts it, so slightly
    fewer than `len(submitters)` submissions are in flight at any moment.
    """
    from django.db import connection

    stop_at = min(time.monotonic() + seconds, deadline)
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    failures: list[str] = []
    barrier = threading.Barrier(len(submitters) + 1)

    def work(submitter: Submitter) -> None:
        nonlocal issued
        try:
            barrier.wait()
            while True:
                with lock:
                    if issued >= requests or failures or time.monotonic() > stop_at:
                        return
                    issued += 1
                submitter.prepare()
                status, body, elapsed, response = submitter.submit()
                location = response.headers.get("Location", "")
                expected = f"/{submitter.quiz.pk}/attempts/{submitter.attempt_id}/"
                if status != 302 or not location.endswith(expected):
                    failures.append(
                        f"{submitter.path}: status {status} {location!r} {body[:300]!r}"
                    )
                    return
                with lock:
                    latencies.append(elapsed)
            # The last attempt of each thread must be graded, passed and its step completed.
        except Exception as exc:  # noqa: BLE001 - reported as the run's failure
            failures.append(f"{submitter.path}: {exc!r}")
        finally:
            if not failures and submitter.attempt_id and not submitter.check_graded():
                failures.append(f"attempt {submitter.attempt_id} was not graded as passed")
            connection.close()  # this thread's database connection

    threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in submitters]
    for thread in threads:
        thread.start()
    with meter:
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    if failures:
        raise BenchmarkError(failures[0])
    if time.monotonic() > deadline:
        raise BenchmarkError("time limit reached")
    run = Run(latencies, wall, meter.machine, meter.client, meter.server)
    return run, sum(latencies) / wall


def queries_per_submission(quiz, learner, answers: dict[str, list[int]], repeat: int = 5):
    """SQL queries and ms of one submission, one at a time in this process (Django's client)."""
    from django.db import connection
    from django.test import Client as DjangoClient

    from courses.models import StepCompletion
    from quizzes import services
    from quizzes.models import Attempt

    counts, times = [], []
    client = DjangoClient(HTTP_ACCEPT_LANGUAGE="ro", HTTP_HOST=HOST)
    client.force_login(learner)
    for _ in range(repeat + 1):  # the first is a warm-up
        Attempt.objects.filter(learner=learner, quiz_key=quiz.translation_key).delete()
        StepCompletion.objects.filter(learner=learner, step_key=quiz.translation_key).delete()
        attempt = services.attempt_start(learner=learner, quiz=quiz)
        data = {f"q-{key}": [str(pk) for pk in answers[key]] for key in attempt.question_keys}
        queries: list[str] = []

        def counted(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            response = client.post(
                f"/ro/learning/quizzes/{quiz.pk}/attempts/{attempt.pk}/submit/", data
            )
            times.append(1000 * (time.perf_counter() - started))
        if response.status_code != 302:
            raise BenchmarkError(f"in-process submission gave {response.status_code}")
        counts.append(len(queries))
    return statistics.median(counts[1:]), statistics.median(times[1:])


def cleanup(quiz, learners, enrolled_before: set[int]) -> None:
    """Leave the database as seeded: no attempts, no quiz completion, no new enrolment."""
    from courses.models import Enrollment, StepCompletion
    from courses.services import progress_changed
    from quizzes.models import Attempt

    course_key = quiz.get_parent().translation_key
    Attempt.objects.filter(learner__in=learners, quiz_key=quiz.translation_key).delete()
    StepCompletion.objects.filter(learner__in=learners, step_key=quiz.translation_key).delete()
    Enrollment.objects.filter(learner__in=learners, course_key=course_key).exclude(
        learner_id__in=enrolled_before
    ).delete()
    # These deletes bypass courses.services: retire the learners' cached progress as it would.
    for learner in learners:
        progress_changed(learner_id=learner.pk, course_key=course_key)


def benchmark(args) -> dict:
    from courses.models import Enrollment
    from elearning.models import User

    deadline = time.monotonic() + args.time_limit
    quiz = find_quiz()
    answers = correct_choices(quiz)
    learners = [User.objects.get(email=learner_email(i)) for i in range(args.concurrency)]
    enrolled_before = set(
        Enrollment.objects.filter(
            learner__in=learners, course_key=quiz.get_parent().translation_key
        ).values_list("learner_id", flat=True)
    )
    VAR_DIR.mkdir(exist_ok=True)
    log_path = VAR_DIR / "gunicorn-quiz.log"
    server = start_server(args.port, args.workers, log_path)
    clients: list[Client] = []
    runs: dict[str, list[Run]] = {"minimal view": [], "quiz submission": []}
    in_flight: list[float] = []
    try:
        wait_until_ready(server, args.port, log_path)
        submitters = []
        for learner in learners:
            client = Client(args.port)
            client.login(learner.email)
            clients.append(client)
            submitters.append(Submitter(client, learner, quiz, answers))
        print(
            f"gunicorn: {args.workers} sync workers on {HOST}:{args.port}; "
            f"{args.concurrency} learners logged in; quiz {quiz.pk} {QUIZ_URL} "
            f"(draws {quiz.draw_count} of {len(answers)} questions)."
        )
        meter = CpuMeter(server.pid)
        load(clients, PING, check_ping, args.warmup, args.run_seconds, deadline, meter)
        load_submissions(submitters, args.warmup, args.run_seconds, deadline, meter)
        for number in range(1, args.runs + 1):
            ping = load(clients, PING, check_ping, args.requests, args.run_seconds, deadline, meter)
            quiz_run, flying = load_submissions(
                submitters, args.requests, args.run_seconds, deadline, meter
            )
            runs["minimal view"].append(ping)
            runs["quiz submission"].append(quiz_run)
            in_flight.append(flying)
            for label, run in (("minimal view", ping), ("quiz submission", quiz_run)):
                print(
                    f"run {number}  {label:<15} p50 {run.percentile(50):6.1f} ms  "
                    f"p95 {run.percentile(95):6.1f} ms  {run.throughput:5.0f} req/s  "
                    f"{len(run.latencies):3d} req  CPU cores: machine {run.machine_cpu:.2f}, "
                    f"gunicorn {run.server_cpu:.2f}, client {run.client_cpu:.2f}, rest "
                    f"{run.rest_cpu:.2f}" + ("" if run.clean else "  NOT CLEAN")
                )
            print(f"       submissions in flight on average: {flying:.1f}")
    finally:
        for client in clients:
            client.close()
        stop_server(server)
        try:
            cleanup(quiz, learners, enrolled_before)
        except Exception as exc:  # noqa: BLE001 - cleanup must not hide the run's own error
            print(f"Cleanup failed: {exc!r}", file=sys.stderr)
    queries, single_ms = queries_per_submission(quiz, learners[0], answers)
    cleanup(quiz, learners, enrolled_before)
    results = {
        label: {
            "p50_ms": statistics.median(r.percentile(50) for r in label_runs),
            "p95_ms": statistics.median(r.percentile(95) for r in label_runs),
            "req_per_s": statistics.median(r.throughput for r in label_runs),
            "requests": [len(r.latencies) for r in label_runs],
            "runs_not_clean": sum(not r.clean for r in label_runs),
            "runs": [
                {
                    "p50_ms": r.percentile(50),
                    "p95_ms": r.percentile(95),
                    "req_per_s": r.throughput,
                    "cpu_cores_machine": r.machine_cpu,
                    "cpu_cores_gunicorn": r.server_cpu,
                    "cpu_cores_client": r.client_cpu,
                    "clean": r.clean,
                }
                for r in label_runs
            ],
        }
        for label, label_runs in runs.items()
    }
    results["quiz submission"]["in_flight"] = in_flight
    results["quiz submission"]["queries_per_request"] = queries
    results["quiz submission"]["one_at_a_time_ms"] = single_ms
    return results


def main() -> int:
    args = common.parse_arguments(__doc__.split("\n\n")[0], requests=200, warmup=30, time_limit=180)
    setup_django()
    outcome = common.run_benchmark(benchmark, args)
    if isinstance(outcome, int):
        return outcome
    results, commit = outcome
    ping, quiz = results["minimal view"], results["quiz submission"]
    common.print_summary(results, args, show_paths=False)
    ratio = quiz["p50_ms"] / ping["p50_ms"]
    within = quiz["p50_ms"] <= BUDGET_P50_MS
    print(f"submission p50 / minimal view p50: {ratio:.1f}")
    print(
        f"one submission at a time, in process: {quiz['one_at_a_time_ms']:.1f} ms, "
        f"{quiz['queries_per_request']:.0f} SQL queries"
    )
    print(f"budget (submission p50 <= {BUDGET_P50_MS:.0f} ms): " + ("met" if within else "MISSED"))
    common.save_record(
        "quiz_submission.json",
        args=args,
        commit=commit,
        results=results,
        submission_to_minimal_p50=ratio,
        within_budget=within,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
