"""Writes for certificates: request on completion, issue (render once), revoke, re-issue."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from courses.models import CoursePage, Enrollment
from elearning.infrastructure.queueing import enqueue_on_commit, send_now

from .models import Certificate, CertificateEvent, CertificateStatus
from .rendering import render_certificate_pdf

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
        _store_pdf(certificate, render_certificate_pdf(certificate))
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
        _store_pdf(certificate, render_certificate_pdf(certificate))
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
