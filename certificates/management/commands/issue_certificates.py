"""(Re)issue the certificates of everyone who completed a course, with progress output."""

from django.core.management.base import BaseCommand, CommandError

from certificates import services
from certificates.models import Certificate, CertificateStatus
from certificates.sealing import SealError
from courses.models import CoursePage, Enrollment


class Command(BaseCommand):
    help = "Issue a course's missing certificates (slug or translation key); --reissue: all again."

    def add_arguments(self, parser):
        parser.add_argument("course", help="the course's slug or translation key")
        parser.add_argument(
            "--reissue", action="store_true", help="render existing certificates again"
        )
        parser.add_argument(
            "--queue", action="store_true", help="queue to the workers instead of rendering here"
        )

    def handle(self, *args, course, reissue, queue, **options):
        page = (
            CoursePage.objects.filter(slug=course, locale__language_code="ro").first()
            or CoursePage.objects.filter(
                translation_key=course if len(course) == 36 else None
            ).first()
        )
        if page is None:
            raise CommandError(f"No course with slug or key {course!r}.")
        if not page.issues_certificate:
            raise CommandError("This course issues no certificate.")
        if queue:
            # The same path as the admin's "Issue for a course": one place decides what is queued.
            queued = services.certificates_queue_for_course(
                course_key=page.translation_key, reissue=reissue
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{page.title}: {queued['requested']} requested, {queued['issue']} queued to "
                    f"be issued, {queued['reissue']} queued to be re-issued."
                )
            )
        else:
            self._render_here(page, reissue=reissue)
        registered = Certificate.objects.filter(course_key=page.translation_key).count()
        self.stdout.write(f"{registered} in the register.")

    def _render_here(self, page, *, reissue):
        enrollments = Enrollment.objects.filter(
            course_key=page.translation_key, completed_at__isnull=False
        ).order_by("completed_at")
        total = enrollments.count()
        done = 0
        for n, enrollment in enumerate(enrollments.iterator(), start=1):
            certificate = services.certificate_request(
                learner_id=enrollment.learner_id,
                course_key=page.translation_key,
                completed_at=enrollment.completed_at,
            )
            if certificate is None:
                raise CommandError("This course issues no certificate.")
            ready = certificate.status == CertificateStatus.READY
            try:
                if reissue and ready and not certificate.is_revoked:
                    services.certificate_reissue(certificate=certificate)
                    done += 1
                elif not ready:
                    services.certificate_issue(certificate_id=certificate.pk)
                    done += 1
            except SealError as error:  # the same for every certificate: stop, say why
                raise CommandError(str(error)) from error
            if n % 50 == 0 or n == total:
                self.stdout.write(f"{n}/{total} learners checked, {done} certificates (re)issued")
        self.stdout.write(self.style.SUCCESS(f"{page.title}: {done} of {total} (re)issued."))
