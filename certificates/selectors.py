"""Reads for certificates."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses.models import CoursePage, Enrollment

from .models import Certificate, CertificateEvent, CertificateState, CertificateStatus


def certificate_state(certificate: Certificate, *, now: datetime | None = None) -> CertificateState:
    """The one answer to "what is this certificate now", for the verification page, "My
    learning", the register and the reports (which compute it in SQL with
    `certificate_state_expression`, giving the same answer row by row).

    Revoked wins over everything: a revoked certificate is never handed out again. One renewed
    by a later run's certificate is "renewed" (superseded), whatever its dates. One not yet
    issued is pending or failed. An issued one is expired from its expiry moment on; before
    that, "renewal overdue" once the day a re-certification asked it to be renewed by has
    passed (`renew_by`, in the programme's time zone); else valid."""
    now = now or timezone.now()
    if certificate.revoked_at is not None:
        return CertificateState.REVOKED
    if certificate.superseded_by_id is not None:
        return CertificateState.SUPERSEDED
    if certificate.status == CertificateStatus.PENDING:
        return CertificateState.PENDING
    if certificate.status == CertificateStatus.FAILED:
        return CertificateState.FAILED
    if certificate.expires_at is not None and certificate.expires_at <= now:
        return CertificateState.EXPIRED
    if certificate.renew_by is not None and certificate.renew_by < timezone.localdate(now):
        return CertificateState.RENEWAL_OVERDUE
    return CertificateState.VALID


def certificate_state_expression(prefix: str = "", *, now: datetime) -> Case:
    """`certificate_state` in SQL, on a query of certificates or through a relation to one
    (`prefix`, e.g. "course_certificate__"); NULL where there is no certificate."""

    def when(then: CertificateState, **lookups) -> When:
        return When(**{prefix + k: v for k, v in lookups.items()}, then=Value(then.value))

    return Case(
        When(**{f"{prefix}id__isnull": True}, then=Value(None)),
        when(CertificateState.REVOKED, revoked_at__isnull=False),
        when(CertificateState.SUPERSEDED, superseded_by__isnull=False),
        when(CertificateState.PENDING, status=CertificateStatus.PENDING),
        when(CertificateState.FAILED, status=CertificateStatus.FAILED),
        when(CertificateState.EXPIRED, expires_at__lte=now),
        when(CertificateState.RENEWAL_OVERDUE, renew_by__lt=timezone.localdate(now)),
        default=Value(CertificateState.VALID.value),
        output_field=CharField(),
    )


def renewal_condition(prefix: str = "") -> Q:
    """`Certificate.is_renewal` in SQL, the same rule (the reports count renewals apart from
    first issues with it): it carries a first certification earlier than its own completion."""
    return Q(
        **{
            f"{prefix}first_certified_at__isnull": False,
            f"{prefix}first_certified_at__lt": F(f"{prefix}completed_at"),
        }
    )


def dashboard_certificates(learner, course_keys) -> dict:
    """For "My learning": each completed course's certificate, ready or being prepared, with
    what it asks of the learner (expired, renewal overdue, a re-certification's date and
    reason, in the page's language)."""
    extras = {}
    # The newest run's certificate per course; earlier ones show in the run history.
    certificates = (
        Certificate.objects.filter(learner=learner, course_key__in=course_keys)
        .select_related("revoked_by", "recertification")
        .order_by("course_key", "run")
    )
    certificates = {c.course_key: c for c in certificates}.values()
    now = timezone.now()
    for certificate in certificates:
        state = certificate_state(certificate, now=now)
        if state == CertificateState.REVOKED:
            item = {
                "label": _("Certificate revoked on %(date)s")
                % {
                    "date": formats.date_format(
                        localtime(certificate.revoked_at), "SHORT_DATE_FORMAT"
                    )
                },
                "url": "",
                "note": certificate_revocation_note(certificate),
            }
        elif state in (
            CertificateState.VALID,
            CertificateState.EXPIRED,
            CertificateState.RENEWAL_OVERDUE,
            CertificateState.SUPERSEDED,
        ):
            notes = []
            if state == CertificateState.VALID and certificate.expires_at is not None:
                # Says why "My learning" offers a renewal before the certificate expires.
                notes.append(
                    _("valid until %(date)s")
                    % {
                        "date": formats.date_format(
                            localtime(certificate.expires_at), "SHORT_DATE_FORMAT"
                        )
                    }
                )
            elif state == CertificateState.EXPIRED:
                notes.append(_("expired: take the course again to renew it"))
            elif state == CertificateState.RENEWAL_OVERDUE:
                notes.append(_("renewal overdue: take the course again to renew it"))
            if state in (CertificateState.VALID, CertificateState.RENEWAL_OVERDUE):
                notes.append(certificate_recertification_note(certificate))
            note = " · ".join(n for n in notes if n)
            item = {
                "label": _("Download your certificate (PDF)"),
                "url": reverse("certificates:download", args=[certificate.pk]),
                # Beside the PDF, in the same item (refreshed with it while pending).
                "links": [
                    {
                        "label": _("Download the digital credential (Open Badges)"),
                        "url": reverse("certificates:credential_download", args=[certificate.pk]),
                    }
                ],
                "note": note,
            }
        else:
            # Pending or failed (an administrator retries a failure): "My learning" asks for
            # the item again until it changes (the worker is rendering it; see
            # courses/static/courses/js/my-learning.js).
            item = {
                "label": _("Your certificate is being prepared."),
                "url": "",
                "note": "",
                "pending": True,
            }
        extras[certificate.course_key] = [item]
    return extras


def certificate_recertification_note(certificate: Certificate) -> str:
    """ "Re-certification required by <date>: <reason>", in the active language, for a
    certificate a re-certification campaign asks to renew; "" otherwise."""
    if certificate.renew_by is None:
        return ""
    date = formats.date_format(certificate.renew_by, "SHORT_DATE_FORMAT")
    campaign = certificate.recertification
    language = (get_language() or "ro").split("-")[0]
    reason = campaign.reason(language) if campaign is not None else ""
    if not reason:
        return _("Re-certification required by %(date)s.") % {"date": date}
    return _("Re-certification required by %(date)s: %(reason)s") % {
        "date": date,
        "reason": reason,
    }


def run_certificates(learner, course_keys) -> dict:
    """For the run history on "My learning": each run's certificate, by (course_key, run), as
    a link to its public verification page (which names the renewal that superseded it) with
    its state ("Renewed", "Expired"...). Only issued ones: a code never issued verifies
    nothing. One query. Registered with courses.dashboard.register_run_extra."""
    now = timezone.now()
    extras = {}
    for certificate in Certificate.objects.filter(
        learner=learner, course_key__in=course_keys, status=CertificateStatus.READY
    ):
        extras[(certificate.course_key, certificate.run)] = [
            {
                "label": _("Certificate %(code)s") % {"code": certificate.grouped_code},
                "url": reverse("certificates:verify", args=[certificate.grouped_code]),
                "note": certificate_state(certificate, now=now).label,
            }
        ]
    return extras


def certificate_revocation_contact(certificate: Certificate) -> str:
    """Whom the holder of a revoked certificate asks: the person who revoked it (a coordinator
    or administrator, who gave the reason and can correct a mistake), else the programme's
    address (CERTIFICATES_CONTACT_EMAIL); "" when there is neither."""
    by = certificate.revoked_by
    if by is not None and by.is_active and by.email:
        return f"{by.full_name} <{by.email}>" if by.full_name else by.email
    return settings.CERTIFICATES_CONTACT_EMAIL


def certificate_revocation_note(certificate: Certificate) -> str:
    """The reason and the contact, as "My learning" and the download page show them."""
    parts = []
    if certificate.revocation_reason:
        parts.append(_("Reason: %(reason)s") % {"reason": certificate.revocation_reason})
    contact = certificate_revocation_contact(certificate)
    if contact:
        parts.append(_("For questions, write to %(contact)s.") % {"contact": contact})
    return " ".join(parts)


# Apps that depend on certificates may grant more people a download (reports: a coordinator,
# for the learners in their scope) without certificates importing them.
DOWNLOAD_GRANTS: list[Callable[[object, Certificate], bool]] = []


def register_download_grant(grant: Callable[[object, Certificate], bool]):
    DOWNLOAD_GRANTS.append(grant)
    return grant


def certificate_for_download(*, user, certificate_id) -> Certificate | None:
    """The certificate if this user may download it: their own, an administrator, or anyone a
    registered grant lets in (coordinators within their scope)."""
    if not user.is_authenticated:
        return None
    certificate = Certificate.objects.filter(
        pk=certificate_id, status=CertificateStatus.READY
    ).first()
    if certificate is None:
        return None
    if certificate.learner_id == user.pk or user.is_superuser:
        return certificate
    if any(grant(user, certificate) for grant in DOWNLOAD_GRANTS):
        return certificate
    return None


def learner_certificates_data(learner) -> list[dict]:
    """The learner's certificates, for their personal-data file."""
    return [
        {
            "code": c.grouped_code,
            "course": c.course_title(learner.preferred_language),
            "name_printed": c.learner_name,
            "hours": float(c.hours),
            "run": c.run,
            "first_certified_at": c.first_certified.isoformat(),
            "completed_at": c.completed_at.isoformat(),
            "issued_at": c.issued_at.isoformat(),
            "expires_at": c.expires_at.isoformat() if c.expires_at else None,
            "status": c.status,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
        }
        for c in Certificate.objects.filter(learner=learner)
    ]


def course_certificate_progress(*, course_key, since=None) -> dict[str, int | None]:
    """How far a course's certificates are: completions, and certificates by state.

    `missing` counts learners who completed the course and have no certificate yet; with
    `since`, `reissued` counts the re-issues logged from then on (a bulk re-issue's progress).
    """
    completed = Enrollment.objects.filter(course_key=course_key, completed_at__isnull=False)
    certificates = Certificate.objects.filter(course_key=course_key)
    has_certificate = Exists(
        certificates.filter(
            learner_id=OuterRef("learner_id"),
            course_key=OuterRef("course_key"),
            run=OuterRef("run"),
        )
    )
    by_status = dict(
        certificates.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "completions": completed.count(),
        "missing": completed.exclude(has_certificate).count(),
        "ready": by_status.get(CertificateStatus.READY, 0),
        "pending": by_status.get(CertificateStatus.PENDING, 0),
        "failed": by_status.get(CertificateStatus.FAILED, 0),
        "revoked": certificates.filter(revoked_at__isnull=False).count(),
        "reissued": (
            CertificateEvent.objects.filter(
                certificate__course_key=course_key,
                kind=CertificateEvent.Kind.REISSUED,
                at__gte=since,
            ).count()
            if since is not None
            else None
        ),
    }


def courses_issuing_certificates() -> list[CoursePage]:
    """The courses that issue a certificate, once each (their Romanian page, else any)."""
    pages = CoursePage.objects.filter(issues_certificate=True).select_related("locale")
    by_key: dict = {}
    for page in pages.order_by("title"):
        if page.translation_key not in by_key or page.locale.language_code == "ro":
            by_key[page.translation_key] = page
    return sorted(by_key.values(), key=lambda page: page.title)


def certificates_asking_renewal(learner, courses) -> set:
    """The course keys, of `courses`, where the learner's certificate asks to be renewed: it
    has expired or expires within the course's renewal window, or a re-certification asks
    for it. Only their newest certificate counts (not revoked, not renewed); one query.
    Registered with courses.selectors.register_renewal_check."""
    windows = {course.translation_key: course.renewal_window_days for course in courses}
    now = timezone.now()
    due = set()
    for certificate in Certificate.objects.filter(
        learner=learner,
        course_key__in=list(windows),
        revoked_at__isnull=True,
        superseded_by__isnull=True,
    ).only("course_key", "expires_at", "renew_by"):
        window = timedelta(days=windows[certificate.course_key])
        if certificate.renew_by is not None or (
            certificate.expires_at is not None and certificate.expires_at <= now + window
        ):
            due.add(certificate.course_key)
    return due


# Reminders ---------------------------------------------------------------------------------
#
# Each reminder goes to the holder of a newest certificate (not renewed, not revoked) who can
# still be written to; the services claim it (a conditional UPDATE) before the e-mail is queued.


def reminder_threshold(days_left: int, thresholds) -> int | None:
    """The nearest threshold a certificate is inside: of (60, 14), 60 at 30 days left and 14 at
    10 (a certificate first found at 10 days gets the 14-day reminder only); None beyond all."""
    inside = [t for t in thresholds if days_left <= t]
    return min(inside) if inside else None


def _remindable():
    return Certificate.objects.filter(
        revoked_at__isnull=True,
        superseded_by__isnull=True,
        learner__is_active=True,
        learner__erased_at__isnull=True,
    )


def certificates_expiring(*, now: datetime, thresholds) -> QuerySet[Certificate]:
    """Ready certificates expiring after `now` and within the largest threshold whose holder
    has not yet been reminded of the smallest (the expiry reminders' list)."""
    return (
        _remindable()
        .filter(
            status=CertificateStatus.READY,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=max(thresholds)),
        )
        .exclude(expiry_reminder_days__lte=min(thresholds))
        .order_by("expires_at")
    )


