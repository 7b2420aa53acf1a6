import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin

from accounts.models import County

# An entry nobody has confirmed for this long may be out of date (issue 18, point 6): learners
# are told so beside it, and its county's coordinator is reminded.
VERIFICATION_VALID_FOR = datetime.timedelta(days=183)


class ReferralKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency number (112)")
    CHILD_HELPLINE = "child_helpline", _("Child protection helpline (119)")
    ANTI_TRAFFICKING = "anti_trafficking", _("Anti-trafficking agency (ANITP)")
    CHILD_PROTECTION = "child_protection", _("Child protection directorate (DGASPC)")
    POLICE = "police", _("Police inspectorate")
    OTHER = "other", _("Other organisation")


phone_validator = RegexValidator(
    r"^[0-9][0-9 ./()-]*$|^\+[0-9][0-9 ./()-]*$",
    _("Enter a phone number: digits, spaces and + . / ( ) - only."),
)


class ReferralContact(TranslatableMixin, models.Model):
    """An organisation to refer to; shown in lessons in the learner's language.

    The directory has one entry per county and kind (a county's DGASPC, its police
    inspectorate) and the national ones (county empty). The Romanian entry and its English
    translation share a translation_key; what is not text (kind, county, phone, website, the
    verification) is the same in both and kept so by `courses.services`."""

    organisation = models.CharField(_("organisation"), max_length=255)
    helps_with = models.TextField(_("what it helps with"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReferralKind.choices, default=ReferralKind.OTHER
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    county = models.CharField(
        _("county"),
        max_length=2,
        choices=County.choices,
        blank=True,
        help_text=_("Leave empty for a national contact."),
    )
    notes = models.TextField(
        _("notes for those who maintain the directory"), blank=True, max_length=2000
    )
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("referral contact")
        verbose_name_plural = _("referral contacts")
        ordering = ["sort_order", "organisation"]
        constraints = [
            # The import upserts by (county, kind): one entry of each kind per county and
            # language, except "other", of which a county may list several.
            models.UniqueConstraint(
                fields=["locale", "county", "kind"],
                condition=~Q(kind="other"),
                name="one_referral_entry_per_county_and_kind",
            )
        ]

    def __str__(self):
        return self.organisation

    @property
    def is_stale(self) -> bool:
        """Never verified, or verified longer ago than VERIFICATION_VALID_FOR."""
        return self.last_verified_on is None or (
            self.last_verified_on < timezone.localdate() - VERIFICATION_VALID_FOR
        )
