"""Latency of the quiz submission (the POST that grades an attempt), next to a minimal view.

Serves the site with gunicorn (production settings, PostgreSQL, Redis) on 127.0.0.1 exactly as
benchmarks/lesson_page.py does, and runs a closed loop at concurrency 8 that submits the teachers'
final quiz. Every submission is a different seeded learner with a fresh attempt: before each run,
untimed, the script picks that many learners, starts an attempt for each through
quizzes.services.attempt_start and gives each a session and a CSRF token, all in this process;
during the run the threads only send the POSTs. Every drawn question is answered with all its
correct choices, so every attempt passes (score 100) and records the step as complete. Run from
the project folder:

    .venv/bin/python -m benchmarks.quiz_submission

See benchmarks/README.md for the set-up and the figures.
"""

from __future__ import annotations

import http.client
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from benchmarks import common
from benchmarks.common import (
    HOST,
    PING,
    VAR_DIR,
    BenchmarkError,
    CpuMeter,
    Run,
    stop_server,
    summarise_runs,
    wait_until_ready,
)
from benchmarks.lesson_page import Client, check_ping, load, start_server
from benchmarks.seed import EMAIL_DOMAIN

QUIZ_URL = "/ro/cursuri/teachers/final-quiz/"
BUDGET_P50_MS = 80.0
IN_PROCESS_REPEAT = 5  # submissions timed one at a time in this process, after one warm-up


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


def pick_learners(quiz, count: int) -> list:
    """`count` seeded learners enrolled in the quiz's course, each of whom passing the quiz
    leaves at least one lesson short of completing the course, with no attempt at this quiz.

    So every submission runs the step-completion path and none completes the course (which
    would issue a certificate: another benchmark's subject). Learners in order of id, so two
    runs use the same ones.
    """
    from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery

    from accounts.models import User
    from courses.models import Enrollment, StepCompletion
    from courses.selectors import course_step_links
    from quizzes.models import Attempt

    course = quiz.get_parent().specific
    links = course_step_links(course=course)
    required = [link.translation_key for link in links if link.counts_for_completion]
    # Within the learner's current run (issue 16: a third of them have two earlier runs, with
    # attempts at this quiz).
    done = (
        StepCompletion.objects.filter(
            learner=OuterRef("learner"),
            course_key=course.translation_key,
            run=OuterRef("run"),
            step_key__in=required,
        )
        .values("learner")
        .annotate(n=Count("*"))
        .values("n")
    )
    in_this_run = {"learner": OuterRef("learner"), "run": OuterRef("run")}
    learner_ids = list(
        Enrollment.objects.filter(
            course_key=course.translation_key,
            current=True,
            completed_at__isnull=True,
            learner__email__endswith=f"@{EMAIL_DOMAIN}",
        )
        .annotate(done=Subquery(done, output_field=IntegerField()))
        .filter(Q(done__isnull=True) | Q(done__lt=len(required) - 1))
        .exclude(Exists(Attempt.objects.filter(quiz_key=quiz.translation_key, **in_this_run)))
        .exclude(
            Exists(StepCompletion.objects.filter(step_key=quiz.translation_key, **in_this_run))
        )
        .order_by("learner_id")
        .values_list("learner_id", flat=True)[:count]
    )
    if len(learner_ids) < count:
        raise BenchmarkError(
            f"only {len(learner_ids)} seeded learners can take the quiz, {count} needed: "
            "ask for fewer requests or runs"
        )
    learners = User.objects.in_bulk(learner_ids)
    return [learners[pk] for pk in learner_ids]


@dataclass
class Submission:
    """One learner's POST, ready to send: their session and CSRF cookies, a fresh attempt."""

    learner_id: int
    attempt_id: int
    path: str
    body: str
    cookie: str
    session_key: str
    expected_location: str


def prepare(quiz, learners, answers: dict[str, list[int]]) -> list[Submission]:
    """For each learner, untimed: a fresh attempt (quizzes.services.attempt_start), a session as
    logging in would store it, and a CSRF cookie and masked token as the quiz page would give.

    The session is written through the session engine (`cached_db`: the database and the
    cache gunicorn reads), without the login form: 0.3 s of password hashing per learner would
    make the preparation of a run take minutes. Nothing here changes the learner's row.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.http import HttpRequest
    from django.middleware.csrf import get_token

    from quizzes import services

    backend = settings.AUTHENTICATION_BACKENDS[0]
    submissions = []
    for learner in learners:
        attempt = services.attempt_start(learner=learner, quiz=quiz)
        session = SessionStore()
        session[SESSION_KEY] = str(learner.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
        session.create()
        request = HttpRequest()
        token = get_token(request)  # masked, as {% csrf_token %} writes it
        fields = [("csrfmiddlewaretoken", token)]
        for key in attempt.question_keys:
            fields.extend((f"q-{key}", str(pk)) for pk in answers[key])
        submissions.append(
            Submission(
                learner_id=learner.pk,
                attempt_id=attempt.pk,
                path=f"/ro/learning/quizzes/{quiz.pk}/attempts/{attempt.pk}/submit/",
                body=urlencode(fields),
                cookie=(
                    f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                    f"{settings.CSRF_COOKIE_NAME}={request.META['CSRF_COOKIE']}"
                ),
                session_key=session.session_key,
                expected_location=f"/{quiz.pk}/attempts/{attempt.pk}/",
            )
        )
    return submissions


def post(connection: http.client.HTTPConnection, port: int, submission: Submission):
    """Send one submission; the status, Location, body and elapsed seconds."""
    origin = f"http://{HOST}:{port}"
    headers = {
        "Accept-Language": "ro",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": origin + QUIZ_URL,
        "Origin": origin,
        "Cookie": submission.cookie,
    }
    started = time.perf_counter()
    connection.request("POST", submission.path, body=submission.body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - started
    return response.status, response.headers.get("Location", ""), content, elapsed


def verify(quiz, submissions: list[Submission]) -> None:
    """Every submission sent is stored submitted and passed, with its step completion."""
    from django.db.models import Exists, OuterRef

    from courses.models import Enrollment, StepCompletion
    from quizzes.models import Attempt, AttemptStatus

    graded = Attempt.objects.filter(
        pk__in=[s.attempt_id for s in submissions],
        status=AttemptStatus.SUBMITTED,
        passed=True,
        score=100,
    ).count()
    # In the learners' current runs (earlier runs hold seeded completions of this quiz).
    current = Enrollment.objects.filter(
        learner=OuterRef("learner"), course_key=OuterRef("course_key"), run=OuterRef("run")
    ).filter(current=True)
    completed = StepCompletion.objects.filter(
        Exists(current),
        learner_id__in=[s.learner_id for s in submissions],
        step_key=quiz.translation_key,
    ).count()
    if graded != len(submissions) or completed != len(submissions):
        raise BenchmarkError(
            f"of {len(submissions)} submissions, {graded} attempts are stored submitted and "
            f"passed and {completed} step completions exist"
        )


def load_submissions(
    port: int,
    concurrency: int,
    submissions: list[Submission],
    seconds: float,
    deadline: float,
    meter: CpuMeter,
) -> tuple[Run, list[Submission]]:
    """A closed loop: `concurrency` threads each send the next prepared submission as soon as
    their last one returns, until all are sent or `seconds` have passed. Only POSTs are sent
    (one connection per thread; gunicorn's sync workers close it after each response, and
    http.client opens the next). Returns the run and the submissions sent."""
    stop_at = min(time.monotonic() + seconds, deadline)
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    failures: list[str] = []
    barrier = threading.Barrier(concurrency + 1)

    def work() -> None:
        nonlocal issued
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        barrier.wait()
        try:
            while True:
                with lock:
                    if issued >= len(submissions) or failures or time.monotonic() > stop_at:
                        return
                    submission = submissions[issued]
                    issued += 1
                status, location, body, elapsed = post(connection, port, submission)
                if status != 302 or not location.endswith(submission.expected_location):
                    failures.append(
                        f"{submission.path}: status {status} {location!r} {body[:300]!r}"
                    )
                    return
                with lock:
                    latencies.append(elapsed)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{submission.path}: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
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
    run = Run.measured(latencies, wall, meter)
    return run, submissions[:issued]


def in_process(quiz, submissions: list[Submission]) -> tuple[float, float]:
    """SQL statements and ms of one submission at a time in this process (Django's test client
    with CSRF checks on, the same prepared sessions): medians after the first (a warm-up)."""
    from django.db import connection
    from django.test import Client as DjangoClient

    counts, times = [], []
    # One client, so the handler (and its middleware) is built once, as in a gunicorn worker.
    client = DjangoClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ro", HTTP_HOST=HOST)
    for submission in submissions:
        client.cookies.clear()
        for pair in submission.cookie.split("; "):
            name, value = pair.split("=", 1)
            client.cookies[name] = value
        statements: list[str] = []

        def counted(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            response = client.post(
                submission.path,
                submission.body,
                content_type="application/x-www-form-urlencoded",
                HTTP_REFERER=f"http://{HOST}{QUIZ_URL}",
            )
            times.append(1000 * (time.perf_counter() - started))
        if response.status_code != 302:
            raise BenchmarkError(f"in-process submission gave {response.status_code}")
        counts.append(len(statements))
    return statistics.median(counts[1:]), statistics.median(times[1:])


def cleanup(quiz, learners, sessions: list[str]) -> None:
    """Leave the database as seeded: no attempts at this quiz, no quiz completion, no session
    of ours. The learners were enrolled already, so no enrolment was created."""
    from django.conf import settings
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session
    from django.core.cache import caches
    from django.db.models import Exists, OuterRef

    from courses.models import Enrollment, StepCompletion
    from courses.services import progress_changed
    from quizzes.models import Attempt

    course_key = quiz.get_parent().translation_key
    # Only the current runs' rows: the earlier runs' attempts and completions are seeded data.
    current = Enrollment.objects.filter(
        learner=OuterRef("learner"), course_key=course_key, run=OuterRef("run"), current=True
    )
    Attempt.objects.filter(
        Exists(current), learner__in=learners, quiz_key=quiz.translation_key
    ).delete()
    StepCompletion.objects.filter(
        Exists(current), learner__in=learners, step_key=quiz.translation_key
    ).delete()
    Session.objects.filter(session_key__in=sessions).delete()
    caches[settings.SESSION_CACHE_ALIAS].delete_many([KEY_PREFIX + key for key in sessions])
    # These deletes bypass courses.services: retire the learners' cached progress as it would.
    for learner in learners:
        progress_changed(learner_id=learner.pk, course_key=course_key)


def serve_and_load(args, quiz, answers, batches, ready, deadline, log_path) -> dict:
    """gunicorn up, the warm-up and the runs (each batch prepared just before it), gunicorn
    stopped: the runs per label."""
    runs: dict[str, list[Run]] = {"minimal view": [], "quiz submission": []}
    clients: list[Client] = []
    from django.conf import settings

    # The sessions are signed with the secret key: gunicorn must have this process's.
    server = start_server(args.port, args.workers, log_path, secret_key=settings.SECRET_KEY)
    try:
        wait_until_ready(server, args.port, log_path)
        warmup = ready(batches[0])
        # The minimal view's clients carry sessions too, as the lesson benchmark's do.
        for submission in warmup[: args.concurrency]:
            client = Client(args.port)
            for pair in submission.cookie.split("; "):
                name, value = pair.split("=", 1)
                client.cookies[name] = value
            clients.append(client)
        print(
            f"gunicorn: {args.workers} sync workers on {HOST}:{args.port}; concurrency "
            f"{args.concurrency}; quiz {quiz.pk} {QUIZ_URL} (draws {quiz.draw_count} of "
            f"{len(answers)} questions); one learner per submission."
        )
        meter = CpuMeter(server.pid)
        load(clients, PING, check_ping, args.warmup, args.run_seconds, deadline, meter)
        _run, sent = load_submissions(
            args.port, args.concurrency, warmup, args.run_seconds, deadline, meter
        )
        verify(quiz, sent)
        for number, batch in enumerate(batches[1:], start=1):
            submissions = ready(batch)
            ping = load(clients, PING, check_ping, args.requests, args.run_seconds, deadline, meter)
            quiz_run, sent = load_submissions(
                args.port, args.concurrency, submissions, args.run_seconds, deadline, meter
            )
            verify(quiz, sent)
            runs["minimal view"].append(ping)
            runs["quiz submission"].append(quiz_run)
            print(ping.line(number, "minimal view"))
            print(quiz_run.line(number, "quiz submission"))
    finally:
        for client in clients:
            client.close()
        stop_server(server)
    return runs


def benchmark(args) -> dict:
    deadline = time.monotonic() + args.time_limit
    quiz = find_quiz()
    answers = correct_choices(quiz)
    # One learner per submission: the warm-up, every run, and the in-process measure.
    learners = pick_learners(quiz, args.warmup + args.runs * args.requests + IN_PROCESS_REPEAT + 1)
    batches = [learners[: args.warmup]]
    for number in range(args.runs):
        start = args.warmup + number * args.requests
        batches.append(learners[start : start + args.requests])
    in_process_learners = learners[args.warmup + args.runs * args.requests :]
    VAR_DIR.mkdir(exist_ok=True)
    log_path = VAR_DIR / "gunicorn-quiz.log"
    sessions: list[str] = []

    def ready(batch) -> list[Submission]:
        started = time.perf_counter()
        submissions = prepare(quiz, batch, answers)
        sessions.extend(s.session_key for s in submissions)
        print(
            f"       {len(submissions)} submissions prepared in "
            f"{time.perf_counter() - started:.1f} s (untimed)"
        )
        return submissions

    try:
        runs = serve_and_load(args, quiz, answers, batches, ready, deadline, log_path)
        statements, single_ms = in_process(quiz, ready(in_process_learners))
    finally:
        try:
            cleanup(quiz, learners, sessions)
        except Exception as exc:  # noqa: BLE001 - cleanup must not hide the run's own error
            print(f"Cleanup failed: {exc!r}", file=sys.stderr)
    results = {label: summarise_runs(label_runs) for label, label_runs in runs.items()}
    results["quiz submission"]["queries_per_request"] = statements
    results["quiz submission"]["one_at_a_time_ms"] = single_ms
    return results


def main() -> int:
    args = common.parse_arguments(__doc__.split("\n\n")[0], requests=200, warmup=30, time_limit=180)
    common.setup_django()
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
        f"gunicorn CPU per submission: {quiz['server_cpu_ms_per_request']:.1f} ms "
        f"(minimal view {ping['server_cpu_ms_per_request']:.1f} ms)"
    )
    print(
        f"one submission at a time, in process: {quiz['one_at_a_time_ms']:.1f} ms, "
        f"{quiz['queries_per_request']:.0f} SQL statements"
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
