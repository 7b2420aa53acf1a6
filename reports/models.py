"""Coordinators' scope and the export files made for them."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import County, Institution
from elearning.infrastructure.private_files import private_storage


class ScopeLevel(models.TextChoices):
    INSTITUTION = "institution", _("One institution")
    COUNTY = "county", _("One county")
    NATIONAL = "national", _("National")


class CoordinatorScope(models.Model):
    """Whose people a coordinator may see. Every report, export and download applies it on the
    server, through `learner_filter()`; there is no other way to widen what a coordinator sees."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.CASCADE,
        related_name="coordinator_scope",
    )
    level = models.CharField(_("scope"), max_length=16, choices=ScopeLevel.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    county = models.CharField(_("county"), max_length=2, choices=County.choices, blank=True)

    class Meta:
        verbose_name = _("coordinator scope")
        verbose_name_plural = _("coordinator scopes")
        constraints = [
            models.CheckConstraint(
                name="scope_names_its_institution_or_county",
                condition=(
                    Q(level=ScopeLevel.INSTITUTION, institution__isnull=False, county="")
                    | Q(level=ScopeLevel.COUNTY, institution__isnull=True) & ~Q(county="")
                    | Q(level=ScopeLevel.NATIONAL, institution__isnull=True, county="")
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.describe()}"

    def describe(self) -> str:
        if self.level == ScopeLevel.INSTITUTION:
            return str(self.institution)
        if self.level == ScopeLevel.COUNTY:
            return str(County(self.county).label)
        return str(ScopeLevel.NATIONAL.label)

    def clean(self):
        super().clean()
        if self.level == ScopeLevel.INSTITUTION:
            if not self.institution_id:
                raise ValidationError({"institution": _("Choose the coordinator's institution.")})
            self.county = ""
        elif self.level == ScopeLevel.COUNTY:
            if not self.county:
                raise ValidationError({"county": _("Choose the coordinator's county.")})
            self.institution = None
        else:
            self.institution = None
            self.county = ""

    def learner_filter(self, prefix: str = "") -> Q:
        """The people in scope, as a filter on a User (prefix "") or on a model with a learner
        foreign key (prefix "learner__")."""
        if self.level == ScopeLevel.INSTITUTION:
            return Q(**{f"{prefix}institution_id": self.institution_id})
        if self.level == ScopeLevel.COUNTY:
            return Q(**{f"{prefix}county": self.county})
        return Q()


class ReportAccess(models.Model):
    """Carries the permission to see coordinators' reports, and nothing else (no table).

    The permission lived on CoordinatorScope until Wagtail's site history showed why not: it
    lists the changes to every model on which a person holds any permission, so coordinators
    saw each scope an administrator created or changed, with the other coordinators' names. No
    object of this model exists, so no history does either."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("Can see coordinator reports"))]
        verbose_name = _("access to reports")

    def __str__(self):
        return str(self._meta.verbose_name)


def export_storage() -> FileSystemStorage:
    """Where exports were before they moved into the private storage's "exports/" folder (kept
    for migrations 0001 and 0002)."""
    return FileSystemStorage(location=Path(settings.PRIVATE_FILES_ROOT) / "exports")


class ExportJob(models.Model):
    class Report(models.TextChoices):
        COMPLETION = "completion", _("Completion")
        SUMMARY = "summary", _("Course summary")
        IMPACT = "impact", _("Impact")
        CERTIFICATES = "certificates", _("Certificates register")
        DONOR = "donor", _("Summary for donors")
        INDICATORS = "indicators", _("Indicators")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    report = models.CharField(_("report"), max_length=16, choices=Report.choices)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    # The cleaned filters, in a stable order: what the coordinator saw when asking.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(max_length=2, default="ro")
    # Same person, report, format and filters: while one such job runs, asking again joins it.
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    # Personal data: in the private storage (as certificates), handed out only by the download
    # view, which checks who asks.
    file = models.FileField(storage=private_storage, upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=["queued", "running"]),
                name="one_running_export_per_request",
            )
        ]

    def __str__(self):
        return f"{self.get_report_display()} ({self.get_format_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class DirectoryReminder(models.Model):
    """The weekly "entries to verify" e-mail to a coordinator, claimed by its row before it is
    sent (unique per coordinator and week), so a second run in the same week sends nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_reminders"
    )
    week = models.DateField(_("week starting on"))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral directory reminder")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_directory_reminder_a_week")
        ]

    def __str__(self):
        return f"{self.user} · {self.week}"
