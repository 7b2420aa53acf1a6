"""Which change moves which version: the one table of cache invalidation, connected at start-up
and walked by tests/elearning/test_cache_invalidation.py. A write that sends no signal calls its
function instead: courses.services.progress_changed, and `account_changed` below.
"""

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

TABLE: tuple[Row, ...] = (
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
    Row(post_save, "elearning.NavigationSettings", PAGE_TREE),  # header and footer links
    Row(post_save, "courses.ReferralContact", PAGE_TREE),  # shown in lesson bodies
    Row(post_delete, "courses.ReferralContact", PAGE_TREE),
    # Publishing a quiz writes its questions; saved any other way they move the tree too.
    Row(post_save, "quizzes.Question", PAGE_TREE),
    Row(post_delete, "quizzes.Question", PAGE_TREE),
    Row(post_save, "quizzes.Choice", PAGE_TREE),
    Row(post_delete, "quizzes.Choice", PAGE_TREE),
    Row(post_save, USER_MODEL, USER, of="pk"),
    Row(post_delete, USER_MODEL, USER, of="pk"),
    # Logging in saves only `last_login`, which decides nothing about the admin.
    Row(post_save, USER_MODEL, ADMIN_ACCESS_OF, of="pk", unless_only=frozenset({"last_login"})),
    # Wagtail's account settings copy the admin's language onto the user with an UPDATE
    # (accounts.admin_language.profile_saved), which sends no signal of its own.
    Row(post_save, "wagtailusers.UserProfile", USER, of="user_id"),
    Row(post_delete, "auth.Group", ADMIN_ACCESS),
    Row(m2m_changed, f"{USER_MODEL}_groups", ADMIN_ACCESS),
    Row(m2m_changed, f"{USER_MODEL}_user_permissions", ADMIN_ACCESS),
    Row(m2m_changed, "auth.Group_permissions", ADMIN_ACCESS),
)


def connect() -> None:
    for number, row in enumerate(TABLE):
        row.signal.connect(row.receive, sender=row.sender, dispatch_uid=f"caching-{number}")


def account_changed(user_id) -> None:
    USER.move_on(user_id)
    ADMIN_ACCESS_OF.move_on(user_id)
