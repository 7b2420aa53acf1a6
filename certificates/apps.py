from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import personal_data
        from courses.dashboard import register_completed_course_extra, register_run_extra
        from courses.selectors import register_renewal_check
        from courses.signals import (
            course_completed,
            recertification_closed,
            recertification_started,
        )

        from . import checks, receivers, selectors, services  # noqa: F401  (checks registers)

        course_completed.connect(receivers.on_course_completed, dispatch_uid="certificates.issue")
        recertification_started.connect(
            receivers.on_recertification_started, dispatch_uid="certificates.recertification"
        )
        recertification_closed.connect(
            receivers.on_recertification_closed, dispatch_uid="certificates.recertification"
        )
        register_completed_course_extra(selectors.dashboard_certificates)
        register_run_extra(selectors.run_certificates)
        register_renewal_check(selectors.certificates_asking_renewal)
        personal_data.register(
            "certificates",
            exporter=selectors.learner_certificates_data,
            eraser=services.learner_certificates_erase,
        )
