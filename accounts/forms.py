"""Account forms: registration, profile, and the login form with a non-revealing error."""

import unicodedata
from datetime import timedelta

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FULL_NAME_MAX_LENGTH, County, Institution, Language, ProfessionalRole, User

# Romanian keyboards and old documents still produce the cedilla forms; certificates must use
# the correct comma-below letters.
CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "Ş": "Ș", "ţ": "ț", "Ţ": "Ț"})
NAME_PUNCTUATION = set(" -'’.")


def normalise_full_name(value: str) -> str:
    """Collapse spaces, use comma-below ș ț, and accept only letters and name punctuation."""
    value = unicodedata.normalize("NFC", " ".join((value or "").split())).translate(
        CEDILLA_TO_COMMA
    )
    if not value:
        raise ValidationError(_("Enter your full name."), code="required")
    if len(value) > FULL_NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name can have at most %(max)d characters."),
            code="max_length",
            params={"max": FULL_NAME_MAX_LENGTH},
        )
    if any(not (ch.isalpha() or ch in NAME_PUNCTUATION) for ch in value):
        raise ValidationError(
            _("A name can contain only letters, spaces, hyphens, apostrophes and full stops."),
            code="invalid_characters",
        )
    if sum(ch.isalpha() for ch in value) < 2:
        raise ValidationError(_("Enter your full name."), code="too_short")
    return value


def own_max_length_message(field: forms.Field, message) -> None:
    """Give `field`'s length limit the form's own message (or none, with `message=None`, when
    the form's clean method says it after normalising): Django's generic "Ensure this value has
    at most N characters" runs first and would win over it. `message` may use %(limit_value)d."""
    validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    if message is not None and field.max_length is not None:
        validators.append(MaxLengthValidator(field.max_length, message=message))
    field.validators = validators


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


# What registration and the profile page both write to the user.
PROFILE_MODEL_FIELDS = [
    "full_name",
    "role",
    "county",
    "institution",
    "institution_other",
    "preferred_language",
]
# The order a person fills them in ("institution not listed" opens the free-text field).
PROFILE_FIELD_ORDER = [
    "full_name",
    "role",
    "county",
    "institution",
    "institution_not_listed",
    "institution_other",
    "preferred_language",
]


class ProfileFieldsMixin(forms.Form):
    """Fields and rules shared by registration and profile editing."""

    institution_not_listed = forms.BooleanField(
        label=_("My institution is not in the list"), required=False
    )

    def _setup_profile_fields(self):
        # normalise_full_name says it, once spaces are collapsed.
        own_max_length_message(self.fields["full_name"], None)
        self.fields["full_name"].max_length = None
        self.fields["full_name"].widget.attrs.update(
            {"autocomplete": "name", "maxlength": FULL_NAME_MAX_LENGTH}
        )
        self.fields["role"].choices = [("", _("Choose your role"))] + list(ProfessionalRole.choices)
        self.fields["role"].required = True
        self.fields["county"].choices = [("", _("Choose your county"))] + list(County.choices)
        self.fields["county"].required = True
        self.fields["institution"] = InstitutionChoiceField(
            queryset=Institution.objects.filter(is_active=True).order_by("county", "name"),
            required=False,
            label=_("Institution"),
            empty_label=_("Choose your institution"),
        )
        self.fields["institution_other"].widget.attrs["maxlength"] = 255
        own_max_length_message(
            self.fields["institution_other"],
            _("The name of an institution can have at most %(limit_value)d characters."),
        )
        self.fields["institution_other"].label = _("Name of your institution")
        self.fields["institution_other"].help_text = ""
        # Required only when "not in the list" is ticked: don't label it optional.
        self.fields["institution_other"].conditional = True
        self.fields["preferred_language"].choices = Language.choices

    def clean_full_name(self):
        return normalise_full_name(self.cleaned_data.get("full_name", ""))

    def clean_institution_other(self):
        return " ".join(self.cleaned_data.get("institution_other", "").split())

    def clean(self):
        cleaned = super().clean()
        institution = cleaned.get("institution")
        not_listed = cleaned.get("institution_not_listed")
        other = cleaned.get("institution_other", "")
        if not_listed:
            cleaned["institution"] = None
            if not other:
                self.add_error("institution_other", _("Enter the name of your institution."))
        elif institution is None and "institution" not in self.errors:
            self.add_error(
                "institution",
                _("Choose your institution, or tick “My institution is not in the list”."),
            )
        else:
            cleaned["institution_other"] = ""
        return cleaned

    def institution_groups(self):
        """Institutions grouped by county, for the searchable list in the template."""
        groups: dict[str, list[Institution]] = {}
        for institution in self.fields["institution"].queryset:
            groups.setdefault(institution.county, []).append(institution)
        labels = dict(County.choices)
        return [(code, labels[code], items) for code, items in groups.items()]


