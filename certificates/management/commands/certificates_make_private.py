"""Move certificate PDFs left in MEDIA_ROOT into the private storage (as migration 0002 did)."""

from django.core.management.base import BaseCommand

from certificates import services


class Command(BaseCommand):
    help = (
        "Move certificate PDFs still under MEDIA_ROOT into the private storage; safe to run "
        "again (after a deployment in which an old worker may have written one there)."
    )

    def handle(self, *args, **options):
        counts = services.certificate_files_make_private()
        self.stdout.write(
            "moved {moved}, already private {already_private}, missing {missing}".format(**counts)
        )
