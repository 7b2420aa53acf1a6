"""The referral directory as CSV: what an export writes and what an import accepts.

An import is all or nothing: every row is checked first (county known and maintained by the
person, kind, lengths, date, no spreadsheet formula) and any bad row refuses the whole file with
one translated message per row; a good file upserts by (county, kind) through
`courses.services.referral_directory_import`."""

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from accounts.models import County

from . import directory
from .models import ReferralContact, ReferralKind
from .models.snippets import phone_validator

COLUMNS = [
    "county",
    "kind",
    "name_ro",
    "name_en",
    "helps_with_ro",
    "helps_with_en",
    "phone",
    "email",
    "website",
    "notes",
    "last_verified_on",
]
MAX_BYTES = 1024 * 1024
LIMITS = {
    "name_ro": 255,
    "name_en": 255,
    "helps_with_ro": 2000,
    "helps_with_en": 2000,
    "phone": 40,
    "email": 254,
    "website": 200,
    "notes": 2000,
}
# A cell a spreadsheet would run as a formula. The export writes such a value behind an
# apostrophe, which the import takes off again (a phone number may start with "+").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_rows(user) -> list[list[str]]:
    """The entries the person maintains, Romanian and English side by side (two queries)."""
    ro = list(
        directory.maintained_entries(
            user, ReferralContact.objects.filter(locale__language_code="ro")
        ).order_by("county", "kind", "organisation")
    )
    en = {
        entry.translation_key: entry
        for entry in ReferralContact.objects.filter(
            locale__language_code="en", translation_key__in=[e.translation_key for e in ro]
        )
    }
    rows = [COLUMNS]
    for entry in ro:
        english = en.get(entry.translation_key)
        values = [
            entry.county,
            entry.kind,
            entry.organisation,
            english.organisation if english else "",
            entry.helps_with,
            english.helps_with if english else "",
            entry.phone,
            entry.email,
            entry.website,
            entry.notes,
            entry.last_verified_on.isoformat() if entry.last_verified_on else "",
        ]
        rows.append([_escape(v) for v in values])
    return rows


@dataclass
class ImportRow:
    line: int
    values: dict


class ImportRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.errors = errors


def _cell_errors(name: str, value: str) -> list[str]:
    errors = []
    if value.startswith(FORMULA_STARTS) and not (
        name == "phone" and value.startswith("+") and not value.startswith("+=")
    ):
        errors.append(_("%(column)s starts like a spreadsheet formula.") % {"column": name})
    if name in LIMITS and len(value) > LIMITS[name]:
        errors.append(
            _("%(column)s is longer than %(limit)s characters.")
            % {"column": name, "limit": LIMITS[name]}
        )
    return errors


def parse(upload, user) -> list[ImportRow]:
    """The file's rows, checked; raises ImportRefused with every problem found."""
    if upload.size > MAX_BYTES:
        raise ImportRefused([_("The file is larger than 1 MB.")])
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([_("The file is not in UTF-8: save it as “CSV UTF-8”.")]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}])
    maintained = directory.counties_maintained_by(user)
    errors, rows, seen = [], [], set()
    try:
        records = list(reader)
    except csv.Error:
        raise ImportRefused([_("The file is not a valid CSV file.")]) from None
    for number, record in enumerate(records, start=2):
        values = {}
        problems = []
        for name in COLUMNS:
            value = (record.get(name) or "").strip()
            if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
                value = value[1:]
            problems += _cell_errors(name, value)
            values[name] = value
        county, kind = values["county"], values["kind"]
        if county and county not in County.values:
            problems.append(_("Unknown county code “%(county)s”.") % {"county": county[:10]})
        elif maintained is not directory.EVERY and county not in maintained:
            problems.append(_("You do not maintain this county's entries."))
        if kind not in ReferralKind.values:
            problems.append(_("Unknown kind “%(kind)s”.") % {"kind": kind[:30]})
        if not values["name_ro"]:
            problems.append(_("name_ro is empty."))
        try:
            if values["phone"]:
                phone_validator(values["phone"])
            if values["email"]:
                EmailValidator()(values["email"])
            if values["website"]:
                URLValidator(schemes=["http", "https"])(values["website"])
        except ValidationError as error:
            problems += [str(m) for m in error.messages]
        if values["last_verified_on"]:
            try:
                day = datetime.date.fromisoformat(values["last_verified_on"])
                values["last_verified_on"] = day
                if day > datetime.date.today():
                    problems.append(_("last_verified_on is in the future."))
            except ValueError:
                problems.append(_("last_verified_on is not a date like 2026-12-31."))
        else:
            values["last_verified_on"] = None
        key = (county, kind, values["name_ro"] if kind == ReferralKind.OTHER else "")
        if key in seen:
            problems.append(_("The same county and kind are on an earlier row."))
        seen.add(key)
        errors += [_("Row %(row)s: %(problem)s") % {"row": number, "problem": p} for p in problems]
        rows.append(ImportRow(line=number, values=values))
    if errors:
        raise ImportRefused(errors)
    return rows
