from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_retakes_revealed(apps, schema_editor):
    """Whether a learner saw an earlier attempt's review was never recorded, and the review
    policy may have changed since: every attempt that followed a submitted one of the same quiz
    is taken as revealed (conservative: the impact figures then leave it out). Only first
    attempts, and attempts that followed expired ones alone, stay unrevealed."""
    Attempt = apps.get_model("quizzes", "Attempt")
    earlier = Attempt.objects.filter(
        learner=OuterRef("learner"),
        quiz_key=OuterRef("quiz_key"),
        number__lt=OuterRef("number"),
        status="submitted",
    )
    Attempt.objects.filter(Exists(earlier)).update(answers_revealed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="answers_revealed",
            field=models.BooleanField(
                default=False, verbose_name="correct answers seen before this attempt"
            ),
        ),
        migrations.RunPython(mark_retakes_revealed, migrations.RunPython.noop),
    ]
