"""The authentication backend: Django's ModelBackend, with the one password check and the
logged-in user read from the cache (elearning/infrastructure/caching/auth.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts import throttling
from elearning.infrastructure.caching.auth import logged_in_user


class AccountBackend(ModelBackend):
    """Django's ModelBackend, with `get_user` from the cache and the one password check.

    Every password typed reaches `authenticate` (logging in on the site or in the admin, and
    the forms that ask for the current password), so this is where attempts are counted and
    refused over the limit (accounts.throttling). Sessions store this class's dotted path:
    moving or renaming it logs everybody out once (see docs/architecture.md, "Upgrading").
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        # Counted before the password is checked; raises TooManyPasswordAttempts over a limit.
        throttling.password_attempt_begin(request=request, email=username)
        user = super().authenticate(request, username=username, password=password)
        if user is not None:
            throttling.password_attempt_succeeded(request=request, email=username)
        return user

    def get_user(self, user_id):
        user = logged_in_user(user_id, lambda: get_user_model()._default_manager.get(pk=user_id))
        return user if user is not None and self.user_can_authenticate(user) else None
