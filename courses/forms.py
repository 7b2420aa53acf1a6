from uuid import UUID

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

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


# A campaign gives holders time to re-certify; years ahead is a typing mistake, not a plan.
RECERTIFICATION_LONGEST = 5 * 366


class RecertificationForm(forms.Form):
    """Start a course's re-certification: by when, why (in both languages: learners read it in
    theirs), and which steps a renewal keeps from the run before. `steps` are the course's
    StepLinks (courses.selectors.course_step_links): a step key not among them is refused."""

    required_by = forms.DateField(
        label=_("Re-certification required by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "A day in the future. After it, certificates not renewed show “renewal overdue”."
        ),
    )
    reason_ro = forms.CharField(
        label=_("Reason shown to learners (Romanian)"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: “The Criminal Code changed in 2024.”"),
    )
    reason_en = forms.CharField(
        label=_("Reason shown to learners (English)"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    carry_over = forms.MultipleChoiceField(
        label=_("Steps that carry over"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ticked steps done in the learner's previous run count in their renewal: only the "
            "others (the lessons that changed) must be done again."
        ),
    )

    def __init__(self, *args, steps, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = steps
        self.today = today
        self.fields["carry_over"].choices = [
            (str(step.translation_key), step.title) for step in steps
        ]

    def clean_required_by(self):
        required_by = self.cleaned_data["required_by"]
        if required_by <= self.today:
            raise forms.ValidationError(_("Choose a day after today."))
        if (required_by - self.today).days > RECERTIFICATION_LONGEST:
            raise forms.ValidationError(_("Choose a day within the next five years."))
        return required_by

    def clean_carry_over(self):
        return [UUID(key) for key in self.cleaned_data["carry_over"]]

    def clean(self):
        cleaned = super().clean()
        carried = set(cleaned.get("carry_over") or [])
        required = {step.translation_key for step in self.steps if step.counts_for_completion}
        if required and required <= carried:
            self.add_error(
                "carry_over",
                _(
                    "Leave at least one required step to be done again, or the renewal asks "
                    "nothing."
                ),
            )
        return cleaned


class ReferralContactForm(WagtailAdminModelForm):
    """A directory entry in the admin: the county can only be one the person maintains
    (courses.directory), checked again on save whatever the POST says."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from . import directory

        counties = directory.counties_maintained_by(self.for_user) if self.for_user else None
        if counties is not directory.EVERY and "county" in self.fields:
            field = self.fields["county"]
            field.choices = [(value, label) for value, label in field.choices if value in counties]

    def clean_county(self):
        from . import directory

        county = self.cleaned_data.get("county", "")
        if self.for_user is not None and not directory.maintains(self.for_user, county):
            raise forms.ValidationError(_("You do not maintain this county's entries."))
        return county

    def clean(self):
        """One entry of each kind per county and language (the import upserts by them); the
        database's constraint names the locale, which is not a form field, so Django's form
        would not check it and a duplicate would be a 500."""
        from wagtail.models import Locale

        from .models import ReferralContact, ReferralKind

        cleaned = super().clean()
        kind, county = cleaned.get("kind"), cleaned.get("county", "")
        if kind and kind != ReferralKind.OTHER:
            locale_id = self.instance.locale_id or Locale.get_default().pk
            duplicates = ReferralContact.objects.filter(
                locale_id=locale_id, county=county, kind=kind
            )
            if duplicates.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(
                    _("This county already has an entry of this kind: edit that one.")
                )
        return cleaned


class ReferralDirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: county, kind, name_ro, name_en, helps_with_ro, helps_with_en, phone, "
            "email, website, notes, last_verified_on (as exported). At most 1 MB."
        ),
    )
