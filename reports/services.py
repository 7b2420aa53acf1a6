"""Writes for reports: export jobs, and bulk enrolment from a coordinator's CSV.

Reports own only their export jobs and scopes. Enrolments, due dates and reminder bookkeeping
are written by courses.services (which keeps the learner's cached progress fresh), accounts
by accounts.services."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.forms import normalise_full_name
from accounts.models import County, Institution, ProfessionalRole, User
from accounts.services import learner_account_create
from courses import selectors as course_selectors
from courses import services as course_services
from elearning.infrastructure.queueing import enqueue_on_commit

from . import exports, selectors
from .models import CoordinatorScope, ExportJob, ScopeLevel

logger = logging.getLogger(__name__)


# Exports -------------------------------------------------------------------------------------


def _fingerprint(*, user, report: str, format: str, filters: dict, language: str) -> str:
    raw = json.dumps([user.pk, report, format, filters, language], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def export_request(*, user, report: str, format: str, filters: dict) -> ExportJob:
    """Queue an export of the filtered report, or return the same request's job still running.

    The partial unique constraint on the fingerprint makes "asked twice while running" one job
    even when the two requests race."""
    from .tasks import run_export

    language = translation.get_language() or "ro"
    fingerprint = _fingerprint(
        user=user, report=report, format=format, filters=filters, language=language
    )
    running = ExportJob.objects.filter(
        fingerprint=fingerprint, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    ).first()
    if running:
        return running
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                requested_by=user,
                report=report,
                format=format,
                filters=filters,
                language=language,
                fingerprint=fingerprint,
            )
    except IntegrityError:
        return ExportJob.objects.get(
            fingerprint=fingerprint,
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
        )
    enqueue_on_commit(run_export, str(job.pk))
    return job


def filters_from_export(job: ExportJob, *, scope, courses) -> dict:
    """Rebuild the cleaned filters from the job, through the same form (and so the same scope
    checks) as the report page: a job cannot carry a filter its owner could not type."""
    from .forms import ReportFilterForm

    form = ReportFilterForm(job.filters, scope=scope, courses=courses, report=job.report)
    if not form.is_valid():
        raise ValueError(f"export {job.pk}: filters no longer valid: {form.errors.as_json()}")
    return form.filters()


def export_run(job_id) -> ExportJob | None:
    """Produce the job's file. Claims the job with a conditional UPDATE, so a redelivered task
    does not run it twice; the scope is the requester's scope now, not when they asked."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING
    )
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or not claimed:
        return job
    try:
        with translation.override(job.language):
            _export_write(job)
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    job.refresh_from_db()  # the writes above were UPDATEs: return the job as it now stands
    return job


def _export_write(job: ExportJob) -> None:
    scope = selectors.scope_for(job.requested_by)
    if scope is None:
        raise PermissionError("the requester may no longer see reports")
    courses = selectors.report_courses()
    filters = filters_from_export(job, scope=scope, courses=courses)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{job.report}-{stamp}.{job.format}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if job.format == ExportJob.Format.PDF:
            _write_donor_pdf(path, scope=scope, filters=filters, courses=courses)
            total = 1
        else:
            table = exports.TABLES[job.report](scope=scope, filters=filters, courses=courses)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=table.count)

            def progress(done):
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

            if job.format == ExportJob.Format.XLSX:
                total = exports.write_xlsx(
                    path, table, title=str(job.get_report_display()), progress=progress
                )
            else:
                with open(path, "w", encoding="utf-8", newline="") as out:
                    out.writelines(exports.csv_lines(table))
                total = table.count
        with open(path, "rb") as handle:
            job.file.save(name, File(handle), save=False)
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        status=ExportJob.Status.READY,
        rows_done=max(total, 0),
        finished_at=now,
        expires_at=now + datetime.timedelta(days=settings.REPORT_EXPORT_EXPIRY_DAYS),
    )


