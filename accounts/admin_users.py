"""Wagtail's Users admin for our user model (e-mail login, full name, professional profile)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import normalise_full_name
from .models import User

PROFILE_FIELDS = [
    "full_name",
    "role",
    "institution",
    "institution_other",
    "county",
    "preferred_language",
]


class ProfileAdminFieldsMixin:
    def clean_full_name(self):
        return normalise_full_name(self.cleaned_data.get("full_name", ""))


class UserCreationForm(ProfileAdminFieldsMixin, WagtailUserCreationForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=True, label=_("E-mail address"))

    class Meta(WagtailUserCreationForm.Meta):
        model = User
        fields = ["email", "is_superuser", "groups", *PROFILE_FIELDS]


class UserEditForm(ProfileAdminFieldsMixin, WagtailUserEditForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=True, label=_("E-mail address"))

    class Meta(WagtailUserEditForm.Meta):
        model = User
        fields = ["email", "is_active", "is_superuser", "groups", *PROFILE_FIELDS]


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm
