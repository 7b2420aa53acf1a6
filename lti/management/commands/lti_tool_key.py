from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lti.keys import private_key_pem_generate


class Command(BaseCommand):
    help = (
        "Create the LTI tool's private key at LTI_TOOL_PRIVATE_KEY_FILE, once (a demo key for "
        "`make run`; production sets LTI_TOOL_PRIVATE_KEY or its own file)."
    )

    def handle(self, *args, **options):
        if settings.LTI_TOOL_PRIVATE_KEY:
            self.stdout.write("LTI_TOOL_PRIVATE_KEY is set: nothing to create.")
            return
        path = Path(settings.LTI_TOOL_PRIVATE_KEY_FILE)
        if path.exists():
            self.stdout.write(f"LTI tool key already at {path}.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(private_key_pem_generate())
        self.stdout.write(f"LTI tool key created at {path}.")
