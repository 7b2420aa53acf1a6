"""Files with personal data (certificates, report exports): stored through the "private" storage
and handed out only by views that have checked who asks.

The storage is the alias "private" in STORAGES: by default a folder outside MEDIA_ROOT
(PRIVATE_FILES_ROOT), which no web server serves; a deployment whose web and worker processes
share no disk points the alias at object storage (django-storages' S3 backend) from the
environment, and nothing else changes. See README, "Configuration".
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpResponse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage rooted at PRIVATE_FILES_ROOT, with no public address.

    The root is read when first used, and again when a test changes the setting. `url()`
    refuses: a private file has no address that works without the view that checks who asks.
    Django's FileSystemStorage offers no public hook for a setting of our own, so this uses its
    private `_value_or_setting`, `_location` and `_clear_cached_properties` (the ones it uses
    for MEDIA_ROOT); tests/certificates/test_private_files.py fails if an upgrade changes them.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_FILES_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        if setting == "PRIVATE_FILES_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
        else:
            super()._clear_cached_properties(setting, **kwargs)

    def url(self, name):
        raise ValueError("A private file has no public address; a view hands it out.")


def private_storage():
    """The storage of every private file (a FileField's `storage=`: a callable, so migrations
    do not record a deployment's backend)."""
    return storages["private"]


def private_file_response(file, *, filename: str, content_type: str) -> HttpResponse:
    """The response that hands `file` (a FieldFile in the private storage) to the person the
    view has already let in: streamed through Django, or, with PRIVATE_FILES_SERVE, an empty
    response whose header tells the proxy (nginx: X-Accel-Redirect; Apache, lighttpd:
    X-Sendfile) to send the file, so no Python process is held for the length of a download.

    Raises FileNotFoundError when the file is not in the storage (streaming only: with a proxy
    the proxy answers 404).
    """
    mode = settings.PRIVATE_FILES_SERVE
    header = None
    if mode == "x-accel-redirect":
        # An nginx `internal` location mapped onto the storage (README, "Production").
        header = ("X-Accel-Redirect", settings.PRIVATE_FILES_ACCEL_PREFIX + quote(file.name))
    elif mode == "x-sendfile":
        try:
            header = ("X-Sendfile", file.storage.path(file.name))
        except NotImplementedError:  # object storage has no local path: stream it instead
            header = None
    if header is None:
        return FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    response = HttpResponse(content_type=content_type)
    response[header[0]] = header[1]
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
