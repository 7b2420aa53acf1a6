import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lti import keys

# How long the previous key stays served: platforms cache our key set for minutes to hours
# (Moodle fetches it again when it meets an unknown key id), and our tokens live five minutes.
# A day covers both with room to spare.
DROP_AFTER = "a day"


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write beside the target, then rename over it: a reader never sees half a key."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Create the LTI tool's private key at LTI_TOOL_PRIVATE_KEY_FILE, once (a demo key for "
        "`make run`; production sets LTI_TOOL_PRIVATE_KEY or its own file). --rotate keeps the "
        "current key's public half at LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE (still served) and "
        "writes a new current key; --drop-previous stops serving the previous one."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--rotate",
            action="store_true",
            help="Replace the current key with a new one; the old one's public half stays "
            "in our key set until --drop-previous.",
        )
        group.add_argument(
            "--drop-previous",
            action="store_true",
            help="Stop serving the previous key (a day after --rotate).",
        )

    def handle(self, *args, rotate=False, drop_previous=False, **options):
        if rotate:
            return self.rotate()
        if drop_previous:
            return self.drop_previous()
        if settings.LTI_TOOL_PRIVATE_KEY:
            self.stdout.write("LTI_TOOL_PRIVATE_KEY is set: nothing to create.")
            return
        path = Path(settings.LTI_TOOL_PRIVATE_KEY_FILE)
        if path.exists():
            self.stdout.write(f"LTI tool key already at {path}.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(keys.private_key_pem_generate())
        self.stdout.write(f"LTI tool key created at {path}.")

    def _files(self) -> tuple[Path, Path]:
        """The two key files, or a CommandError (before anything is changed) when the keys
        are configured in a way this command cannot rotate."""
        if settings.LTI_TOOL_PRIVATE_KEY or settings.LTI_TOOL_PREVIOUS_KEY:
            raise CommandError(
                "The tool key is set in the environment (LTI_TOOL_PRIVATE_KEY or "
                "LTI_TOOL_PREVIOUS_KEY); this command rotates key files only. To rotate in the "
                "environment: set LTI_TOOL_PREVIOUS_KEY to the current key's public half, "
                "LTI_TOOL_PRIVATE_KEY to a new key, restart; a day later unset "
                "LTI_TOOL_PREVIOUS_KEY."
            )
        if not settings.LTI_TOOL_PRIVATE_KEY_FILE or not settings.LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE:
            raise CommandError(
                "Set LTI_TOOL_PRIVATE_KEY_FILE and LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE to rotate."
            )
        return (
            Path(settings.LTI_TOOL_PRIVATE_KEY_FILE),
            Path(settings.LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE),
        )

    def rotate(self):
        current_path, previous_path = self._files()
        if not current_path.is_file():
            raise CommandError(
                f"No current LTI tool key at {current_path}: nothing to rotate. Create one "
                "with `manage.py lti_tool_key`."
            )
        try:
            current_pem = current_path.read_bytes()
            current_kid = keys.key_id(current_pem)
            previous_public = keys.public_pem(current_pem)
        except (OSError, ValueError, TypeError) as error:
            raise CommandError(
                f"The current key at {current_path} cannot be read: {error}"
            ) from error
        replaced = keys.previous_public_key()
        new_pem = keys.private_key_pem_generate()
        try:
            previous_path.parent.mkdir(parents=True, exist_ok=True)
            # The previous key first: if writing the new key then fails, the current key is
            # unchanged and merely served twice.
            _write(previous_path, previous_public, 0o644)
            _write(current_path, new_pem, 0o600)
        except OSError as error:
            raise CommandError(f"The keys could not be written: {error}") from error
        new_kid = keys.key_id(new_pem)
        if replaced is not None and replaced.get("kid") != current_kid:
            self.stdout.write(
                f"The earlier previous key {replaced.get('kid')} is no longer served."
            )
        self.stdout.write(
            f"New LTI tool key {new_kid} at {current_path}; it signs from now on.\n"
            f"The previous key {current_kid} (public half only) is at {previous_path} and stays "
            "in our key set (/lti/jwks.json) beside the new one, so platforms that cached our "
            "key set and tokens signed just before still verify. Every process reads the "
            "files on use: no restart needed.\n"
            f"Drop the previous key after {DROP_AFTER}, once platforms have fetched the new "
            "key set: `manage.py lti_tool_key --drop-previous`."
        )

    def drop_previous(self):
        _current_path, previous_path = self._files()
        previous = keys.previous_public_key()
        if not previous_path.exists():
            self.stdout.write("No previous LTI tool key: nothing to drop.")
            return
        try:
            previous_path.unlink()
        except OSError as error:
            raise CommandError(f"{previous_path} could not be removed: {error}") from error
        kid = previous.get("kid") if previous is not None else "(unreadable)"
        self.stdout.write(f"The previous LTI tool key {kid} is no longer served.")
