"""The workplaces learners belong to."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .counties import County


class InstitutionType(models.TextChoices):
    SCHOOL = "school", _("School or school inspectorate")
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecutor's office")
    COURT = "court", _("Court")
    CHILD_PROTECTION = "child_protection", _("Social assistance and child protection")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other public institution")


class Institution(models.Model):
    """A workplace learners belong to; coordinators' reports are scoped by it."""

    name = models.CharField(_("name"), max_length=255)
    type = models.CharField(_("type"), max_length=32, choices=InstitutionType.choices)
    county = models.CharField(_("county"), max_length=2, choices=County.choices)
    is_active = models.BooleanField(
        _("shown at registration"),
        default=True,
        help_text=_("Untick to stop offering this institution to new learners."),
    )
    # Consent given by the institution (issue 20): its learners' learning events are sent to
    # the programme's learning record store, when one is configured (learning_records).
    share_learning_records = models.BooleanField(
        _("share learning records"),
        default=False,
        help_text=_(
            "Tick when the institution agrees that its learners' course activity (not their "
            "names or e-mail addresses) is sent to the programme's learning record store."
        ),
    )

    class Meta:
        # The table kept its name when the model moved from `elearning` (see
        # accounts/migrations/0001_initial.py): no data was copied.
        db_table = "elearning_institution"
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "county"], name="institution_unique_per_county")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_county_display()})"
