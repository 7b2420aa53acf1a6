"""The logged-in user and whether they may use Wagtail's admin, from the cache: Django reads the
user on every request (a wide row) and Wagtail's userbar costs two permission queries a page.

Django's checks still run on the cached copy (the session's auth hash, an inactive account). It
holds no password hash, only the session hash every session holds (`password` is deferred).
"""

import copy
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from accounts.models.users import SESSION_HASH_ATTRIBUTE

from . import admin_access, progress, read, users


def read_ahead(request, *, course_key=None) -> None:
    """Fetch the session user's account, admin flag and progress in `course_key` in one round
    trip. The user id is not verified yet (`get_user` does it): it only chooses what to fetch."""
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
