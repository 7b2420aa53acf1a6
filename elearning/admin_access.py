"""Whether a person may use Wagtail's admin, cached per user.

Every page shows Wagtail's userbar to editors. Asking Django costs two permission queries on
every page a learner sees, and learners are nearly everyone, so the answer is cached per user and
dropped when a user, their groups or permissions, or a group's permissions change. The flag only
decides whether the userbar is drawn; the admin checks the permission itself on every request.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import request_cache
from .page_cache import bump, version_in

VERSION_KEY = "admin-access:version"
TIMEOUT = 10 * 60


def _key(user_id: int) -> str:
    return f"admin-access:{user_id}"


def keys_for(user_id: int) -> list[str]:
    """What `user_can_access_admin` reads, for a caller that fetches it ahead
    (`elearning.user_cache` does, with the user)."""
    return [VERSION_KEY, _key(user_id)]


def user_can_access_admin(*, user) -> bool:
    """The flag and the version it was stored under come back in one round trip; a flag from
    an older version (groups or permissions changed since) is asked again."""
    if not user.is_authenticated:
        return False
    key = _key(user.pk)
    found = request_cache.get_many(keys_for(user.pk))
    version = version_in(found, VERSION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    allowed = user.has_perm("wagtailadmin.access_admin")
    cache.set(key, (version, allowed), TIMEOUT)
    return allowed


def invalidate(**kwargs) -> None:
    """Groups or permissions changed: forget every user's flag."""
    bump(VERSION_KEY)


def invalidate_user(*, instance, update_fields=None, **kwargs) -> None:
    """A user was saved (superuser or active status may have changed): forget their flag.
    Logging in saves only `last_login`, which changes nothing here."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    request_cache.forget(_key(instance.pk))
    cache.delete(_key(instance.pk))


def connect_signals() -> None:
    from accounts.models import User

    post_save.connect(invalidate_user, sender=User, dispatch_uid="admin-access-user")
    post_delete.connect(invalidate, sender=Group, dispatch_uid="admin-access-group")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"admin-access-{through}")
