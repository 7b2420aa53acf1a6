"""Certificate PDFs hold personal data: they move from MEDIA_ROOT (served to anyone who knows the
address) into the private storage, which only the download view hands out."""

from django.db import migrations, models

import elearning.infrastructure.private_files


def move_files_to_private_storage(apps, schema_editor):
    from certificates.services import certificate_files_make_private

    certificate_files_make_private(model=apps.get_model("certificates", "Certificate"))


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="pdf",
            field=models.FileField(
                blank=True,
                storage=elearning.infrastructure.private_files.private_storage,
                upload_to="certificates/",
                verbose_name="PDF",
            ),
        ),
        # Backwards, the files stay private: nothing public is recreated.
        migrations.RunPython(move_files_to_private_storage, migrations.RunPython.noop),
    ]
