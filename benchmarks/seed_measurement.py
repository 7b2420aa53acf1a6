"""Seed the measurement data of issue 17 on top of the reports benchmark's database
(benchmarks/seed_reports.py: 10,000 learners, 1,000,000 completions): 50,000 matched pre/post
pairs (a pre-test and a post-test attempt drawn from the same pool, in first runs that were
completed) and, when the apps are there, 20,000 survey answers and retention checks.

Rows are bulk-inserted (what the services would write, without the page tree: the pairs use
one pool key per course, as a matched pre-test would give them). Idempotent: a second run finds
them and stops; `--reset` seeds them again.

    BENCH_REPORTS_DATABASE=... REDIS_URL=... .venv/bin/python -m benchmarks.seed_measurement
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from benchmarks.common import setup_django
from benchmarks.seed_reports import DATABASE_NAME, configure_environment

PAIRS = 50_000
SURVEY_ANSWERS = 20_000
NAMESPACE = uuid.UUID("0b5e1a52-3c1d-4f7e-9a0c-6d2f8e4b7a10")
BATCH = 5_000


def pool_keys(course_key) -> tuple[uuid.UUID, uuid.UUID]:
    """The benchmark's pre-test and post-test keys of a course (stable)."""
    return uuid.uuid5(NAMESPACE, f"pre-{course_key}"), uuid.uuid5(NAMESPACE, f"post-{course_key}")


def seed_pairs(rng: random.Random, runs: list) -> int:
    """Each run's first pre-test and post-test attempts, and the pair grading fixes
    (quizzes.models.MeasuredPair): what the knowledge-gain aggregates read."""
    from quizzes.models import Attempt, AttemptStatus, MeasuredPair

    attempts, scores = [], []
    for _enrollment_id, learner_id, course_key, completed_at in runs:
        pre_key, post_key = pool_keys(course_key)
        pre = rng.randint(10, 80)
        post = min(100, max(0, pre + rng.randint(-10, 50)))
        scores.append((pre, post))
        for quiz_key, score, when in (
            (pre_key, pre, completed_at - timedelta(days=7)),
            (post_key, post, completed_at),
        ):
            attempts.append(
                Attempt(
                    learner_id=learner_id,
                    quiz_key=quiz_key,
                    course_key=course_key,
                    run=1,
                    number=1,
                    status=AttemptStatus.SUBMITTED,
                    started_at=when,
                    submitted_at=when,
                    score=Decimal(score),
                    passed=True,
                    pool_key=pre_key,
                )
            )
    # PostgreSQL returns the new ids; the pairs point at them.
    Attempt.objects.bulk_create(attempts, batch_size=BATCH)
    pairs = [
        MeasuredPair(
            enrollment_id=enrollment_id,
            learner_id=learner_id,
            course_key=course_key,
            run=1,
            pool_key=pool_keys(course_key)[0],
            pre_attempt_id=attempts[2 * i].pk,
            post_attempt_id=attempts[2 * i + 1].pk,
            pre_score=Decimal(pre),
            post_score=Decimal(post),
        )
        for i, ((enrollment_id, learner_id, course_key, _when), (pre, post)) in enumerate(
            zip(runs, scores, strict=True)
        )
    ]
    MeasuredPair.objects.bulk_create(pairs, batch_size=BATCH)
    return len(pairs)


def seed_survey_answers(rng: random.Random, runs: list) -> int:
    """SURVEY_ANSWERS answers to the surveys: an end-of-course answer for two runs in three, a
    90-day follow-up for the third, each with its sent invitation (and a few invited who did not
    answer), as the surveys app stores them."""
    from surveys.models import FollowUpAnswer, ReactionAnswer, SurveyInvitation, SurveyKind

    invitations, answers = [], []
    for i, (enrollment_id, _learner, _course, completed_at) in enumerate(runs):
        follow_up = i % 3 == 2
        sent = completed_at + timedelta(days=90 if follow_up else 0)
        answered = len(answers) < SURVEY_ANSWERS and i % 10 != 9  # 90 % answer
        invitation = SurveyInvitation(
            kind=SurveyKind.FOLLOW_UP if follow_up else SurveyKind.REACTION,
            enrollment_id=enrollment_id,
            token=uuid.uuid5(NAMESPACE, f"survey-{enrollment_id}").hex,
            created_at=completed_at,
            due_at=sent,
            sent_at=sent,
            expires_at=sent + timedelta(days=60),
            answered_at=sent + timedelta(days=2) if answered else None,
        )
        invitations.append(invitation)
        if not answered:
            continue
        if follow_up:
            answers.append(
                FollowUpAnswer(
                    invitation=invitation,
                    noticed_indicators=rng.random() < 0.5,
                    conversations=rng.choice((0, 0, 1, 2, 3)),
                    used_directory=rng.random() < 0.3,
                    notifications=rng.choice((0, 0, 0, 1)),
                )
            )
        else:
            answers.append(
                ReactionAnswer(
                    invitation=invitation,
                    relevance=rng.randint(2, 5),
                    clarity=rng.randint(3, 5),
                    confidence=rng.randint(2, 5),
                    recommend=rng.randint(3, 5),
                )
            )
        if len(answers) >= SURVEY_ANSWERS:
            break
    SurveyInvitation.objects.bulk_create(invitations, batch_size=BATCH)
    ReactionAnswer.objects.bulk_create(
        [a for a in answers if isinstance(a, ReactionAnswer)], batch_size=BATCH
    )
    FollowUpAnswer.objects.bulk_create(
        [a for a in answers if isinstance(a, FollowUpAnswer)], batch_size=BATCH
    )
    return len(answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    configure_environment()
    setup_django(database=DATABASE_NAME)
    from django.db import transaction

    from courses.models import Enrollment
    from quizzes.models import Attempt
    from surveys.models import SurveyInvitation

    started = time.monotonic()
    rng = random.Random(17)  # noqa: S311 - reproducible test data
    with transaction.atomic():
        if args.reset:
            # The pairs go with their attempts (on delete cascade).
            Attempt.objects.filter(pool_key__isnull=False).delete()
            SurveyInvitation.objects.all().delete()
        if Attempt.objects.filter(pool_key__isnull=False).count() >= 2 * PAIRS and not args.reset:
            print("Pairs already seeded.")
        else:
            runs = list(
                # The demo's runs have their pairs and surveys already (seed_demo).
                Enrollment.objects.filter(
                    run=1,
                    completed_at__isnull=False,
                    measured_pair__isnull=True,
                    survey_invitations__isnull=True,
                )
                .order_by("pk")
                .values_list("pk", "learner_id", "course_key", "completed_at")[:PAIRS]
            )
            print(f"Seeded {seed_pairs(rng, runs)} matched pre/post pairs.")
            print(f"Seeded {seed_survey_answers(rng, runs)} survey answers.")
    print(f"Done in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
