"""Which accounts an activation link may still activate.

Until now a link worked for any inactive account, so an account an administrator deactivated
was reactivated by an old link. Existing accounts waiting for their confirmation are the
inactive ones that never logged in (activating logs in) and were not erased; an inactive
account that has logged in was deactivated by an administrator.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    User = apps.get_model("elearning", "User")
    User.objects.filter(is_active=False, last_login__isnull=True, erased_at__isnull=True).update(
        awaiting_activation=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("elearning", "0005_admin_language_in_step"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="awaiting_activation",
            field=models.BooleanField(default=False, verbose_name="awaiting e-mail confirmation"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
