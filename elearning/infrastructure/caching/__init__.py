"""The platform's caching, in one place: the versions, and the caches that read under them.

Every cached read goes through a `VersionedCache` (core.py); every change that must retire
cached reads moves a `Version`, as the table in invalidation.py says. The rest of the package
is where Django or Wagtail have to be met: pages.py (the request's first read, routing, view
restrictions), users.py (the logged-in user and the admin flag), sessions.py and backend.py.
"""

import hashlib

from django.conf import settings

from .core import Version, VersionedCache

# What a visitor sees of the published tree: sites, locales, routes, live pages, view
# restrictions, outlines, quizzes' questions, navigation, rendered fragments.
PAGE_TREE = Version("pages")
USER = Version("user:{}")  # one user's account row
ADMIN_ACCESS = Version("admin-access")  # every group's and permission's rows
ADMIN_ACCESS_OF = Version("admin-access:{}")  # one user's superuser, active status, groups
PROGRESS = Version("progress:{}:{}")  # one learner's enrolment and steps in one course

HOUR = 60 * 60

pages = VersionedCache("pages", lambda *name: [PAGE_TREE.key()], timeout=HOUR, local=True)


def _users_prefix() -> str:
    # A cached user carries its session hash, an HMAC under SECRET_KEY: good only for the key it
    # was computed with. After a key rotation (or for a server started with another key) a copy
    # from the old key would log out every session signed with the new one.
    return "user:" + hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:12]


users = VersionedCache(_users_prefix, lambda user_id: [USER.key(user_id)], timeout=HOUR // 6)
admin_access = VersionedCache(
    "admin-access",
    lambda user_id: [ADMIN_ACCESS.key(), ADMIN_ACCESS_OF.key(user_id)],
    timeout=HOUR // 6,
)
progress = VersionedCache(
    "progress",
    lambda learner_id, course_key: [PROGRESS.key(learner_id, course_key)],
    timeout=HOUR // 6,
)
