from django import forms
from django.utils.translation import gettext_lazy as _

from .codes import normalise


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_(
            "As printed on the certificate, e.g. 7KQ2-M9XD-4T1P-8ZRW. Dashes and case do not matter."  # noqa: E501
        ),
    )

    def clean_code(self):
        code = normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("A verification code has 16 letters and digits."))
        return code
