"""The platform's caching, in one place: the versions, and the caches that read under them.

Every cached read goes through a VersionedCache (core.py); every change that retires cached
reads moves a Version, as the table in invalidation.py says. The other modules meet Django and
Wagtail: serving.py (a request's first read, routing, view restrictions), auth.py (the user and
the admin flag), sessions.py, backend.py (Redis, and what happens while it is down).
"""

import hashlib

from django.conf import settings

from .core import Version, VersionedCache

# What a visitor sees of the published tree: sites, routes, live pages, view restrictions,
# outlines, quizzes' questions, navigation, rendered fragments.
PAGE_TREE = Version("pages")
USER = Version("user:{}")  # one user's row
ADMIN_ACCESS = Version("admin-access")  # every group's and permission's rows
ADMIN_ACCESS_OF = Version("admin-access:{}")  # one user's superuser and active status
PROGRESS = Version("progress:{}:{}")  # one learner's enrolment and steps in one course


def _users_prefix() -> str:
    # A cached user carries its session hash, an HMAC under SECRET_KEY: after a key rotation (or
    # on a server started with another key) a copy made with the old key would log out every
    # session signed with the new one.
    return "user:" + hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:12]


TEN_MINUTES = 10 * 60
pages = VersionedCache(
    "pages", lambda *name: [PAGE_TREE.key()], timeout=6 * TEN_MINUTES, local=True
)
users = VersionedCache(_users_prefix, lambda user_id: [USER.key(user_id)], timeout=TEN_MINUTES)
admin_access = VersionedCache(
    "admin-access",
    lambda user: [ADMIN_ACCESS.key(), ADMIN_ACCESS_OF.key(user)],
    timeout=TEN_MINUTES,
)
progress = VersionedCache(
    "progress", lambda learner, course: [PROGRESS.key(learner, course)], timeout=TEN_MINUTES
)
