"""Demo surveys for the demo report cohort (reports.demo.seed_report_cohort): end-of-course
answers for a good share of its completed runs and follow-up answers for runs completed more
than 90 days ago, all through the services, so the Indicators report for Cluj shows
satisfaction and application (and "< 5" where a group is small)."""

COMMENTS = [
    "Studiile de caz au fost foarte utile.",
    "Aș vrea mai multe exemple despre mediul online.",
    "Clar și bine structurat.",
    "Mi-ar fi util un rezumat de o pagină pentru colegi.",
]
FOLLOW_UP_COMMENTS = [
    "Am discutat cu colegii despre indicatori la o ședință.",
    "Am folosit lista de contacte pentru a afla cui să mă adresez.",
]


def seed_demo_surveys() -> int:
    """Answers for the cohort's runs; runs once. Returns how many answers it stored."""
    import random

    from django.utils import timezone

    from courses.models import Enrollment

    from . import services
    from .models import SurveyInvitation, SurveyKind

    cohort = Enrollment.objects.filter(
        learner__email__startswith="cohorta-", completed_at__isnull=False
    )
    if SurveyInvitation.objects.filter(enrollment__in=cohort, answered_at__isnull=False).exists():
        return 0
    now = timezone.now()
    for run in cohort:
        services.invitations_create(
            learner_id=run.learner_id,
            course_key=run.course_key,
            run=run.run,
            completed_at=run.completed_at,
            now=now,
        )
    services.follow_ups_send(now=now)
    rng = random.Random(17)  # noqa: S311 - demo data, not security
    stored = 0
    invitations = SurveyInvitation.objects.filter(
        enrollment__in=cohort, sent_at__isnull=False, answered_at__isnull=True
    ).order_by("pk")
    for invitation in invitations:
        if invitation.kind == SurveyKind.REACTION:
            if rng.random() > 0.75:
                continue
            base = rng.choice([3, 4, 4, 5, 5])
            answers = {
                name: max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
                for name in ("relevance", "clarity", "confidence", "recommend")
            }
            answers["comment"] = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
            services.reaction_answer_record(invitation=invitation, answers=answers)
        else:
            if rng.random() > 0.6:
                continue
            services.follow_up_answer_record(
                invitation=invitation,
                answers={
                    "noticed_indicators": rng.random() < 0.4,
                    "conversations": rng.choice([0, 0, 1, 2, 3]),
                    "used_directory": rng.random() < 0.3,
                    "notifications": rng.choice([0, 0, 0, 1]),
                    "comment": rng.choice(FOLLOW_UP_COMMENTS) if rng.random() < 0.2 else "",
                },
            )
        stored += 1
    return stored
