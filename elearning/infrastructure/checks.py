"""System checks for the deployment."""

import ctypes.util
from pathlib import Path

from django.core.checks import Error, Warning, register


@register(deploy=True)
def harfbuzz_subset_available(app_configs, **kwargs):
    """WeasyPrint subsets fonts with HarfBuzz's subsetting library; without it, with the much
    slower fontTools, and every PDF pays for it."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return []
    return [
        Warning(
            "HarfBuzz's subsetting library (libharfbuzz-subset) is missing.",
            hint="Install it (Debian: apt-get install libharfbuzz-subset0); without it WeasyPrint "
            "falls back to fontTools and renders PDFs about ten times slower.",
            id="elearning.W001",
        )
    ]


@register()
def private_files_not_public(app_configs, **kwargs):
    """Certificates and exports (personal data) must not sit where MEDIA_URL serves files by
    address: a private folder inside MEDIA_ROOT, or MEDIA_ROOT itself, would make them public."""
    from django.conf import settings
    from django.core.files.storage import storages

    private = storages["private"]
    location = getattr(private, "location", None)
    if location is None:  # object storage: its bucket's own policy keeps it private
        return []
    private_root = Path(location).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if private_root == media_root or media_root in private_root.parents:
        return [
            Error(
                "The private files' folder is inside MEDIA_ROOT, which is served by address.",
                hint="Set PRIVATE_FILES_ROOT to a folder outside MEDIA_ROOT (default var/private).",
                id="elearning.E001",
            )
        ]
    return []
