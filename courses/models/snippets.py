from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin

from accounts.models import County


class ReferralContact(TranslatableMixin, models.Model):
    """An organisation to refer to; shown in lessons in the learner's language."""

    organisation = models.CharField(_("organisation"), max_length=255)
    helps_with = models.TextField(_("what it helps with"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    county = models.CharField(
        _("county"),
        max_length=2,
        choices=County.choices,
        blank=True,
        help_text=_("Leave empty for a national contact."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("referral contact")
        verbose_name_plural = _("referral contacts")
        ordering = ["sort_order", "organisation"]

    def __str__(self):
        return self.organisation
