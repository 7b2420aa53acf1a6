"""Exports move into the private storage that certificates share (one setting puts both on
object storage): their names gain the "exports/" folder they already had on disk."""

from django.db import migrations, models

import elearning.infrastructure.private_files


def prefix_export_names(apps, schema_editor):
    """Idempotent: a name that already starts with "exports/" is left alone. With the default
    private storage (a folder at PRIVATE_FILES_ROOT) the file is already where its new name
    says; another backend gets a copy of it."""
    from django.core.files.storage import storages

    from reports.models import export_storage

    ExportJob = apps.get_model("reports", "ExportJob")
    old, private = export_storage(), storages["private"]
    jobs = ExportJob.objects.exclude(file="").exclude(file__startswith="exports/")
    for pk, name in jobs.values_list("pk", "file").iterator():
        new_name = f"exports/{name}"
        if not private.exists(new_name) and old.exists(name):
            with old.open(name, "rb") as handle:
                new_name = private.save(new_name, handle)
            old.delete(name)
        ExportJob.objects.filter(pk=pk).update(file=new_name)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exportjob",
            name="file",
            field=models.FileField(
                blank=True,
                storage=elearning.infrastructure.private_files.private_storage,
                upload_to="exports/%Y/%m/",
            ),
        ),
        migrations.RunPython(prefix_export_names, migrations.RunPython.noop),
    ]
