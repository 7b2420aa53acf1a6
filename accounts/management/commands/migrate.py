"""Django's `migrate`, which first records accounts 0001 on a database migrated before the user
and the institution moved to `accounts`.

accounts 0001 changes no table (see its docstring), but it is the first migration of the app
that holds AUTH_USER_MODEL, so Wagtail's migrations and ours depend on it. On a database where
they were applied before it existed, Django stops before migrating anything: "applied before
its dependency accounts.0001_initial". Such a database has elearning 0001, which created the
tables accounts 0001 describes, so recording it as applied is all that running it would do.
Django's documentation leaves this step to a hand-written SQL insert; here it is done where it
cannot be forgotten. Once every database has been migrated past elearning 0007 it can go.
"""

from django.core.management.commands import migrate
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

MOVED_FROM = ("elearning", "0001_accounts")
STATE_ONLY = ("accounts", "0001_initial")


def record_accounts_initial(connection) -> bool:
    """Record accounts 0001 where the tables it describes exist already. True if it did."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    if MOVED_FROM not in applied or STATE_ONLY in applied:
        return False
    recorder.record_applied(*STATE_ONLY)
    return True


class Command(migrate.Command):
    def handle(self, *args, **options):
        if record_accounts_initial(connections[options["database"]]) and options["verbosity"]:
            self.stdout.write(
                "Recorded accounts.0001_initial (its tables were created by elearning)."
            )
        return super().handle(*args, **options)
