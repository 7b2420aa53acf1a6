"""Demo retention checks (what `make run` seeds), taken through the real services."""

from __future__ import annotations


def seed_demo_retention() -> int:
    """The report cohort's completed runs (reports.demo.seed_report_cohort) get the checks
    their age has reached (30 days, 180 days), invited and most of them taken through
    retention.services, so the Indicators report for Cluj shows retention at 30 and 180 days.
    Runs once; returns how many checks it made. The demo learner's own 30-day check comes from
    `manage.py send_retention_checks --today <completion + 30 days>` (README)."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import Enrollment
    from quizzes.selectors import live_quiz, quiz_answer_key

    from . import services
    from .models import CheckAge, RetentionCheck
    from .selectors import retention_pools

    if RetentionCheck.objects.filter(learner__email__startswith="cohorta-").exists():
        return 0
    pools = retention_pools()
    if not pools:
        return 0
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    now = timezone.now()
    made = 0
    runs = Enrollment.objects.filter(
        learner__email__startswith="cohorta-",
        completed_at__isnull=False,
        course_key__in=list(pools),
    ).order_by("pk")
    for run in runs:
        pool = pools[run.course_key]
        answer_key = quiz_answer_key(live_quiz(page_id=pool.pre_tests.get("ro")))
        for age in CheckAge.values:
            due = run.completed_at + timedelta(days=age)
            if due > now:
                continue
            check = services.check_claim(enrollment=run, age=age, pool=pool, now=due)
            if check is None:
                continue
            made += 1
            if rng.random() < 0.25:
                continue  # invited, never answered: the response rate is below 100 %
            # Memory fades: fewer right answers at 180 days than at 30.
            ability = (0.8 if age == CheckAge.DAYS_30 else 0.6) + 0.03 * (run.learner_id % 5)
            answers = {}
            for key in check.question_keys:
                choices = answer_key[key].choices
                right = [c.key for c in choices if c.is_correct]
                wrong = [c.key for c in choices if not c.is_correct]
                answers[key] = right if rng.random() < ability or not wrong else [wrong[0]]
            # Taken inside its window, as the learner would have.
            RetentionCheck.objects.filter(pk=check.pk).update(expires_at=now + timedelta(minutes=5))
            check.expires_at = now + timedelta(minutes=5)
            services.check_submit(check=check, answers=answers, questions=answer_key)
            RetentionCheck.objects.filter(pk=check.pk).update(
                submitted_at=due + timedelta(days=2),
                expires_at=due + timedelta(days=30 if age == CheckAge.DAYS_30 else 60),
            )
    return made