def expiry_days_left(certificate: Certificate, *, now: datetime) -> int:
    """Whole days from `now` to the expiry, rounded up (a certificate expiring in 13 days and an
    hour is inside the 14-day threshold)."""
    left = certificate.expires_at - now
    return left.days + (1 if left.seconds or left.microseconds else 0)


def certificates_renewal_not_reminded_since(since: datetime) -> Q:
    """Certificates whose holder has had no re-certification e-mail since `since`: at most one
    a week, whatever the threshold."""
    return Q(renewal_reminded_at__isnull=True) | Q(renewal_reminded_at__lte=since)


def certificates_asked_to_renew(
    *, today, thresholds, not_reminded_since: datetime
) -> QuerySet[Certificate]:
    """Certificates a re-certification asks to renew by a day from `today` to the largest
    threshold ahead, not renewed, whose holder is not reminded of the smallest threshold yet
    nor written to since `not_reminded_since` (the re-certification reminders' list)."""
    return (
        _remindable()
        .filter(
            certificates_renewal_not_reminded_since(not_reminded_since),
            renew_by__gte=today,
            renew_by__lte=today + timedelta(days=max(thresholds)),
        )
        .exclude(renewal_reminder_days__lte=min(thresholds))
        .order_by("renew_by")
    )


def recertification_not_announced(*, campaign_id: int) -> QuerySet[Certificate]:
    """The certificates a campaign marked whose holder has not been told of it yet."""
    return _remindable().filter(
        recertification_id=campaign_id,
        renew_by__isnull=False,
        renewal_reminder_days__isnull=True,
    )


