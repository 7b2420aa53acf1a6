"""Send the retention checks due today (what beat does each morning), or on another day."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from retention import services


class Command(BaseCommand):
    help = (
        "Invite learners to the 30-day and 180-day retention checks due today; each check is "
        "claimed first, so running it again (or beside beat) sends nothing twice. --today "
        "moves time forward for a demonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to act as today (YYYY-MM-DD)")

    def handle(self, *args, **options):
        now = None
        if options["today"]:
            try:
                day = parse_date(options["today"])
            except ValueError:
                day = None
            if day is None:
                raise CommandError("--today takes a date: YYYY-MM-DD")
            now = services.moment_of(day)
        sent = services.retention_invitations_send(now=now)
        self.stdout.write(f"sent {sent} retention check invitations")
