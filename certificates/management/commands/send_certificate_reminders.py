"""Queue the certificate reminders that are due now (what beat does each morning)."""

from django.core.management.base import BaseCommand

from certificates import services


class Command(BaseCommand):
    help = (
        "Queue the expiry and re-certification reminders due now; each is claimed first, so "
        "running it again (or beside beat) sends nothing twice. `make run` runs it on start."
    )

    def handle(self, *args, **options):
        expiring = services.expiry_reminders_send()
        recertification = services.renewal_reminders_send()
        self.stdout.write(
            f"queued {expiring} expiry and {recertification} re-certification reminders"
        )
