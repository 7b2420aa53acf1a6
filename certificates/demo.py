"""A neutral certificate design in both languages, for the demo; trainers edit it in Wagtail."""

from wagtail.models import Locale

from .models import CertificateDesign

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
