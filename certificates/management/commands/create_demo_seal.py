"""Create the demo organisation's seal (a self-signed PKCS#12) once, for `make run`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from certificates.seal_keys import (
    DEMO_COMMON_NAME,
    seal_key,
    seal_pkcs12,
    self_signed_seal_certificate,
)

# The dev settings read it from here (elearning/settings/dev.py).
DEMO_PASSPHRASE = "demo-not-secret"  # noqa: S105 - a demo key, named so in its certificate


class Command(BaseCommand):
    help = (
        "Create var/seal/demo-seal.p12, a self-signed seal of a DEMO organisation (not for "
        "production), unless it exists. `make run` runs it before seed_demo."
    )
    # The seal's own checks would only say that the seal this creates is missing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            default=str(Path(settings.VAR_DIR) / "seal" / "demo-seal.p12"),
            help="Where to write the PKCS#12 file (default: var/seal/demo-seal.p12).",
        )
        parser.add_argument("--passphrase", default=DEMO_PASSPHRASE)

    def handle(self, *args, path, passphrase, **options):
        target = Path(path)
        if target.exists():
            self.stdout.write(f"The demo seal exists: {target}")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        key = seal_key()
        data = seal_pkcs12(key, self_signed_seal_certificate(key), passphrase)
        # Written whole under a temporary name, then renamed: a second `make run` never finds
        # half a file. Readable by its owner only: it holds a private key.
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.chmod(0o600)
        partial.replace(target)
        self.stdout.write(
            self.style.SUCCESS(f"Created the demo seal ({DEMO_COMMON_NAME}): {target}")
        )
