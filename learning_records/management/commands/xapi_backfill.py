"""Queue the xAPI statements of what happened between two days, built from the database."""

from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from learning_records import services
from learning_records.selectors import lrs_configured


def _day(value: str, option: str):
    try:
        day = parse_date(value or "")
    except ValueError:
        day = None
    if day is None:
        raise CommandError(f"{option} takes a date: YYYY-MM-DD (got {value!r})")
    return day


class Command(BaseCommand):
    help = (
        "Build the xAPI statements of the learning history between two days (inclusive, in the "
        "site's time zone) for learners whose institution shares learning records, and queue "
        "those not queued yet. Idempotent: the statement ids are derived from the events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")

    def handle(self, *args, **options):
        first, last = _day(options["start"], "--from"), _day(options["end"], "--to")
        if first > last:
            raise CommandError(f"--from ({first}) is after --to ({last})")
        if not lrs_configured():
            raise CommandError(
                "No learning record store is configured (XAPI_LRS_ENDPOINT): nothing to queue."
            )
        zone = timezone.get_current_timezone()
        start = datetime.combine(first, time.min, tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        result = services.statements_backfill(start=start, end=end)
        by_verb = ", ".join(f"{verb} {n}" for verb, n in sorted(result.by_verb.items()))
        self.stdout.write(
            f"built {result.built} statements ({by_verb or 'none'}); "
            f"queued {result.queued} new, {result.built - result.queued} already queued"
        )
