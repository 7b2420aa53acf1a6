"""Reads for certificates."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Certificate, CertificateStatus


def dashboard_certificates(learner, course_keys) -> dict:
    """For "My learning": each completed course's certificate, ready or being prepared."""
    extras = {}
    for certificate in Certificate.objects.filter(learner=learner, course_key__in=course_keys):
        if certificate.is_revoked:
            item = {"label": _("Certificate revoked"), "url": "", "note": ""}
        elif certificate.status == CertificateStatus.READY:
            note = (
                _("expired: take the course again to renew it") if certificate.is_expired() else ""
            )
            item = {
                "label": _("Download your certificate (PDF)"),
                "url": reverse("certificates:download", args=[certificate.pk]),
                "note": note,
            }
        else:
            item = {"label": _("Your certificate is being prepared."), "url": "", "note": ""}
        extras[certificate.course_key] = [item]
    return extras


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
            "completed_at": c.completed_at.isoformat(),
            "issued_at": c.issued_at.isoformat(),
            "expires_at": c.expires_at.isoformat() if c.expires_at else None,
            "status": c.status,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
        }
        for c in Certificate.objects.filter(learner=learner)
    ]
