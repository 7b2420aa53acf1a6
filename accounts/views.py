"""Account pages. Thin: forms validate, services write, throttles guard."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from elearning.i18n import url_in_language

from . import personal_data, services
from .forms import (
    AccountDeleteForm,
    CurrentPasswordChangeForm,
    LoginForm,
    PreferredLanguageForm,
    ProfileForm,
    QueuedPasswordResetForm,
    RegistrationForm,
)
from .throttling import account_email_throttle, client_ip, password_lock_retry_after
from .tokens import account_activation_token

User = get_user_model()


def too_many_attempts(request, retry_after: int) -> HttpResponse:
    minutes = max(1, round(retry_after / 60))
    response = render(request, "accounts/too_many_attempts.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    status = 200
    if request.method == "POST":
        throttle = account_email_throttle()
        ip = client_ip(request)
        if throttle.is_blocked(ip):
            return too_many_attempts(request, throttle.retry_after())
        form = RegistrationForm(request.POST)
        if form.is_valid():
            throttle.hit(ip)
            profile = {
                k: v for k, v in form.cleaned_data.items() if k in RegistrationForm.Meta.fields
            }
            services.registration_submit(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                profile=profile,
            )
            request.session["registration_email"] = form.cleaned_data["email"]
            return redirect("accounts:register_done")
        status = 400
    else:
        form = RegistrationForm(initial={"preferred_language": translation.get_language()})
    return render(request, "accounts/register.html", {"form": form}, status=status)


def register_done(request):
    return render(
        request,
        "accounts/register_done.html",
        {"email": request.session.get("registration_email", "")},
    )


def activate(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if (
        user is None
        or not account_activation_token.check_token(user, token)
        or not services.account_activate(user=user)
    ):
        return render(request, "accounts/activation_invalid.html", status=400)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    messages.success(request, _("Your e-mail address is confirmed and your account is ready."))
    return redirect_to_preferred_language(request, user, reverse("accounts:profile"))


def redirect_to_preferred_language(request, user, url: str):
    """Send the learner to `url` in their preferred language and remember that language."""
    return redirect_in_language(url, user.preferred_language or settings.LANGUAGE_CODE)


def redirect_in_language(url: str, language: str):
    """Send the person to `url` in `language` and remember that language."""
    response = redirect(url_in_language(url, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )
    return response


class PasswordFormAnswers:
    """A form that checks a password answers 429 while the account or the address is locked
    out (the check itself counts: accounts.backends), and 400 for any other mistake."""

    def form_invalid(self, form):
        retry_after = password_lock_retry_after(form)
        if retry_after is not None:
            return too_many_attempts(self.request, retry_after)
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(PasswordFormAnswers, auth_views.LoginView):
    """Log in by e-mail. The lock-outs per account and per IP address are kept by the password
    check itself (accounts.backends), the same for every way a password is typed."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        login(self.request, form.get_user())
        # The language of the login page wins for this visit, not the account's preference
        # (which the profile offers to change): someone reading in English stays in English.
        return redirect_in_language(self.get_success_url(), translation.get_language())

    def get_default_redirect_url(self):
        return "/"


class PasswordChangeView(PasswordFormAnswers, auth_views.PasswordChangeView):
    """Django's view, with the current password checked (and throttled) like a login."""

    form_class = CurrentPasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def dispatch(self, request, *args, **kwargs):
        # Someone who signs in from their institution's platform has no password to change
        # (and none to give as the current one): the profile says so.
        if request.user.is_authenticated and not request.user.has_usable_password():
            messages.info(
                request,
                _(
                    "You sign in from your institution's learning platform: there is no "
                    "password to change here."
                ),
            )
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Django's reset view, throttled per IP address (each request may send an e-mail)."""
    if request.method == "POST":
        throttle = account_email_throttle()
        ip = client_ip(request)
        if throttle.is_blocked(ip):
            return too_many_attempts(request, throttle.retry_after())
        throttle.hit(ip)
    return auth_views.PasswordResetView.as_view(
        form_class=QueuedPasswordResetForm,
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
        extra_email_context={"site_url": settings.SITE_URL},
    )(request)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=User.objects.get(pk=request.user.pk))
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ProfileForm.Meta.fields}
            user = services.profile_update(user=request.user, data=data)
            messages.success(request, _("Your profile has been saved."))
            return redirect_to_preferred_language(request, user, reverse("accounts:profile"))
        status = 400
    else:
        form = ProfileForm(instance=request.user)
    return _render_profile(request, form, status=status)


# Shown in the language the learner reads now, which is the one the button offers.
MAKE_PREFERRED = {
    "en": gettext_lazy("Make English my preferred language"),
    "ro": gettext_lazy("Make Romanian my preferred language"),
}
NOW_PREFERRED = {
    "en": gettext_lazy("English is now your preferred language."),
    "ro": gettext_lazy("Romanian is now your preferred language."),
}


def _render_profile(request, form, *, status=200, language_form=None):
    """The profile page; it offers to make the language read now the preferred one when the
    two differ (logging in keeps the login page's language, whatever the preference)."""
    current = translation.get_language()
    offer = None
    if current in MAKE_PREFERRED and current != request.user.preferred_language:
        offer = {"language": current, "label": MAKE_PREFERRED[current]}
    context = {
        "form": form,
        "language_offer": offer,
        "preferred_language_label": request.user.get_preferred_language_display(),
        "language_form": language_form,
        # An account an LTI launch created: no password, no address of theirs (lti.services).
        "passwordless": not request.user.has_usable_password(),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
def preferred_language(request):
    """Make one language the learner's preferred one (the profile's one-click offer)."""
    form = PreferredLanguageForm(request.POST)
    if not form.is_valid():
        return _render_profile(
            request, ProfileForm(instance=request.user), status=400, language_form=form
        )
    language = form.cleaned_data["language"]
    user = services.profile_update(user=request.user, data={"preferred_language": language})
    with translation.override(language):
        messages.success(request, str(NOW_PREFERRED[language]))
    return redirect_to_preferred_language(request, user, reverse("accounts:profile"))


@login_required
@require_http_methods(["GET"])
def my_data(request):
    """What the platform holds about me, and the file with all of it (GDPR art. 15 and 20)."""
    if "download" in request.GET:
        data = personal_data.personal_data_export(request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="datele-mele.json"'
        return response
    return render(request, "accounts/my_data.html")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete my account (GDPR art. 17): confirmed with the password, then erased at once."""
    form = AccountDeleteForm(request.user, request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            retry_after = password_lock_retry_after(form)
            if retry_after is not None:
                return too_many_attempts(request, retry_after)
            return render(request, "accounts/account_delete.html", {"form": form}, status=400)
        personal_data.account_erase(request.user)
        logout(request)
        return redirect("accounts:account_deleted")
    return render(request, "accounts/account_delete.html", {"form": form})


def account_deleted(request):
    return render(request, "accounts/account_deleted.html")