# Digital credentials (Open Badges 3.0) ----------------------------------------------------


def certificate_for_credential(*, user, certificate_id) -> Certificate | None:
    """The certificate if it is this user's own and issued: the signed credential is its
    holder's to hand to whom they choose (no coordinator or administrator download, unlike the
    PDF: they have the register and the verification page)."""
    if not user.is_authenticated:
        return None
    return Certificate.objects.filter(
        pk=certificate_id, learner_id=user.pk, status=CertificateStatus.READY
    ).first()


def credential_status(certificate: Certificate) -> dict[str, bool]:
    """The certificate's bits in the status lists, by list: the same facts, and the same
    order ("revoked" wins), as `certificate_state`."""
    return {
        "revocation": certificate.revoked_at is not None,
        "renewal": certificate.superseded_by_id is not None,
    }


def credential_status_verdict(certificate: Certificate) -> str:
    """What a verifier reading the status lists concludes: "revoked", "renewed" or "current"."""
    bits = credential_status(certificate)
    if bits["revocation"]:
        return "revoked"
    return "renewed" if bits["renewal"] else "current"


_STATUS_BIT = {
    "revocation": Q(revoked_at__isnull=False),
    "renewal": Q(superseded_by__isnull=False),
}


def status_list_positions(*, purpose: str, list_number: int) -> list[int] | None:
    """The set positions of one status list (see `credential_status`), or None when no such
    list exists (an unknown purpose, or a list no certificate is in). Two queries, whatever
    the number of certificates."""
    from .credentials.status_lists import LIST_SIZE

    # The index column holds 32 signed bits: a list beyond them cannot exist (and a number
    # that large must not reach the database).
    if purpose not in _STATUS_BIT or list_number > (2**31 - 1) // LIST_SIZE:
        return None
    start = list_number * LIST_SIZE
    in_list = Certificate.objects.filter(
        status_list_index__gte=start, status_list_index__lt=start + LIST_SIZE
    )
    if not in_list.exists():
        return None
    return [
        index - start
        for index in in_list.filter(_STATUS_BIT[purpose]).values_list(
            "status_list_index", flat=True
        )
    ]


def status_list_jwt(*, purpose: str, list_number: int) -> str | None:
    """The signed BitstringStatusListCredential of one list, from the register as it is now
    (None when there is no such list). Not cached: two indexed queries, a 16 KB bitstring and
    one signature cost about a millisecond (benchmarks/README.md), and a cache would need
    invalidating by every write that revokes or renews, some of them UPDATEs that send no
    signal."""
    from .credentials import badges, keys

    positions = status_list_positions(purpose=purpose, list_number=list_number)
    if positions is None:
        return None
    credential = badges.status_list_credential(purpose, list_number, positions)
    return keys.sign(badges.status_list_claims(credential))