def _write_donor_pdf(path: Path, *, scope, filters, courses) -> None:
    from weasyprint import HTML

    from certificates.rendering import PDF_FONTS, ProjectFilesFetcher

    html = exports.donor_summary_html(scope=scope, filters=filters, courses=courses)
    HTML(string=html, base_url=f"{PDF_FONTS}/", url_fetcher=ProjectFilesFetcher()).write_pdf(
        str(path)
    )


def exports_delete_expired(*, now=None) -> int:
    """Delete export files past their expiry date; the job row stays as a record."""
    now = now or timezone.now()
    count = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count


# Bulk enrolment ------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ["full_name", "email", "role", "institution", "county"]
# Headings accepted for each column, in both languages, lower-cased without diacritics.
HEADINGS = {
    "full_name": {"full name", "name", "nume", "nume complet", "nume si prenume"},
    "email": {"e-mail", "email", "e-mail address", "adresa de e-mail", "adresa e-mail"},
    "role": {"role", "professional role", "rol", "rol profesional", "functie"},
    "institution": {"institution", "institutie", "institutia"},
    "county": {"county", "judet", "judetul"},
}


@dataclass
class EnrollmentRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    user: User | None = None
    institution: Institution | None = None
    # The address has an account, but not one of the coordinator's people: left alone.
    account_elsewhere: User | None = None


