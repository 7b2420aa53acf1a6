"""Every row of the invalidation table (elearning/infrastructure/caching/invalidation.py) does
what it says: an entry read under the row's version before the change is read fresh after it.

The walk is driven by the table: a row without a change below fails, so a row added to the
table comes with its test here. Each change is written as a function that prepares what it
needs (before the entries are read) and returns the change itself.
"""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Locale, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.users.models import UserProfile

from courses.models import LessonPage, ReferralContact
from courses.services import progress_changed
from elearning.infrastructure import caching
from elearning.infrastructure.caching.invalidation import (
    TABLE,
    USER_MODEL,
    account_changed,
    connect,
)
from elearning.models import NavigationSettings

from ..courses.factories import lessons_of, make_course, publish
from .factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGES = {}


def change_for(signal, sender):
    def register(prepare):
        CHANGES[signal, sender] = prepare
        return prepare

    return register


def a_lesson(w):
    return LessonPage.objects.get(pk=w.lesson.pk)


def a_question(w):
    from quizzes.models import Question

    from ..quizzes.factories import make_quiz

    return Question.objects.filter(page=make_quiz(w.course, translate=False)).first()


def a_referral_contact():
    ro = Locale.objects.get(language_code="ro")
    return ReferralContact.objects.create(organisation="Direcția", helps_with="Copii", locale=ro)


def access_admin():
    return Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")


@change_for(page_published, None)
def publishing(w):
    return lambda: publish(a_lesson(w))


@change_for(page_unpublished, None)
def unpublishing(w):
    return lambda: a_lesson(w).unpublish()


@change_for(post_page_move, None)
def moving(w):
    other = make_course(slug="altul", lessons=0, translate=False)
    return lambda: a_lesson(w).move(other, pos="last-child")


@change_for(post_delete, "wagtailcore.Page")
def deleting_a_page(w):
    return lambda: a_lesson(w).delete()


@change_for(post_save, "wagtailcore.Site")
def saving_a_site(w):
    return lambda: Site.objects.get(is_default_site=True).save()


@change_for(post_delete, "wagtailcore.Site")
def deleting_a_site(w):
    return Site.objects.create(hostname="altul.example", root_page=w.home).delete


@change_for(post_save, "wagtailcore.Locale")
def saving_a_locale(w):
    return lambda: Locale.objects.get(language_code="en").save()


@change_for(post_delete, "wagtailcore.Locale")
def deleting_a_locale(w):
    return Locale.objects.create(language_code="de").delete


@change_for(post_save, "wagtailcore.PageViewRestriction")
def restricting(w):
    return lambda: PageViewRestriction.objects.create(page=w.course, restriction_type="login")


@change_for(post_delete, "wagtailcore.PageViewRestriction")
def lifting_a_restriction(w):
    return PageViewRestriction.objects.create(page=w.course, restriction_type="login").delete


@change_for(post_save, "elearning.NavigationSettings")
def saving_the_navigation(w):
    return NavigationSettings.for_site(Site.objects.get(is_default_site=True)).save


@change_for(post_save, "courses.ReferralContact")
def adding_a_referral_contact(w):
    return a_referral_contact


@change_for(post_delete, "courses.ReferralContact")
def deleting_a_referral_contact(w):
    return a_referral_contact().delete


@change_for(post_save, "quizzes.Question")
def saving_a_question(w):
    return a_question(w).save


@change_for(post_delete, "quizzes.Question")
def deleting_a_question(w):
    return a_question(w).delete


@change_for(post_save, "quizzes.Choice")
def saving_a_choice(w):
    return a_question(w).choices.first().save


@change_for(post_delete, "quizzes.Choice")
def deleting_a_choice(w):
    return a_question(w).choices.first().delete


@change_for(post_save, USER_MODEL)
def saving_a_user(w):
    w.user.full_name = "Ana Ionescu"
    return w.user.save


@change_for(post_delete, USER_MODEL)
def deleting_a_user(w):
    return w.user.delete


