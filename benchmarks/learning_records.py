"""The xAPI backfill: statements built (and queued) per second for 10,000 events.

Seeds a throwaway SQLite database (migrated here) with one bilingual course of 20 lessons and
500 learners of an institution that shares learning records, each with 20 completed steps
(10,000 step completions), then times `learning_records.services.statements_backfill` twice:
the first run builds and queues 10,000 statements (plus the registrations and visits), the
second builds them again and queues nothing (idempotent). Run from the project folder:

    .venv/bin/python -m benchmarks.learning_records

See benchmarks/README.md, "Issue 20: xAPI".
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta

LEARNERS, LESSONS = 500, 20


def main() -> None:
    folder = tempfile.mkdtemp(prefix="xapi-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "elearning.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accounts.models import Institution, User
    from courses.models import StepCompletion
    from elearning import demo
    from learning_records import services
    from learning_records.models import Statement
    from tests.courses.factories import lessons_of, make_course

    demo.seed_site()
    course = make_course(lessons=LESSONS, slug="bench", title="Curs de măsurat")
    lessons = lessons_of(course)
    institution = Institution.objects.create(
        name="Școala de măsurat", type="school", county="CJ", share_learning_records=True
    )
    User.objects.bulk_create(
        [
            User(email=f"b{n}@example.org", full_name=f"B {n}", institution=institution)
            for n in range(LEARNERS)
        ]
    )
    now = timezone.now()
    StepCompletion.objects.bulk_create(
        [
            StepCompletion(
                learner=learner,
                course_key=course.translation_key,
                step_key=lesson.translation_key,
                completed_at=now - timedelta(minutes=n),
            )
            for learner in User.objects.filter(institution=institution)
            for n, lesson in enumerate(lessons)
        ]
    )
    with override_settings(XAPI_LRS_ENDPOINT="http://127.0.0.1:9/xAPI"):
        for label in ("first run (builds and queues)", "second run (builds, queues nothing)"):
            started = time.perf_counter()
            result = services.statements_backfill(start=now - timedelta(days=1), end=now)
            seconds = time.perf_counter() - started
            print(
                f"{label}: {result.built} statements built, {result.queued} queued in "
                f"{seconds:.2f} s = {result.built / seconds:,.0f} statements/s"
            )
    print(f"outbox: {Statement.objects.count()} statements")


if __name__ == "__main__":
    main()
