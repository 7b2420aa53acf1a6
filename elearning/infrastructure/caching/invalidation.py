"""Which change moves which version: the one table of cache invalidation.

Each row names a signal (and its sender: None for any), the version it moves on, and which one
of that kind (`ids`, from the signal's arguments). `connect()` connects every row, at start-up;
nothing else connects a cache signal. tests/elearning/test_cache_invalidation.py walks the table:
for each row it reads the entries that depend on it, makes the change, and reads them fresh.

A write that sends no signal moves its version by calling the function its service calls:
`courses.services.progress_changed` after every write of a learner's progress (PROGRESS), and
`account_changed` below after a queryset update of a user (elearning.services.account_activate).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import ADMIN_ACCESS, ADMIN_ACCESS_OF, PAGE_TREE, USER, Version


@dataclass(frozen=True)
class Row:
    signal: Signal
    sender: str | None
    version: Version
    of: str | None = None  # the instance's attribute that says which one (a user's)
    unless_only: frozenset = frozenset()  # a save of only these fields moves nothing

    def receive(self, instance=None, update_fields=None, **kwargs) -> None:
        if not (self.unless_only and update_fields and set(update_fields) <= self.unless_only):
            self.version.move_on(*([getattr(instance, self.of)] if self.of else []))


USER_MODEL = settings.AUTH_USER_MODEL

# fmt: off
TABLE: tuple[Row, ...] = (
    # The published tree: sites, routes, live pages, restrictions, outlines, rendered fragments.
    Row(page_published, None, PAGE_TREE),
    Row(page_unpublished, None, PAGE_TREE),
    Row(post_page_move, None, PAGE_TREE),
    Row(post_delete, "wagtailcore.Page", PAGE_TREE),
    Row(post_save, "wagtailcore.Site", PAGE_TREE),
    Row(post_delete, "wagtailcore.Site", PAGE_TREE),
    Row(post_save, "wagtailcore.Locale", PAGE_TREE),
    Row(post_delete, "wagtailcore.Locale", PAGE_TREE),
    Row(post_save, "wagtailcore.PageViewRestriction", PAGE_TREE),
    Row(post_delete, "wagtailcore.PageViewRestriction", PAGE_TREE),
    Row(post_save, "elearning.NavigationSettings", PAGE_TREE),    # header and footer links
    Row(post_save, "courses.ReferralContact", PAGE_TREE),         # shown in lesson bodies
    Row(post_delete, "courses.ReferralContact", PAGE_TREE),
    # Publishing a quiz writes its questions; saved any other way they move the tree too.
    Row(post_save, "quizzes.Question", PAGE_TREE),
    Row(post_delete, "quizzes.Question", PAGE_TREE),
    Row(post_save, "quizzes.Choice", PAGE_TREE),
    Row(post_delete, "quizzes.Choice", PAGE_TREE),
    # The logged-in user's cached row, and their admin flag.
    Row(post_save, USER_MODEL, USER, of="pk"),
    Row(post_delete, USER_MODEL, USER, of="pk"),
    # Logging in saves only `last_login`, which decides nothing about the admin.
    Row(post_save, USER_MODEL, ADMIN_ACCESS_OF, of="pk", unless_only=frozenset({"last_login"})),
    # Wagtail's account settings copy the admin's language onto the user with an UPDATE
    # (accounts.admin_language.profile_saved), which sends no signal of its own.
    Row(post_save, "wagtailusers.UserProfile", USER, of="user_id"),
    # Groups and permissions: every user's admin flag.
    Row(post_delete, "auth.Group", ADMIN_ACCESS),
    Row(m2m_changed, f"{USER_MODEL}_groups", ADMIN_ACCESS),
    Row(m2m_changed, f"{USER_MODEL}_user_permissions", ADMIN_ACCESS),
    Row(m2m_changed, "auth.Group_permissions", ADMIN_ACCESS),
)
# fmt: on


def connect() -> None:
    for number, row in enumerate(TABLE):
        row.signal.connect(row.receive, sender=row.sender, dispatch_uid=f"caching-{number}")


def account_changed(user_id) -> None:
    """A user's row changed without a signal (a queryset update): retire their cached copy."""
    USER.move_on(user_id)
    ADMIN_ACCESS_OF.move_on(user_id)
