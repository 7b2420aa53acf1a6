"""Writes for certificates: request on completion, issue (render once), revoke, re-issue."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from courses.models import CoursePage, Enrollment
from elearning.infrastructure.queueing import enqueue_on_commit, send_now

from .credentials import badges, keys, status_lists
from .models import Certificate, CertificateEvent, CertificateStatus
from .rendering import render_certificate_pdf
from .sealing import seal_pdf

logger = logging.getLogger(__name__)


def _course_titles(course_key) -> tuple[CoursePage | None, dict[str, str]]:
    pages = CoursePage.objects.filter(translation_key=course_key).select_related("locale")
    titles = {page.locale.language_code: page.title for page in pages}
    source = next((p for p in pages if p.locale.language_code == "ro"), None) or next(
        iter(pages), None
    )
    return source, titles


def certificate_request(
    *, learner_id: int, course_key, completed_at: datetime, run: int = 1
) -> Certificate | None:
    """The learner's certificate for a completed run of a course, created pending (once per
    run).

    Returns None when the course issues no certificate. Snapshots the learner's name, role and
    institution and the course's titles, hours and validity as they are now. A later run's
    certificate renews the learner's last one in the course (not revoked, not renewed yet): it
    gets its own code, carries the first certification date, and the old one points to it
    (its verification page says "renewed", with its own dates unchanged).
    """
    existing = Certificate.objects.filter(
        learner_id=learner_id, course_key=course_key, run=run
    ).first()
    if existing is not None:
        return existing
    course, titles = _course_titles(course_key)
    if course is None or not course.issues_certificate:
        return None
    learner = User.objects.select_related("institution").get(pk=learner_id)
    expires_at = (
        completed_at + relativedelta(months=course.certificate_validity_months)
        if course.certificate_validity_months
        else None
    )
    try:
        with transaction.atomic():
            previous = (
                Certificate.objects.select_for_update()
                .filter(
                    learner_id=learner_id,
                    course_key=course_key,
                    run__lt=run,
                    revoked_at__isnull=True,
                    superseded_by__isnull=True,
                )
                .order_by("-run")
                .first()
            )
            certificate = Certificate.objects.create(
                learner=learner,
                course_key=course_key,
                run=run,
                first_certified_at=previous.first_certified if previous else completed_at,
                learner_name=learner.full_name,
                learner_role=learner.role,
                institution_name=learner.institution_name,
                county=learner.county,
                course_title_ro=titles.get("ro", course.title),
                course_title_en=titles.get("en", ""),
                hours=(Decimal(course.estimated_minutes) / 60).quantize(Decimal("0.1")),
                completed_at=completed_at,
                expires_at=expires_at,
            )
            certificate_status_index_assign(certificate=certificate)
            if previous is not None:
                Certificate.objects.filter(pk=previous.pk).update(superseded_by=certificate)
                CertificateEvent.objects.create(
                    certificate=previous,
                    kind=CertificateEvent.Kind.RENEWED,
                    note=certificate.grouped_code,
                )
            return certificate
    except IntegrityError:  # requested twice at once
        return Certificate.objects.get(learner_id=learner_id, course_key=course_key, run=run)


def _sealed_pdf(certificate: Certificate) -> bytes:
    # Issue, re-issue and renewal all come through here: the PDF is sealed by the issuing
    # organisation, or SealError is raised and nothing is stored (certificates/sealing.py).
    return seal_pdf(render_certificate_pdf(certificate))


def certificate_status_index_assign(*, certificate: Certificate) -> int:
    """Give the certificate its place in the status lists, once: a random free position of the
    newest list (a list takes certificates until half full, then the next one opens). A
    concurrent assignment of the same position fails the unique constraint, and another is
    drawn. Certificates requested before the lists got theirs in migration 0004; any row
    without one (a fixture) gets it when its credential is first built."""
    if certificate.status_list_index is not None:
        return certificate.status_list_index
    for _attempt in range(32):
        assigned = Certificate.objects.filter(status_list_index__isnull=False).count()
        list_number = assigned // status_lists.LIST_FILL
        index = list_number * status_lists.LIST_SIZE + secrets.randbelow(status_lists.LIST_SIZE)
        try:
            with transaction.atomic():
                updated = Certificate.objects.filter(
                    pk=certificate.pk, status_list_index__isnull=True
                ).update(status_list_index=index)
        except IntegrityError:
            continue
        if not updated:  # assigned meanwhile by another request
            certificate.refresh_from_db(fields=["status_list_index"])
            return certificate.status_list_index
        certificate.status_list_index = index
        return index
    raise RuntimeError("No free position in the status lists after 32 draws.")


def credential_issue(*, certificate: Certificate, language: str = "ro") -> str:
    """The certificate as a signed Open Badges 3.0 credential (a compact JWS, VC-JWT), built
    now from the register's snapshot; its status is read from the status lists, so a credential
    handed out before a revocation or renewal says so without being replaced. Raises
    keys.SigningKeyMissing without a usable signing key."""
    certificate_status_index_assign(certificate=certificate)
    credential = badges.open_badge_credential(certificate, language=language)
    return keys.sign(badges.jwt_claims(credential))


def _store_pdf(certificate: Certificate, pdf: bytes) -> None:
    # One file per certificate, always the same name: a second render replaces the first.
    filename = f"{certificate.pk}.pdf"
    stored_name = certificate.pdf.field.generate_filename(certificate, filename)
    if certificate.pdf.storage.exists(stored_name):
        certificate.pdf.storage.delete(stored_name)
    certificate.pdf.save(filename, ContentFile(pdf), save=False)


def certificate_issue(*, certificate_id, by=None) -> Certificate | None:
    """Render and store the PDF of a pending certificate; idempotent.

    The row is locked while rendering, so two workers given the same certificate produce one
    file; a worker killed mid-render leaves it pending, and the redelivered task renders it.
    Returns the certificate when this call made it ready, None when there was nothing to do.
    """
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.status == CertificateStatus.READY:
            return None
        _store_pdf(certificate, _sealed_pdf(certificate))
        certificate.status = CertificateStatus.READY
        certificate.failure = ""
        certificate.save(update_fields=["pdf", "status", "failure"])
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.ISSUED, by=by
        )
    return certificate


def certificate_mark_failed(*, certificate_id, reason: str) -> None:
    """Record that issuing failed for good (after the task's retries), for the admin to retry."""
    updated = Certificate.objects.filter(
        pk=certificate_id, status=CertificateStatus.PENDING
    ).update(status=CertificateStatus.FAILED, failure=reason[:2000])
    if updated:
        CertificateEvent.objects.create(
            certificate_id=certificate_id, kind=CertificateEvent.Kind.FAILED, note=reason[:2000]
        )


def certificate_reissue_failed(*, certificate_id, reason: str) -> None:
    """Record in the certificate's history that a re-issue failed for good; the certificate
    keeps its earlier PDF and its status (it is still what it was)."""
    CertificateEvent.objects.create(
        certificate_id=certificate_id, kind=CertificateEvent.Kind.FAILED, note=reason[:2000]
    )


def certificate_retry(*, certificate: Certificate) -> bool:
    """Queue a certificate whose issuing failed to be issued again (an administrator's Retry);
    False, and nothing queued, when it had not failed. The conditional UPDATE makes two clicks
    one retry."""
    from .tasks import issue_certificate  # the tasks import this module

    retried = Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.FAILED).update(
        status=CertificateStatus.PENDING, failure=""
    )
    if retried:
        enqueue_on_commit(issue_certificate, str(certificate.pk))
    return bool(retried)


