"""Send the retention checks due today (what beat does each morning), or on another day."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from retention import services

# Far enough for a 180-day check, near enough that a typo is not taken for a plan.
MAX_DAYS_AHEAD = 400


class Command(BaseCommand):
    help = (
        "Invite learners to the 30-day and 180-day retention checks due today; each check is "
        "claimed first, so running it again (or beside beat) sends nothing twice. --today or "
        "--days-ahead moves time forward for a demonstration."
    )

    def add_arguments(self, parser):
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--today", help="the day to act as today (YYYY-MM-DD)")
        when.add_argument(
            "--days-ahead",
            type=int,
            help=f"act as this many days from today (0 to {MAX_DAYS_AHEAD})",
        )

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
        elif options["days_ahead"] is not None:
            if not 0 <= options["days_ahead"] <= MAX_DAYS_AHEAD:
                raise CommandError(
                    f"--days-ahead takes a number of days from 0 to {MAX_DAYS_AHEAD}"
                )
            now = services.moment_of(timezone.localdate() + timedelta(days=options["days_ahead"]))
        sent = services.retention_invitations_send(now=now)
        self.stdout.write(f"sent {sent} retention check invitations")
