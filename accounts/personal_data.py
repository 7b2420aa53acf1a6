"""A learner's personal data: everything the platform holds about them, as one file, and its
erasure when they delete their account.

`accounts` knows only the account itself; each app that keeps data about a learner registers
an exporter (what to include in the file) and an eraser (what to remove or anonymise) in its
AppConfig.ready(), so no app needs to import the apps that depend on it.

Erasure keeps what reports count (enrolments, completions, attempts, certificates' existence,
and the role, county and institution they are counted by) and removes what names the person:
name, e-mail address, password, free-text institution, certificate snapshots and files.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

Exporter = Callable[[object], dict]
Eraser = Callable[[object], None]

EXPORTERS: dict[str, Exporter] = {}
ERASERS: list[Eraser] = []


def register(section: str, *, exporter: Exporter, eraser: Eraser | None = None) -> None:
    EXPORTERS[section] = exporter
    if eraser is not None:
        ERASERS.append(eraser)


def _profile(user) -> dict:
    return {
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "institution": user.institution_name,
        "county": user.county,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def personal_data_export(user) -> dict:
    """Everything held about the user, by section, JSON-serialisable."""
    data = {"exported_at": timezone.now().isoformat(), "profile": _profile(user)}
    for section, exporter in EXPORTERS.items():
        data[section] = exporter(user)
    return data


@transaction.atomic
def account_erase(user) -> None:
    """Erase the person, keep the counts. The account can no longer log in."""
    for eraser in ERASERS:
        eraser(user)
    user.full_name = ""
    user.email = f"erased-{user.pk}@erased.invalid"
    user.institution_other = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
