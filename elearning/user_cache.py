"""The logged-in user, cached between changes to their account.

Django reads the user from the database on every request: one query for a wide row, a third of
a warm lesson view's CPU once its page came from the cache. The copy cached here is used exactly
where that row was: Django's own `get_user` still compares the session's auth hash with it (a
password changed elsewhere logs the other sessions out), and `user_can_authenticate` still
refuses an inactive account.

Each save or delete of a user moves their version on, at once and again after the transaction
commits, so a copy read before the change (by a request running at the same time) is never
used after it: a copy is used only under the version it was stored with. The admin-access flag
(`elearning.admin_access`) comes back in the same round trip.

The cached copy holds no password hash: someone who reads Redis must not get hashes to crack
offline. It carries instead the session hash Django compares (an HMAC of the password hash under
SECRET_KEY, as each session holds it already), and its `password` is a deferred field that Django
reads from the database only where a password is checked (changing it, deleting the account).
"""

from __future__ import annotations

import copy
import hashlib

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save

from accounts import throttling
from accounts.models.users import SESSION_HASH_ATTRIBUTE

from . import admin_access, request_cache
from .page_cache import bump_now_and_after_commit, version_in

# A bound on how long a change made without saving the model (a bulk UPDATE in a shell) stays
# unseen; every change through the ORM is seen at once.
TIMEOUT = 10 * 60


def version_key(user_id) -> str:
    return f"user:version:{user_id}"


def entry_key(user_id) -> str:
    # The copy carries a session hash, an HMAC under SECRET_KEY: it is good only for the key it
    # was computed with. After a key rotation (or for a server with another key, as benchmarks
    # start them) a copy stored under the old key would log out every session signed with the
    # new one, so each key has its own entries.
    key_id = hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:12]
    return f"user:{key_id}:{user_id}"


def keys_for(user_id) -> list[str]:
    """What a request of this user reads: their account and their admin-access flag."""
    return [version_key(user_id), entry_key(user_id), *admin_access.keys_for(user_id)]


def session_user_id(request):
    """The id of the user the request's session names, not yet verified (Django's `get_user`
    does that): only for choosing which cache entries to fetch ahead, never for access."""
    try:
        return get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
    except (KeyError, ValidationError):
        return None


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend, with `get_user` from the cache and the one password check.

    Every password typed reaches `authenticate` (logging in on the site or in the admin, and
    the forms that ask for the current password), so this is where attempts are counted and
    refused over the limit (elearning.throttling). It keeps its name: sessions store the
    backend's path, and another one would log everybody out.
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
        keys = keys_for(user_id)
        found = request_cache.get_many(keys)
        version = version_in(found, keys[0])
        entry = found.get(keys[1])
        if entry is not None and entry[0] == version:
            user = entry[1]
        else:
            user = get_user_model()._default_manager.filter(pk=user_id).first()
            if user is None:
                return None
            stored = _without_password(user)
            cache.set(keys[1], (version, stored), TIMEOUT)
            request_cache.remember(keys[1], (version, stored))
        return user if self.user_can_authenticate(user) else None


def _without_password(user):
    """A copy of `user` to cache: the password hash left out (a deferred field, loaded from the
    database if it is ever read), the session hash computed from it kept instead."""
    stored = copy.copy(user)
    stored.__dict__[SESSION_HASH_ATTRIBUTE] = user.get_session_auth_hash()
    del stored.__dict__["password"]
    return stored


def user_changed(*, instance, **kwargs) -> None:
    account_changed(instance.pk)


def account_changed(user_id) -> None:
    """Retire the cached copy of this user: now, and again after the transaction commits. For
    writes that send no signal (a queryset update), the caller says so here."""
    bump_now_and_after_commit(version_key(user_id))


def connect_signals() -> None:
    user_model = get_user_model()
    post_save.connect(user_changed, sender=user_model, dispatch_uid="user-cache-save")
    post_delete.connect(user_changed, sender=user_model, dispatch_uid="user-cache-delete")
