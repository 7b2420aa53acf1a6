import secrets

from django.db import migrations, models

# certificates.credentials.status_lists.LIST_SIZE, as it was when this migration was written.
LIST_SIZE = 131_072


def assign_status_list_indexes(apps, schema_editor):
    """Every certificate issued before the digital credentials gets its place in the status
    lists, at random among the first lists (each filled at most half-way, as new ones are)."""
    Certificate = apps.get_model("certificates", "Certificate")
    pks = list(
        Certificate.objects.filter(status_list_index__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pks:
        return
    lists = len(pks) // (LIST_SIZE // 2) + 1
    taken = set(
        Certificate.objects.filter(status_list_index__isnull=False).values_list(
            "status_list_index", flat=True
        )
    )
    for pk in pks:
        while (index := secrets.randbelow(lists * LIST_SIZE)) in taken:
            pass
        taken.add(index)
        Certificate.objects.filter(pk=pk).update(status_list_index=index)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_certificate_runs_and_renewal"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="status_list_index",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                null=True,
                unique=True,
                verbose_name="status list index",
            ),
        ),
        migrations.RunPython(assign_status_list_indexes, migrations.RunPython.noop),
    ]