class ProfileModelForm(ProfileFieldsMixin, forms.ModelForm):
    """What registration and the profile page share: the user's profile fields, set up."""

    class Meta:
        model = User
        fields = PROFILE_MODEL_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_profile_fields()


class RegistrationForm(ProfileModelForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # The profile's fields as the profile page orders them, with the e-mail after the name.
    field_order = [
        "full_name",
        "email",
        *PROFILE_FIELD_ORDER[1:],
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own_max_length_message(
            self.fields["email"],
            _("An e-mail address can have at most %(limit_value)d characters."),
        )
        self.order_fields(self.field_order)

    def clean_email(self):
        # Uniqueness is deliberately not checked here: the answer must not reveal accounts.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(ProfileModelForm):
    field_order = PROFILE_FIELD_ORDER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if (
            self.instance.pk
            and not self.instance.institution_id
            and self.instance.institution_other
        ):
            self.fields["institution_not_listed"].initial = True
        self.order_fields(self.field_order)


class PreferredLanguageForm(forms.Form):
    """The profile's one-click "Make English my preferred language"."""

    language = forms.ChoiceField(
        choices=Language.choices,
        error_messages={
            "required": _("Choose English or Romanian."),
            "invalid_choice": _("Choose English or Romanian."),
        },
    )


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is not right. If you have just registered, "
            "first open the link we sent you by e-mail."
        ),
        "inactive": _(
            "The e-mail address or the password is not right. If you have just registered, "
            "first open the link we sent you by e-mail."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )
        self.fields["password"].label = _("Password")


def current_password_is_right(*, user, password: str) -> bool:
    """Check a logged-in person's password through `authenticate()`, the one throttled
    password check (accounts.backends), never with `check_password` alone: guessing the
    current password counts against the same limit as logging in. Over the limit it raises
    TooManyPasswordAttempts, a ValidationError the form shows."""
    found = authenticate(username=user.get_username(), password=password or "")
    return found is not None and found.pk == user.pk


class CurrentPasswordCheckMixin:
    """For Django's PasswordChangeForm and its subclasses (Wagtail's): the current password
    goes through the throttled check."""

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not current_password_is_right(user=self.user, password=old_password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class CurrentPasswordChangeForm(CurrentPasswordCheckMixin, PasswordChangeForm):
    pass


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail through the task queue, so that the response takes as long
    whether or not the address has an account."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from .services import email_queue_rendered

        email_queue_rendered(
            to=to_email,
            subject_template=subject_template_name,
            body_template=email_template_name,
            context=context,
        )


# How recently someone without a password (an account an LTI launch created) must have signed
# in, from their platform, to delete their account: the launch is their proof of identity.
SIGN_IN_PROOF_MINUTES = 30


class AccountDeleteForm(forms.Form):
    """Deleting an account cannot be undone: the learner confirms with their password, or,
    without one (they sign in from their institution's platform), by a recent sign-in."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good."),
    )

    SIGN_IN_PROOF_MINUTES = SIGN_IN_PROOF_MINUTES  # for the template

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.passwordless = not user.has_usable_password()
        if self.passwordless:
            del self.fields["password"]

    def signed_in_recently(self) -> bool:
        last = self.user.last_login
        return last is not None and timezone.now() - last <= timedelta(
            minutes=SIGN_IN_PROOF_MINUTES
        )

    def clean(self):
        cleaned = super().clean()
        if self.passwordless and not self.signed_in_recently():
            raise ValidationError(
                _(
                    "To confirm that it is you, open one of our courses again from your "
                    "institution's learning platform, then delete your account within "
                    "%(minutes)s minutes."
                ),
                code="sign_in_again",
                params={"minutes": SIGN_IN_PROOF_MINUTES},
            )
        return cleaned

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not current_password_is_right(user=self.user, password=password):
            raise ValidationError(_("The password is not correct."), code="password_incorrect")
        return password
