"""The certificate register and the certificate design editable in Wagtail."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin

from elearning.infrastructure.private_files import private_storage

from .codes import grouped, new_code


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class CertificateState(models.TextChoices):
    """What a certificate is now, as every page, report and export says it: decided in one place,
    `certificates.selectors.certificate_state` (and its SQL twin for the reports)."""

    VALID = "valid", _("Ready")
    # A later run's certificate renews it; the code still verifies, with its own dates.
    SUPERSEDED = "superseded", pgettext_lazy("certificate", "Renewed")
    EXPIRED = "expired", pgettext_lazy("certificate", "Expired")
    # Valid, but its course asked holders to re-certify by a date that has passed (a
    # re-certification campaign); not revoked.
    RENEWAL_OVERDUE = "renewal_overdue", pgettext_lazy("certificate", "Renewal overdue")
    REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")
    PENDING = "pending", _("Being prepared")
    FAILED = "failed", _("Failed")


class Certificate(models.Model):
    """One per run of a learner through a course (keyed by the course's translation_key),
    issued once. A renewal (a later run's certificate) gets a new code and supersedes the one
    before: a printed QR code keeps saying what its own paper says (its dates), and its page
    points to the renewal."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("verification code"), max_length=16, unique=True, default=new_code)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    course_key = models.UUIDField(_("course"))
    run = models.PositiveSmallIntegerField(_("run"), default=1)
    # The first certificate's completion date, carried along each renewal (equal to
    # completed_at on a first certificate).
    first_certified_at = models.DateTimeField(_("first certified"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("renewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    # Set by a re-certification campaign (courses.RecertificationCampaign) on the certificates
    # current when it started; past this day, unrenewed, the certificate is "renewal overdue".
    renew_by = models.DateField(_("renew by"), null=True, blank=True)
    recertification = models.ForeignKey(
        "courses.RecertificationCampaign",
        verbose_name=_("re-certification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    # Reminders, each claimed by a conditional UPDATE before it is sent
    # (certificates.services.expiry_reminder_claim / renewal_reminder_claim): the smallest
    # number of days before expiry already reminded of, and the last re-certification reminder.
    expiry_reminder_days = models.PositiveSmallIntegerField(null=True, blank=True)
    renewal_reminder_days = models.PositiveSmallIntegerField(null=True, blank=True)
    renewal_reminded_at = models.DateTimeField(null=True, blank=True)
    # Snapshots: the certificate says what was true when it was issued.
    learner_name = models.CharField(_("name"), max_length=150)
    learner_role = models.CharField(_("professional role"), max_length=32, blank=True)
    institution_name = models.CharField(_("institution"), max_length=255, blank=True)
    county = models.CharField(_("county"), max_length=2, blank=True)
    course_title_ro = models.CharField(_("course title (Romanian)"), max_length=255)
    course_title_en = models.CharField(_("course title (English)"), max_length=255, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    completed_at = models.DateTimeField(_("completed"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PENDING,
    )
    # Personal data: in the private storage, handed out only by the download view.
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="certificates/", blank=True)
    failure = models.TextField(_("reason for failure"), blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    # Its position in the Bitstring Status Lists of the digital credentials (list number =
    # index // its size; certificates.credentials.status_lists), drawn at random when it is
    # requested so that neighbouring positions say nothing about neighbouring learners.
    status_list_index = models.PositiveIntegerField(
        _("status list index"), null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course_key", "run"], name="one_certificate_per_run"
            )
        ]
        indexes = [models.Index(fields=["course_key", "issued_at"])]
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.learner_name} · {self.course_title_ro} · {self.grouped_code}"

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)

    @property
    def first_certified(self):
        return self.first_certified_at or self.completed_at

    @property
    def is_renewal(self) -> bool:
        # Its SQL twin, for the reports: certificates.selectors.renewal_condition.
        return self.first_certified_at is not None and self.first_certified_at < self.completed_at

    @property
    def is_revoked(self) -> bool:
        """A fact the workers and actions check (a revoked certificate is not rendered again);
        what the certificate *is* now is `certificates.selectors.certificate_state`."""
        return self.revoked_at is not None

    def course_title(self, language: str) -> str:
        return (
            self.course_title_en
            if language == "en" and self.course_title_en
            else self.course_title_ro
        )


class CertificateEvent(models.Model):
    """The certificate's history: issued, re-issued, revoked, failed."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENEWED = "renewed", pgettext_lazy("certificate event", "Renewed")
        REISSUED = "reissued", _("Re-issued")
        REVOKED = "revoked", _("Revoked")
        FAILED = "failed", _("Failed")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class CertificateDesign(TranslatableMixin, models.Model):
    """What the certificate says around the learner's name, per language."""

    issuers = models.CharField(
        _("issuing organisations"), max_length=300, help_text=_("As printed at the top.")
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=150, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    second_signatory_name = models.CharField(
        _("second signatory's name"), max_length=150, blank=True
    )
    second_signatory_title = models.CharField(
        _("second signatory's title"), max_length=200, blank=True
    )
    second_signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("second signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    footer = models.TextField(_("footer text"), blank=True)

    panels = [
        FieldPanel("issuers"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [FieldPanel("signatory_name"), FieldPanel("signatory_title"), FieldPanel("signature")],
            heading=_("Signatory"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("second_signatory_name"),
                FieldPanel("second_signatory_title"),
                FieldPanel("second_signature"),
            ],
            heading=_("Second signatory"),
        ),
        FieldPanel("footer"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("certificate design")
        verbose_name_plural = _("certificate designs")

    def __str__(self):
        return f"{self.issuers} ({self.locale.language_code})"
