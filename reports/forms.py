"""Report filters and the bulk-enrolment upload. Choices are limited to the coordinator's scope,
so a value outside it is "not a valid choice" rather than a silently widened report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import County, Institution, Language, ProfessionalRole

from .models import CoordinatorScope, ScopeLevel
from .selectors import EXPIRING_DAYS, CertificateFilter, CourseInfo, Status

GROUP_CHOICES = [("", _("Whole course")), ("role", _("By role")), ("county", _("By county"))]
PERIOD_CHOICES = [("month", _("Month")), ("year", _("Year"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportFilterForm(forms.Form):
    """The filters every report shares; a report shows the ones it uses (`fields_for`)."""

    course = forms.TypedChoiceField(label=_("Course"), required=False, empty_value=None)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *ProfessionalRole.choices]
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=Institution.objects.none(),
        empty_label=_("All institutions"),
    )
    county = forms.ChoiceField(label=_("County"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Both languages")), *Language.choices]
    )
    certificate = forms.ChoiceField(
        label=_("Certificate"),
        required=False,
        choices=[("", _("Any certificate")), *CertificateFilter.choices],
        help_text=_(
            "The certificate of the run shown, or the latest one while a new run is in progress."
        ),
    )
    expiring_days = forms.IntegerField(
        label=_("Expiring within (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        initial=EXPIRING_DAYS,
        widget=forms.NumberInput(attrs={"placeholder": str(EXPIRING_DAYS)}),
        help_text=_("For “Expiring within the days below”; 90 when left empty."),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Start date of each learner's current run; with the status “Completed”, the "
            "completion date of every run completed in the period (renewals included)."
        ),
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    group_by = forms.ChoiceField(label=_("Break down"), required=False, choices=GROUP_CHOICES)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=PERIOD_CHOICES)

    REPORT_FIELDS = {
        "completion": [
            "course",
            "role",
            "institution",
            "county",
            "status",
            "certificate",
            "expiring_days",
            "date_from",
            "date_to",
            "language",
        ],
        "summary": ["course", "role", "institution", "county", "date_from", "date_to", "group_by"],
        "impact": ["course", "role", "institution", "county", "date_from", "date_to", "group_by"],
        "certificates": [
            "course",
            "role",
            "institution",
            "county",
            "date_from",
            "date_to",
            "period",
        ],
        "donor": ["course", "role", "institution", "county", "date_from", "date_to"],
        "indicators": [
            "course",
            "role",
            "institution",
            "county",
            "date_from",
            "date_to",
            "group_by",
        ],
    }

    def __init__(self, data, *, scope: CoordinatorScope, courses: list[CourseInfo], report: str):
        super().__init__(data)
        for name in list(self.fields):
            if name not in self.REPORT_FIELDS[report]:
                del self.fields[name]
        if report == "impact":
            self.fields["group_by"].choices = [
                *GROUP_CHOICES,
                ("objective", _("By learning objective")),
            ]
        if report == "indicators":
            self.fields["group_by"].choices = [
                ("", _("Overall only")),
                ("role", _("By role")),
                ("county", _("By county")),
                ("month", _("By month")),
            ]
            self.fields["date_from"].help_text = _(
                "Completion date of the runs counted: the people trained in the period."
            )
        self.fields["course"].choices = [("", _("All courses"))] + [
            (str(c.key), c.title) for c in courses
        ]
        self.fields["course"].coerce = _uuid_of(courses)
        institutions = Institution.objects.all()
        counties = list(County.choices)
        if scope.level == ScopeLevel.INSTITUTION:
            institutions = institutions.filter(pk=scope.institution_id)
            counties = [c for c in counties if c[0] == scope.institution.county]
        elif scope.level == ScopeLevel.COUNTY:
            institutions = institutions.filter(county=scope.county)
            counties = [c for c in counties if c[0] == scope.county]
        self.fields["institution"].queryset = institutions.order_by("name")
        self.fields["county"].choices = [("", _("All counties")), *counties]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The start date is after the end date."), code="reversed_range"
            )
        return data

    def filters(self) -> dict:
        """The cleaned filters, without the empty ones (and the days only with "expiring")."""
        filters = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if filters.get("certificate") != CertificateFilter.EXPIRING:
            filters.pop("expiring_days", None)
        return filters

    def as_export(self) -> dict:
        """The filters as JSON-safe strings in a stable order, to store with an export job."""
        out = {}
        for key, value in sorted(self.filters().items()):
            if isinstance(value, Institution):
                value = value.pk
            out[key] = str(value)
        return out


def _uuid_of(courses):
    by_text = {str(c.key): c.key for c in courses}

    def coerce(value):
        return by_text[value]

    return coerce


class EnrollmentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: full name, e-mail, role, institution, county. "
            "The first line holds the column names. At most 2 MB."
        ),
    )
    courses = forms.MultipleChoiceField(
        label=_("Courses"), widget=forms.CheckboxSelectMultiple, choices=[]
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())
    renewal = forms.BooleanField(
        label=_("Renewal: learners who have completed a course start it again"),
        required=False,
        help_text=_(
            "Someone whose current run of a course is completed gets a new run (a renewal) "
            "due on the date above; someone in a run keeps it, with the new due date."
        ),
    )

    def __init__(self, *args, courses: list[CourseInfo], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].choices = [(str(c.key), c.title) for c in courses]
        self._courses = {str(c.key): c for c in courses}

    def clean_due_on(self):
        return _due_on_checked(self.cleaned_data["due_on"])

    def chosen_courses(self) -> list[CourseInfo]:
        return [self._courses[k] for k in self.cleaned_data["courses"]]


def _due_on_checked(due):
    from django.utils import timezone

    if due < timezone.localdate():
        raise forms.ValidationError(_("The due date has already passed."))
    return due


class RenewalAssignForm(forms.Form):
    """The due date of a renewal assigned to the people a filtered completion report shows
    (the filters come with it, checked by ReportFilterForm)."""

    due_on = forms.DateField(label=_("Due date"), widget=DateInput())

    def clean_due_on(self):
        return _due_on_checked(self.cleaned_data["due_on"])
