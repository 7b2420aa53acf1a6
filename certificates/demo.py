"""A neutral certificate design in both languages, for the demo; trainers edit it in Wagtail."""

from wagtail.models import Locale

from .models import Certificate, CertificateDesign, CertificateStatus

DESIGN = {
    "ro": {
        "issuers": "Program de formare pentru profesioniștii care lucrează cu copii",
        "footer": "Autenticitatea acestui certificat se verifică cu codul sau codul QR de mai sus.",
    },
    "en": {
        "issuers": "Training programme for professionals who work with children",
        "footer": "Check this certificate with the code or the QR code above.",
    },
}


def seed_certificate_design() -> None:
    ro = Locale.objects.get(language_code="ro")
    design = CertificateDesign.objects.filter(locale=ro).first()
    if design is None:
        design = CertificateDesign.objects.create(locale=ro, **DESIGN["ro"])
    en = Locale.objects.get(language_code="en")
    if design.get_translation_or_none(en) is None:
        translation = design.copy_for_translation(en)
        for name, value in DESIGN["en"].items():
            setattr(translation, name, value)
        translation.save()


def seed_demo_run_certificates() -> int:
    """The renewal learner's certificates (courses.demo.seed_demo_runs), one per completed run,
    requested in run order as the signal would (a later run's renews the one before) and
    rendered now; dated as if issued when each run was completed. Idempotent. Returns how many
    it issued."""
    from courses.demo import RENEWAL_LEARNER
    from courses.models import Enrollment

    from .services import certificate_issue, certificate_request

    issued = 0
    for run in Enrollment.objects.filter(
        learner__email=RENEWAL_LEARNER, completed_at__isnull=False
    ).order_by("course_key", "run"):
        certificate = certificate_request(
            learner_id=run.learner_id,
            course_key=run.course_key,
            completed_at=run.completed_at,
            run=run.run,
        )
        if certificate is None or certificate.status == CertificateStatus.READY:
            continue
        Certificate.objects.filter(pk=certificate.pk).update(issued_at=run.completed_at)
        if certificate_issue(certificate_id=certificate.pk):
            issued += 1
    return issued
