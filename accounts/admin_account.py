"""Wagtail's Account page for our user model.

Wagtail's "Name" panel asks for a first and a last name, which our user does not have: a person
has one full name, as printed on their certificates. The panel could not be saved without them,
and what was typed was thrown away. Here it edits the full name, normalised as on the site.
The e-mail address, which is the login, is not changed from this page
(WAGTAIL_EMAIL_MANAGEMENT_ENABLED is off): the site does not offer it either, and an
administrator changes it under Users. The "Password" panel checks the current password with
the same throttled check as every login (accounts.backends), not with `check_password` alone.
"""

from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.forms.auth import PasswordChangeForm
from wagtail.admin.views.account import AccountView as WagtailAccountView
from wagtail.admin.views.account import ChangePasswordPanel, NameEmailSettingsPanel

from .forms import CurrentPasswordCheckMixin, normalise_full_name
from .models import User


class FullNameForm(NameEmailForm):
    first_name = None
    last_name = None

    class Meta(NameEmailForm.Meta):
        model = User
        fields = ["full_name", "email"]

    def clean_full_name(self):
        return normalise_full_name(self.cleaned_data.get("full_name", ""))


class FullNameSettingsPanel(NameEmailSettingsPanel):
    form_class = FullNameForm


class CurrentPasswordChangeForm(CurrentPasswordCheckMixin, PasswordChangeForm):
    """Wagtail's password change, with the current password checked (and throttled) by the
    same check as every login."""


class CurrentPasswordPanel(ChangePasswordPanel):
    form_class = CurrentPasswordChangeForm


REPLACED_PANELS = {
    NameEmailSettingsPanel: FullNameSettingsPanel,
    ChangePasswordPanel: CurrentPasswordPanel,
}


class AccountView(WagtailAccountView):
    def get_panels(self):
        return [
            REPLACED_PANELS[type(panel)](panel.request, panel.user, panel.profile)
            if type(panel) in REPLACED_PANELS
            else panel
            for panel in super().get_panels()
        ]


# Mounted at Wagtail's own address (elearning/urls.py, before the admin's URLs), with the
# decorators Wagtail gives every admin view.
account = never_cache(require_admin_access(AccountView.as_view()))
