"""Item analysis of a quiz with 50,000 first attempts (issue 17: ≤ 2 s).

Runs against a database already migrated and seeded (`manage.py migrate && manage.py
seed_demo`, with DATABASE_URL naming a database of its own). Adds, with bulk inserts, 50,000
learners, each with one submitted first attempt at the teachers' final quiz and one
`ItemResponse` per question (answers drawn from a simple item-response model), then times
`evaluation.item_analysis.quiz_item_analysis` (the questions cached, as on a warm server):
the median of several runs, and the number of queries.

    DATABASE_URL=sqlite:////tmp/bench-items.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench-items.sqlite3 .venv/bin/python manage.py seed_demo
    DATABASE_URL=sqlite:////tmp/bench-items.sqlite3 .venv/bin/python -m benchmarks.item_analysis
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from decimal import Decimal

BATCH = 5000


def seed(quiz, attempts: int, rng: random.Random) -> None:
    from accounts.models import User
    from quizzes.models import Attempt, AttemptStatus, ItemResponse
    from quizzes.selectors import questions_by_key

    questions = list(questions_by_key(quiz).values())
    course_key = quiz.get_parent().translation_key
    difficulty = {str(q.key): rng.uniform(-1.5, 1.2) for q in questions}
    start = User.objects.count()
    for offset in range(0, attempts, BATCH):
        size = min(BATCH, attempts - offset)
        users = User.objects.bulk_create(
            User(email=f"bench-items-{start + offset + n}@example.org", full_name="Bench")
            for n in range(size)
        )
        rows, responses = [], []
        for user in users:
            ability = rng.gauss(0.5, 1.0)
            credits, picks = {}, {}
            for q in questions:
                choices = list(q.choices.all())
                chance = 1 / (1 + math.exp(-1.3 * (ability - difficulty[str(q.key)])))
                right = rng.random() < chance
                positions = [p for p, c in enumerate(choices) if c.is_correct == right] or [0]
                picks[str(q.key)] = sum(1 << p for p in positions[: 1 if not right else 9])
                credits[str(q.key)] = Decimal(1 if right else 0)
            score = 100 * sum(credits.values()) / len(questions)
            rows.append(
                Attempt(
                    learner=user,
                    quiz_key=quiz.translation_key,
                    course_key=course_key,
                    run=1,
                    number=1,
                    page=quiz,
                    status=AttemptStatus.SUBMITTED,
                    question_keys=list(credits),
                    score=Decimal(score).quantize(Decimal("0.01")),
                    passed=score >= quiz.pass_mark,
                )
            )
            responses.append((user, credits, picks))
        Attempt.objects.bulk_create(rows, batch_size=BATCH)
        ItemResponse.objects.bulk_create(
            (
                ItemResponse(
                    attempt=attempt,
                    learner=user,
                    quiz_key=quiz.translation_key,
                    course_key=course_key,
                    question_key=key,
                    credit=credit,
                    selected=picks[key],
                )
                for attempt, (user, credits, picks) in zip(rows, responses, strict=True)
                for key, credit in credits.items()
            ),
            batch_size=BATCH,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Sum
    from django.test.utils import CaptureQueriesContext

    from evaluation.item_analysis import counted_attempts, quiz_item_analysis
    from quizzes.models import ItemResponse, QuizKind, QuizPage

    quiz = (
        QuizPage.objects.filter(kind=QuizKind.FINAL, locale__language_code="ro")
        .order_by("pk")
        .first()
    )
    if quiz is None:
        sys.exit("No final quiz: run manage.py seed_demo first.")
    have = counted_attempts(quiz.translation_key).count()
    if have < args.attempts:
        started = time.perf_counter()
        seed(quiz, args.attempts - have, random.Random(17))  # noqa: S311 - seeded test data
        print(f"seeded {args.attempts - have} attempts in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        # Fresh bulk inserts have no planner statistics until autovacuum comes by; without them
        # PostgreSQL plans nested loops over 600,000 answers and the query runs for minutes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    quiz_item_analysis(quiz=quiz, language="ro")  # the questions into the cache
    times, references = [], []
    for _n in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            analysis = quiz_item_analysis(quiz=quiz, language="ro")
            times.append(time.perf_counter() - started)
        # The reference, in the same run: one plain pass over the quiz's answers (count and
        # sum of credit), the least any analysis of them must read.
        started = time.perf_counter()
        ItemResponse.objects.filter(quiz_key=quiz.translation_key).aggregate(
            n=Count("pk"), credit=Sum("credit")
        )
        references.append(time.perf_counter() - started)
    median, reference = statistics.median(times), statistics.median(references)
    print(
        f"{connection.vendor}: n={analysis.n}, {len(analysis.items)} questions, "
        f"alpha={analysis.alpha and round(analysis.alpha, 3)}, {len(queries)} queries; "
        f"median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s over "
        f"{args.runs} runs; reference (one pass over the answers) {reference:.3f} s, "
        f"ratio {median / reference:.1f}"
    )


if __name__ == "__main__":
    main()