@change_for(post_save, "wagtailusers.UserProfile")
def changing_the_admin_language(w):
    profile = UserProfile.get_for_user(w.user)
    profile.preferred_language = "en"
    return profile.save


@change_for(post_delete, "auth.Group")
def deleting_a_group(w):
    return Group.objects.create(name="Formatori").delete


@change_for(m2m_changed, f"{USER_MODEL}_groups")
def joining_a_group(w):
    group = Group.objects.create(name="Formatori")
    return lambda: w.user.groups.add(group)


@change_for(m2m_changed, f"{USER_MODEL}_user_permissions")
def granting_a_permission(w):
    return lambda: w.user.user_permissions.add(access_admin())


@change_for(m2m_changed, "auth.Group_permissions")
def granting_a_group_a_permission(w):
    group = Group.objects.create(name="Formatori")
    return lambda: group.permissions.add(access_admin())


def entry_under(version, w):
    """A read of an entry kept under `version` (for the row's user where it is one per user):
    it answers what the first fill gave until the version moves on."""
    user_id = w.user.pk  # before the change (a deleted user has none)
    family = {
        caching.PAGE_TREE: lambda fill: caching.pages.get("probe", fill=fill),
        caching.USER: lambda fill: caching.users.get(user_id, fill=fill),
        caching.ADMIN_ACCESS: lambda fill: caching.admin_access.get(user_id, fill=fill),
        caching.ADMIN_ACCESS_OF: lambda fill: caching.admin_access.get(user_id, fill=fill),
    }
    return family[version]


@pytest.fixture
def world(demo_site):
    course = make_course(lessons=1, translate=False)
    return SimpleNamespace(
        home=demo_site, course=course, lesson=lessons_of(course)[0], user=UserFactory()
    )


@contextmanager
def only(row):
    """Only `row` connected: a change that several rows follow (deleting a question deletes its
    choices too) must not hide a row that does nothing."""
    for number, other in enumerate(TABLE):
        if other is not row:
            other.signal.disconnect(sender=other.sender, dispatch_uid=f"caching-{number}")
    try:
        yield
    finally:
        connect()


def test_every_row_has_its_change():
    assert {(row.signal, row.sender) for row in TABLE} == set(CHANGES)


@pytest.mark.parametrize("row", TABLE, ids=[f"{n}-{row.sender}" for n, row in enumerate(TABLE)])
def test_a_change_retires_what_was_read_before_it(row, world):
    change = CHANGES[row.signal, row.sender](world)
    read = entry_under(row.version, world)
    assert read(lambda: "before") == "before"
    assert read(lambda: "after") == "before"  # kept
    with only(row):
        change()
    assert read(lambda: "after") == "after"  # read fresh


def test_logging_in_keeps_the_admin_flag():
    """The one conditional row: a save of `last_login` only decides nothing about the admin."""
    user = UserFactory()
    flag = caching.admin_access
    assert flag.get(user.pk, fill=lambda: "before") == "before"
    user.save(update_fields=["last_login"])
    assert flag.get(user.pk, fill=lambda: "after") == "before"


def test_the_writes_without_a_signal_move_their_version():
    """courses.services.progress_changed (after every progress write) and account_changed
    (after a queryset update of a user), which the table's docstring names."""
    user = UserFactory()
    course_key = "b4d9f0a2-8f3e-4f8e-9d7c-0d9c2a1b3c4d"
    assert caching.progress.get(user.pk, course_key, fill=lambda: "before") == "before"
    progress_changed(learner_id=user.pk, course_key=course_key)
    assert caching.progress.get(user.pk, course_key, fill=lambda: "after") == "after"

    for family in (caching.users, caching.admin_access):
        assert family.get(user.pk, fill=lambda: "before") == "before"
    account_changed(user.pk)
    for family in (caching.users, caching.admin_access):
        assert family.get(user.pk, fill=lambda: "after") == "after"
