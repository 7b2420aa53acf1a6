"""The logged-in user and whether they may use Wagtail's admin, from the cache.

Django reads the user on every request (a wide row: a third of a warm lesson view's CPU) and
Wagtail's userbar costs two permission queries on every page. Django's checks still run on the
cached copy: `get_user` compares the session's auth hash (a password changed elsewhere logs the
other sessions out), the backend refuses an inactive account; the admin checks its permission
itself. The copy holds no password hash (whoever reads Redis gets none to crack): it carries the
session hash Django compares (an HMAC, which every session holds already), and `password` is a
deferred field, read from the database only where a password is checked.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from accounts.models.users import SESSION_HASH_ATTRIBUTE

from . import admin_access, progress, users
from .core import read


def read_ahead(request, *, course_key=None) -> None:
    """Fetch the session user's account and admin flag, and their progress in the course
    `course_key`, in one round trip before anything asks for them. The session's user id is
    not verified yet (Django's `get_user` does that): it only chooses what to fetch."""
    try:
        user_id = get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
    except (KeyError, ValidationError):
        return
    more = progress.keys(user_id, course_key) if course_key is not None else []
    read([*users.keys(user_id), *admin_access.keys(user_id), *more])


def logged_in_user(user_id, load: Callable):
    """The user `load()` reads (None when it raises DoesNotExist), cached."""
    loaded = None

    def fill():
        nonlocal loaded
        loaded = load()
        stored = copy.copy(loaded)
        stored.__dict__[SESSION_HASH_ATTRIBUTE] = loaded.get_session_auth_hash()
        del stored.__dict__["password"]
        return stored

    read([*users.keys(user_id), *admin_access.keys(user_id)])  # the userbar's flag comes along
    try:
        cached = users.get(user_id, fill=fill)
    except ObjectDoesNotExist:
        return None
    return loaded or cached  # the row just read, password and all, or the cached copy


def user_can_access_admin(*, user) -> bool:
    if not user.is_authenticated:
        return False
    return admin_access.get(user.pk, fill=lambda: user.has_perm("wagtailadmin.access_admin"))