@dataclass
class EnrollmentCheck:
    rows: list[EnrollmentRow]
    errors: list[str]  # about the file as a whole

    @property
    def is_clean(self) -> bool:
        return not self.errors and all(not r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[EnrollmentRow]:
        return [r for r in self.rows if r.errors]


def _plain(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _folded(name: str) -> str:
    """A name as typed in a spreadsheet: any case, any spacing, straight or curly quotes."""
    name = name.replace("„", '"').replace("”", '"').replace("“", '"')
    return " ".join(name.casefold().split())


def _choices_lookup(choices) -> dict[str, str]:
    """Codes by every way a coordinator may write them: the code, or the label in either
    language, in any case, with or without diacritics."""
    lookup = {}
    for code, label in choices:
        lookup[_plain(code)] = code
        for language in ("ro", "en"):
            with translation.override(language):
                lookup[_plain(str(label))] = code
    return lookup


def enrollment_check(*, upload, scope: CoordinatorScope) -> EnrollmentCheck:
    """Read and validate the whole file; nothing is written. Every problem is named with its
    line number, in the coordinator's language."""
    if upload.size > MAX_UPLOAD_BYTES:
        return EnrollmentCheck([], [_("The file is larger than 2 MB. Split it and upload again.")])
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return EnrollmentCheck([], [_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")])
    if "\x00" in text:
        return EnrollmentCheck([], [_("This is not a CSV file.")])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return EnrollmentCheck([], [_("The file is empty.")])
    positions = {}
    for index, heading in enumerate(header):
        for column, names in HEADINGS.items():
            if _plain(heading) in names:
                positions[column] = index
    missing = [c for c in COLUMNS if c not in positions]
    if missing:
        return EnrollmentCheck(
            [],
            [
                _(
                    "The first line must name the columns: full name, e-mail, role, "
                    "institution, county. Missing: %(missing)s."
                )
                % {"missing": ", ".join(missing)}
            ],
        )
    rows: list[EnrollmentRow] = []
    try:
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                return EnrollmentCheck(
                    [], [_("At most %(n)s learners per file.") % {"n": MAX_ROWS}]
                )
            values = {
                c: (record[positions[c]].strip() if positions[c] < len(record) else "")
                for c in COLUMNS
            }
            rows.append(EnrollmentRow(line=line, values=values))
    except csv.Error as error:
        return EnrollmentCheck([], [_("The file could not be read as CSV: %s") % error])
    if not rows:
        return EnrollmentCheck([], [_("The file has no learners in it.")])
    _check_rows(rows, scope)
    return EnrollmentCheck(rows, [])


def _check_rows(rows: list[EnrollmentRow], scope: CoordinatorScope) -> None:
    emails = [r.values["email"].lower() for r in rows]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    # Institutions by county and case-folded name, matched in Python: SQLite's case-insensitive
    # comparison ignores case only for ASCII, and names here are full of ș, ț and Ă.
    roles = _choices_lookup(ProfessionalRole.choices)
    counties = _choices_lookup(County.choices)
    by_county: dict[str, dict[str, Institution]] = {}
    for institution in Institution.objects.filter(
        county__in={counties.get(_plain(r.values["county"])) for r in rows} - {None}
    ):
        by_county.setdefault(institution.county, {})[_folded(institution.name)] = institution
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        try:
            v["full_name"] = normalise_full_name(v["full_name"])
        except ValidationError as error:
            row.errors.extend(error.messages)
        email = v["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(_("“%(value)s” is not an e-mail address.") % {"value": v["email"]})
        if email in seen:
            row.errors.append(
                _("The same e-mail address is on line %(line)s.") % {"line": seen[email]}
            )
        seen.setdefault(email, row.line)
        role = roles.get(_plain(v["role"]))
        if role is None:
            row.errors.append(_("Unknown role “%(value)s”.") % {"value": v["role"]})
        county = counties.get(_plain(v["county"]))
        if county is None:
            row.errors.append(_("Unknown county “%(value)s”.") % {"value": v["county"]})
        institution = None
        if v["institution"] and county:
            institution = by_county.get(county, {}).get(_folded(v["institution"]))
        if institution is None:
            row.errors.append(
                _("No institution “%(value)s” in that county.") % {"value": v["institution"]}
            )
        row.institution = institution
        v.update(email=email, role=role, county=county)
        if institution is not None and not _in_scope(scope, institution, county):
            row.errors.append(_("This learner is outside your scope."))
        user = existing.get(email)
        if user is not None:
            # An existing account is enrolled as it is when it is one of the coordinator's
            # people (one query per existing account, at most MAX_ROWS). Anyone else's is left
            # alone, and its line answers as a new address's would (no error, counted alike):
            # a coordinator must not learn from a file which addresses have an account
            # outside their scope. The address's owner is told instead (enrollment_import).
            if User.objects.filter(scope.learner_filter(), pk=user.pk).exists():
                row.user = user
            else:
                row.account_elsewhere = user


def _in_scope(scope: CoordinatorScope, institution: Institution, county: str) -> bool:
    if scope.level == ScopeLevel.INSTITUTION:
        return institution.pk == scope.institution_id
    if scope.level == ScopeLevel.COUNTY:
        return county == scope.county
    return True


@dataclass
class EnrollmentResult:
    created: int = 0
    enrolled: int = 0
    already: int = 0
    # Addresses whose account is outside the coordinator's scope: e-mailed, not enrolled.
    # Never shown to the coordinator (it would tell them which addresses have an account).
    elsewhere: int = 0


@transaction.atomic
def enrollment_import(
    *,
    check: EnrollmentCheck,
    course_keys: list,
    due_on: datetime.date,
    by,
    renewal: bool = False,
) -> EnrollmentResult:
    """Create the missing accounts and enrol everyone, all or nothing. New learners get an
    invitation to set their password (after commit); existing ones keep their account as is.
    An account outside the coordinator's scope is neither enrolled nor changed: its owner gets
    an e-mail naming the courses, and may start them if they wish. With `renewal`, a learner
    whose current run is complete starts a renewal run (courses.services.enrollment_assign)."""
    from .tasks import send_enrollment_elsewhere_notice, send_enrollment_invitation

    if not check.is_clean:
        raise ValueError("enrollment_import needs a clean check")
    result = EnrollmentResult()
    for row in check.rows:
        if row.account_elsewhere is not None:
            enqueue_on_commit(
                send_enrollment_elsewhere_notice,
                row.account_elsewhere.pk,
                [str(key) for key in course_keys],
            )
            result.elsewhere += 1
            continue
        user = row.user
        if user is None:
            v = row.values
            user = learner_account_create(
                email=v["email"],
                full_name=v["full_name"],
                role=v["role"],
                institution=row.institution,
                county=v["county"],
                preferred_language=translation.get_language() or "ro",
            )
            result.created += 1
            enqueue_on_commit(send_enrollment_invitation, user.pk)
        for course_key in course_keys:
            if course_services.enrollment_assign(
                learner=user, course_key=course_key, due_on=due_on, by=by, renewal=renewal
            ):
                result.enrolled += 1
            else:
                result.already += 1
    return result


@transaction.atomic
def renewals_assign(
    *, scope: CoordinatorScope, filters: dict, courses: list, due_on: datetime.date, by
) -> int:
    """Assign a renewal due on `due_on` to the people of the filtered completion report whose
    current run is complete (selectors.renewal_candidates: the coordinator's scope, in SQL),
    all or nothing; the number of renewal runs opened. Each goes through
    courses.services.enrollment_assign, which opens a run only after a completed one: asked
    twice, the second time opens nothing."""
    pairs = list(selectors.renewal_candidates(scope=scope, filters=filters, courses=courses))
    learners = User.objects.in_bulk({learner_id for learner_id, _key in pairs})
    opened = 0
    for learner_id, course_key in pairs:
        opened += course_services.enrollment_assign(
            learner=learners[learner_id],
            course_key=course_key,
            due_on=due_on,
            by=by,
            renewal=True,
        )
    return opened


# Overdue reminders ---------------------------------------------------------------------------

REMINDER_INTERVAL = datetime.timedelta(days=7)


def overdue_reminders_send(*, now=None) -> int:
    """E-mail each learner who is past a due date, at most once a week per course.

    The conditional UPDATE claims the reminder before sending, so two beat runs never send
    the same reminder twice."""
    from accounts.services import email_send_to_user

    now = now or timezone.now()
    today = timezone.localdate(now)
    courses = selectors.course_titles_and_urls()
    sent = 0
    not_reminded_since = now - REMINDER_INTERVAL
    due = course_selectors.enrollments_overdue(today=today, not_reminded_since=not_reminded_since)
    for enrollment in due.iterator(chunk_size=500):
        claimed = course_services.enrollment_reminder_claim(
            enrollment_id=enrollment.pk, now=now, not_reminded_since=not_reminded_since
        )
        learner = enrollment.learner
        if not claimed or not learner.is_active or not learner.email:
            continue
        course = courses.get(enrollment.course_key)
        if course is None:
            continue
        title, url = course.get(learner.preferred_language) or next(iter(course.values()))
        email_send_to_user(
            user=learner,
            template="reports/email/overdue",
            context={"course_title": title, "course_url": url, "due_on": enrollment.due_on},
        )
        sent += 1
    return sent


def coordinator_data_erase(user) -> None:
    """A deleted account keeps no exports (files of other people's data) and no scope."""
    for job in ExportJob.objects.filter(requested_by=user):
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(requested_by=user).delete()
    CoordinatorScope.objects.filter(user=user).delete()


def directory_reminders_send() -> int:
    """Once a week, each county coordinator is sent their county's directory entries that are
    stale (never verified, or not for six months), a national coordinator the national ones.
    Each e-mail is claimed first by inserting its (coordinator, week) row: a second run of the
    week sends nothing again. Returns the number sent."""
    import datetime

    from django.db import IntegrityError, transaction

    from accounts.services import email_send_to_user
    from courses.selectors import referral_contacts_stale

    from .models import CoordinatorScope, DirectoryReminder, ScopeLevel

    today = timezone.localdate()
    week = today - datetime.timedelta(days=today.weekday())
    sent = 0
    scopes = CoordinatorScope.objects.filter(
        level__in=[ScopeLevel.COUNTY, ScopeLevel.NATIONAL], user__is_active=True
    ).select_related("user")
    for scope in scopes:
        user = scope.user
        language = user.preferred_language or "ro"
        entries = list(referral_contacts_stale(county=scope.county, language=language))
        if not entries:
            continue
        try:
            with transaction.atomic():
                DirectoryReminder.objects.create(user=user, week=week)
        except IntegrityError:
            continue  # already sent this week
        email_send_to_user(
            user=user,
            template="reports/email/directory_stale",
            context={"entries": entries, "scope": scope},
        )
        sent += 1
    return sent