def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate, once: its verification page says so from now on, its PDF is no
    longer handed out, and its holder is told by e-mail why and whom to ask (after commit).

    Revoking a certificate that is already revoked changes nothing and sends nothing (two
    coordinators submitting the form at once, or the register and a report).
    """
    from .tasks import send_certificate_revoked_email  # the tasks import this module

    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.is_revoked:
            return locked
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = by
        certificate.revocation_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.REVOKED, by=by, note=reason
        )
        if certificate.learner_id:
            enqueue_on_commit(send_certificate_revoked_email, str(certificate.pk))
    return certificate


def certificate_reissue(
    *, certificate: Certificate, by=None, requested_at: datetime | None = None
) -> Certificate:
    """Render again with the learner's current name (after a correction): same code, new PDF,
    the history kept.

    With `requested_at` (a queued re-issue), a certificate already re-issued since then is left
    alone, so a redelivered task does not render it, or log it, twice.
    """
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if (
            requested_at is not None
            and certificate.events.filter(
                kind=CertificateEvent.Kind.REISSUED, at__gte=requested_at
            ).exists()
        ):
            return certificate
        if certificate.learner_id:
            learner = User.objects.select_related("institution").get(pk=certificate.learner_id)
            certificate.learner_name = learner.full_name
            certificate.institution_name = learner.institution_name
        _store_pdf(certificate, _sealed_pdf(certificate))
        certificate.status = CertificateStatus.READY
        certificate.save(update_fields=["learner_name", "institution_name", "pdf", "status"])
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.REISSUED, by=by
        )
    return certificate


def learner_certificates_erase(learner) -> None:
    """The learner deleted their account: the certificates stay in the register (their codes
    still verify as issued) but no longer name them, and their PDFs are deleted."""
    for certificate in Certificate.objects.filter(learner=learner):
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.learner_name = ""
        certificate.institution_name = ""
        certificate.save(update_fields=["learner_name", "institution_name", "pdf"])


def certificates_queue_for_course(*, course_key, reissue: bool = False, by=None) -> dict[str, int]:
    """Queue the workers to (re)issue a course's certificates; returns what was queued.

    Every learner who completed the course and has no certificate gets one requested (pending).
    Pending and failed certificates are queued to be issued (a pending one may already be in the
    queue: issuing is idempotent, so a second task does nothing). With `reissue`, every ready,
    unrevoked certificate is also queued to be rendered again with its learner's current name.
    The tasks are queued after the transaction commits, so a worker finds the rows.
    """
    from .tasks import issue_certificate, reissue_certificate  # the tasks import this module

    created = 0
    # Completed runs without their certificate, oldest run first (a renewal supersedes the
    # certificate of the run before it).
    missing = (
        Enrollment.objects.filter(course_key=course_key, completed_at__isnull=False)
        .exclude(
            Exists(
                Certificate.objects.filter(
                    learner_id=OuterRef("learner_id"),
                    course_key=OuterRef("course_key"),
                    run=OuterRef("run"),
                )
            )
        )
        .order_by("learner_id", "run")
        .values_list("learner_id", "completed_at", "run")
    )
    for learner_id, completed_at, run in missing.iterator():
        if certificate_request(
            learner_id=learner_id, course_key=course_key, completed_at=completed_at, run=run
        ):
            created += 1
    certificates = Certificate.objects.filter(course_key=course_key)
    to_issue = [
        str(pk)
        for pk in certificates.filter(
            status__in=[CertificateStatus.PENDING, CertificateStatus.FAILED]
        ).values_list("pk", flat=True)
    ]
    certificates.filter(status=CertificateStatus.FAILED).update(
        status=CertificateStatus.PENDING, failure=""
    )
    to_reissue = (
        [
            str(pk)
            for pk in certificates.filter(
                status=CertificateStatus.READY, revoked_at__isnull=True
            ).values_list("pk", flat=True)
        ]
        if reissue
        else []
    )
    requested_at = timezone.now().isoformat()
    by_id = by.pk if by is not None else None

    def queue():
        for certificate_id in to_issue:
            send_now(issue_certificate, [certificate_id])
        for certificate_id in to_reissue:
            send_now(
                reissue_certificate,
                [certificate_id],
                {"by_id": by_id, "requested_at": requested_at},
            )

    transaction.on_commit(queue)
    return {"requested": created, "issue": len(to_issue), "reissue": len(to_reissue)}


def certificate_files_make_private(*, model=Certificate) -> dict[str, int]:
    """Move certificate PDFs that are still in the public media storage (MEDIA_ROOT, where they
    were stored before they became private) into the private storage; idempotent.

    The file keeps its name when it can, and the row follows when the private storage chose
    another. A file present in both places is copied again (the private copy may be a move
    interrupted mid-write): the public one is deleted only after a complete copy. Migration
    certificates 0002 runs this with its historical model; run `manage.py
    certificates_make_private` again after a deployment in which a worker still running the
    old code may have written a new PDF into MEDIA_ROOT.
    """
    public, private = storages["default"], storages["private"]
    if getattr(public, "location", None) == getattr(private, "location", ""):
        raise ValueError("PRIVATE_FILES_ROOT must not be MEDIA_ROOT.")
    counts = {"moved": 0, "already_private": 0, "missing": 0}
    rows = model.objects.exclude(pdf="").values_list("pk", "pdf").order_by("pk")
    for pk, name in rows.iterator():
        if public.exists(name):
            if private.exists(name):
                private.delete(name)
            with public.open(name, "rb") as handle:
                stored = private.save(name, handle)
            if stored != name:
                model.objects.filter(pk=pk).update(pdf=stored)
            public.delete(name)
            counts["moved"] += 1
        elif private.exists(name):
            counts["already_private"] += 1
        else:
            logger.warning("Certificate %s: its PDF %s is in neither storage", pk, name)
            counts["missing"] += 1
    return counts


# Re-certification campaigns and reminders --------------------------------------------------

# "At most one e-mail a week" per certificate about a re-certification.
RENEWAL_REMINDER_INTERVAL = timedelta(days=7)


def certificates_recertification_mark(*, campaign, now: datetime | None = None) -> int:
    """A re-certification started (courses.signals.recertification_started, inside its
    transaction): every certificate of the course current now (not revoked, not renewed, not
    expired) is asked to be renewed by the campaign's date, in one UPDATE; each holder is told
    by e-mail after commit. Certificates of an earlier campaign that are still current are
    taken over by this one (its date and reason), and announced again."""
    from .tasks import announce_recertification  # the tasks import this module

    now = now or timezone.now()
    marked = (
        Certificate.objects.filter(
            course_key=campaign.course_key,
            revoked_at__isnull=True,
            superseded_by__isnull=True,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .update(
            renew_by=campaign.required_by,
            recertification=campaign,
            # The announcement claims a certificate by this being empty.
            renewal_reminder_days=None,
        )
    )
    if marked:
        enqueue_on_commit(announce_recertification, campaign.pk)
    return marked


def certificates_recertification_clear(*, campaign) -> int:
    """A re-certification closed (courses.signals.recertification_closed): its certificates not
    renewed yet are no longer asked to be (no renewal offer, no reminder, not overdue). The
    link to the campaign stays, as history."""
    return Certificate.objects.filter(
        recertification=campaign, superseded_by__isnull=True, renew_by__isnull=False
    ).update(renew_by=None)


def _days_until(day, today) -> int:
    # Bounded by the column (PositiveSmallIntegerField); the form allows five years at most.
    return max(0, min((day - today).days, 32767))


def recertification_announcement_claim(*, certificate_id, now: datetime) -> bool:
    """Claim the announcement of the certificate's re-certification before it is sent: one
    conditional UPDATE (False when a concurrent or redelivered task claimed it). The days
    left are recorded as the nearest threshold reminded of, so a campaign announced 20 days
    ahead skips its 30-day reminder."""
    certificate = Certificate.objects.filter(pk=certificate_id).only("renew_by").first()
    if certificate is None or certificate.renew_by is None:
        return False
    return bool(
        Certificate.objects.filter(
            pk=certificate_id,
            renew_by=certificate.renew_by,
            renewal_reminder_days__isnull=True,
            superseded_by__isnull=True,
            revoked_at__isnull=True,
        ).update(
            renewal_reminder_days=_days_until(certificate.renew_by, timezone.localdate(now)),
            renewal_reminded_at=now,
        )
    )


def recertification_announcements_send(*, campaign_id: int, now: datetime | None = None) -> int:
    """Queue the announcement e-mail of a re-certification to each holder not told yet, each
    claimed first; returns how many were queued."""
    from .selectors import recertification_not_announced
    from .tasks import send_recertification_email

    now = now or timezone.now()
    queued = 0
    for certificate_id in recertification_not_announced(campaign_id=campaign_id).values_list(
        "pk", flat=True
    ):
        if recertification_announcement_claim(certificate_id=certificate_id, now=now):
            send_now(send_recertification_email, [str(certificate_id)], {"first": True})
            queued += 1
    return queued


def renewal_reminder_claim(
    *, certificate_id, threshold: int, now: datetime, not_reminded_since: datetime
) -> bool:
    """Claim the `threshold`-day re-certification reminder of a certificate before it is sent:
    False when that reminder (or a nearer one) was claimed already, or the holder was written
    to since `not_reminded_since`, or the certificate was renewed, revoked or released. One
    conditional UPDATE, so two runs of the beat task never send it twice."""
    from .selectors import certificates_renewal_not_reminded_since

    return bool(
        Certificate.objects.filter(
            certificates_renewal_not_reminded_since(not_reminded_since),
            Q(renewal_reminder_days__isnull=True) | Q(renewal_reminder_days__gt=threshold),
            pk=certificate_id,
            renew_by__isnull=False,
            superseded_by__isnull=True,
            revoked_at__isnull=True,
        ).update(renewal_reminder_days=threshold, renewal_reminded_at=now)
    )


def renewal_reminders_send(*, now: datetime | None = None, thresholds=None) -> int:
    """Remind the holders asked to re-certify, at the thresholds before the date
    (settings.RECERTIFICATION_REMINDER_DAYS), the nearest only, at most once a week; each
    reminder claimed before its e-mail is queued. Returns how many were queued."""
    from .selectors import certificates_asked_to_renew, reminder_threshold
    from .tasks import send_recertification_email

    now = now or timezone.now()
    thresholds = thresholds or settings.RECERTIFICATION_REMINDER_DAYS
    today = timezone.localdate(now)
    not_reminded_since = now - RENEWAL_REMINDER_INTERVAL
    queued = 0
    due = certificates_asked_to_renew(
        today=today, thresholds=thresholds, not_reminded_since=not_reminded_since
    ).values_list("pk", "renew_by", "renewal_reminder_days")
    for certificate_id, renew_by, reminded_days in due.iterator(chunk_size=500):
        threshold = reminder_threshold(_days_until(renew_by, today), thresholds)
        if threshold is None or (reminded_days is not None and reminded_days <= threshold):
            continue
        if renewal_reminder_claim(
            certificate_id=certificate_id,
            threshold=threshold,
            now=now,
            not_reminded_since=not_reminded_since,
        ):
            send_now(send_recertification_email, [str(certificate_id)])
            queued += 1
    return queued


def expiry_reminder_claim(*, certificate_id, threshold: int, now: datetime) -> bool:
    """Claim the `threshold`-day expiry reminder of a certificate before it is sent: False when
    it (or a nearer one) was claimed already, or the certificate is no longer inside the
    threshold, or was renewed or revoked. One conditional UPDATE of `expiry_reminder_days`."""
    return bool(
        Certificate.objects.filter(
            Q(expiry_reminder_days__isnull=True) | Q(expiry_reminder_days__gt=threshold),
            pk=certificate_id,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=threshold),
            superseded_by__isnull=True,
            revoked_at__isnull=True,
        ).update(expiry_reminder_days=threshold)
    )


def expiry_reminders_send(*, now: datetime | None = None, thresholds=None) -> int:
    """Remind each holder of a newest, ready certificate before it expires, at the thresholds
    of settings.CERTIFICATE_EXPIRY_REMINDER_DAYS: once each, the nearest only (one found at 10
    days of (60, 14) gets the 14-day reminder, never the 60-day one); each claimed before its
    e-mail is queued. Returns how many were queued."""
    from .selectors import certificates_expiring, expiry_days_left, reminder_threshold
    from .tasks import send_certificate_expiry_email

    now = now or timezone.now()
    thresholds = thresholds or settings.CERTIFICATE_EXPIRY_REMINDER_DAYS
    queued = 0
    due = certificates_expiring(now=now, thresholds=thresholds).only(
        "pk", "expires_at", "expiry_reminder_days"
    )
    for certificate in due.iterator(chunk_size=500):
        threshold = reminder_threshold(expiry_days_left(certificate, now=now), thresholds)
        if threshold is None or (
            certificate.expiry_reminder_days is not None
            and certificate.expiry_reminder_days <= threshold
        ):
            continue
        if expiry_reminder_claim(certificate_id=certificate.pk, threshold=threshold, now=now):
            send_now(send_certificate_expiry_email, [str(certificate.pk)])
            queued += 1
    return queued
