"""Create the demo signing key of the digital credentials, once (`make run` calls it)."""

from django.core.management.base import BaseCommand

from certificates.credentials import keys


class Command(BaseCommand):
    # It creates what the checks would warn is missing: no point warning first.
    requires_system_checks = []

    help = (
        "Create a private key at CREDENTIALS_SIGNING_KEY for signing the Open Badges "
        "credentials, unless one is there (an existing key is never replaced)."
    )

    def handle(self, *args, **options):
        if keys.signing_key_create():
            self.stdout.write(f"Created the credentials' signing key {keys.key_path()}.")
        else:
            self.stdout.write(f"Signing key present: {keys.key_path()}.")
