"""Send the 90-day follow-up invitations that are due now (what beat does each morning).
`--today` moves time forward, so the demo can show a follow-up arriving."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys import services


class Command(BaseCommand):
    help = (
        "Send the follow-up survey invitations that are due; each is claimed first, so running "
        "it again (or beside beat) sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD), to move time forward in the demo.",
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["today"]:
            try:
                day = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date written YYYY-MM-DD") from None
            now = timezone.make_aware(
                datetime.datetime.combine(day, timezone.localtime(now).time())
            )
        sent = services.follow_ups_send(now=now)
        self.stdout.write(f"sent {sent} follow-up invitations")
