"""The bulk enrolment e-mail tasks took the code's one spelling (enrollment): outbox rows that
still name them the old way are renamed, so they are sent under the name the workers know."""

from django.db import migrations

RENAMED = {
    "reports.tasks.send_enrolment_invitation": "reports.tasks.send_enrollment_invitation",
    "reports.tasks.send_enrolment_elsewhere_notice": (
        "reports.tasks.send_enrollment_elsewhere_notice"
    ),
}


def rename(apps, schema_editor, *, names: dict) -> None:
    PendingTask = apps.get_model("elearning", "PendingTask")
    db = schema_editor.connection.alias
    for old, new in names.items():
        PendingTask.objects.using(db).filter(task=old).update(task=new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, names=RENAMED)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, names={new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("elearning", "0007_accounts_moved_out"),
        ("reports", "0004_scope_institution_in_accounts"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
