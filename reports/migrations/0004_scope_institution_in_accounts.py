"""A coordinator's scope points at the institution, which moved to `accounts` with its table
(accounts/migrations/0001_initial.py): Django's state follows, the column does not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("reports", "0003_report_access_permission"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="coordinatorscope",
                    name="institution",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.institution",
                        verbose_name="institution",
                    ),
                ),
            ],
        ),
    ]
