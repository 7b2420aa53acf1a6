from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ProfessionalRole


class CatalogueFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("All roles"))] + list(ProfessionalRole.choices),
    )
    q = forms.CharField(label=_("Search the courses"), required=False, max_length=200)

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


class RunStartForm(forms.Form):
    """ "Start again": the number of the run the learner was shown as current, so that a second
    click or tab (or a forged number) starts nothing."""

    after_run = forms.IntegerField(min_value=1, max_value=32767)
