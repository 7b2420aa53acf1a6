"""Wagtail's login page, for the people who use the admin.

The password is checked by the one throttled check every login goes through
(accounts.backends), so the admin's door locks after as many wrong passwords as the site's
and an account locked on one is locked on the other. A person without access to the admin (a
learner) is not logged in here: Wagtail would log them in and then say they have no permission,
leaving a session that works on the site. They are told to log in on the site instead.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.views.account import LoginView as WagtailLoginView

from .throttling import password_lock_retry_after


class LoginView(WagtailLoginView):
    def form_valid(self, form):
        if not form.get_user().has_perm("wagtailadmin.access_admin"):
            form.add_error(
                None,
                ValidationError(
                    _(
                        "This account does not use the administration. Log in on the site "
                        "instead: %(url)s"
                    ),
                    code="no_admin_access",
                    params={"url": self.request.build_absolute_uri(reverse("accounts:login"))},
                ),
            )
            response = super().form_invalid(form)
            response.status_code = 403
            return response
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        retry_after = password_lock_retry_after(form)
        if retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(retry_after)
        else:
            response.status_code = 400
        return response
