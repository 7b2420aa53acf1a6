"""A person has one preferred language: the site's profile and Wagtail's account settings
(Account → Locale) change the same one, and the admin speaks it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from wagtail.users.models import UserProfile

from accounts.models import User

from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(demo_site):
    group, _created = Group.objects.get_or_create(name="Coordinators")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory(preferred_language="ro")
    user.groups.add(group)
    return user


def admin_language(client) -> str:
    # The browser asks for Romanian: the person's preference must win over it.
    html = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    return re.search(r'<html[^>]* lang="([a-z-]+)"', html).group(1)


def test_a_new_user_has_the_admin_in_their_language(client, coordinator):
    assert UserProfile.objects.get(user=coordinator).preferred_language == "ro"
    english = UserFactory(preferred_language="en")
    assert UserProfile.objects.get(user=english).preferred_language == "en"


def test_the_site_profile_changes_the_admin_language(client, coordinator):
    client.force_login(coordinator)
    assert admin_language(client) == "ro"
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Maria Pop",
            "role": coordinator.role,
            "county": "CJ",
            "institution": "",
            "institution_not_listed": "on",
            "institution_other": "Inspectoratul Școlar Județean Cluj",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    assert UserProfile.objects.get(user=coordinator).preferred_language == "en"
    assert admin_language(client) == "en"


def test_the_admin_account_settings_change_the_site_language(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("wagtailadmin_account"))
    # Every panel's form as shown, then the one change a person makes.
    forms = {
        panel.name: panel.get_form()
        for panels in page.context["panels_by_tab"].values()
        for panel in panels
    }
    data = {}
    for form in forms.values():
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, FieldFile):  # the avatar: nothing uploaded
                continue
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = value
    # The Locale panel offers exactly the site's two languages (and "use the default").
    offered = {code for code, _name in forms["locale"].fields["preferred_language"].choices}
    assert offered == {"", "ro", "en"}
    data["locale-preferred_language"] = "en"
    # The "Name" panel edits the one full name (accounts/admin_account.py), not Wagtail's
    # first and last names, and no login address.
    assert set(forms["name_email"].fields) == {"full_name"}
    data["name_email-full_name"] = "  Maria   Popescu-Ţurcanu "
    response = client.post(reverse("wagtailadmin_account"), data)
    assert response.status_code == 302, [
        (p.name, p.get_form().errors)
        for panels in response.context["panels_by_tab"].values()
        for p in panels
    ]
    assert User.objects.get(pk=coordinator.pk).preferred_language == "en"
    assert User.objects.get(pk=coordinator.pk).full_name == "Maria Popescu-Țurcanu"
    assert admin_language(client) == "en"
    # The site follows at once (the logged-in user is cached: the change must retire it).
    request = client.get(reverse("accounts:profile")).wsgi_request
    assert request.user.preferred_language == "en"

    # "Use the default" leaves the site's language as it was.
    profile = UserProfile.objects.get(user=coordinator)
    profile.preferred_language = ""
    profile.save()
    assert User.objects.get(pk=coordinator.pk).preferred_language == "en"


def test_logging_in_writes_nothing_to_the_profile(coordinator, django_assert_num_queries):
    coordinator.last_login = None
    with django_assert_num_queries(1):  # the UPDATE of last_login only
        coordinator.save(update_fields=["last_login"])


def test_existing_accounts_are_brought_in_step(demo_site):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    name = "0005_admin_language_in_step"
    migration = importlib.import_module(f"elearning.migrations.{name}")
    # Its models as they were then: the user has since moved to `accounts`.
    apps = MigrationLoader(connection).project_state(("elearning", name)).apps
    chose_in_admin = UserFactory(preferred_language="ro")
    never_chose = UserFactory(preferred_language="en")
    no_profile = UserFactory(preferred_language="en")
    german = UserFactory(preferred_language="ro")
    # As they were before the two were kept in step (queryset updates send no signals).
    profiles = UserProfile.objects.filter
    profiles(user=chose_in_admin).update(preferred_language="en")
    profiles(user=never_chose).update(preferred_language="")
    profiles(user=no_profile).delete()
    profiles(user=german).update(preferred_language="de")

    migration.forwards(apps, None)

    def both(user):
        return (
            User.objects.get(pk=user.pk).preferred_language,
            profiles(user=user).get().preferred_language,
        )

    assert both(chose_in_admin) == ("en", "en")
    assert both(never_chose) == ("en", "en")
    assert both(no_profile) == ("en", "en")
    assert both(german) == ("ro", "ro")


def test_a_language_changed_in_the_admin_profile_reaches_the_logged_in_user(client, coordinator):
    """The site's copy is written with a queryset update (no signal): the cached logged-in user
    must still be retired, or the site would go on in the old language."""
    client.force_login(coordinator)
    profile_url = reverse("accounts:profile")
    assert client.get(profile_url).wsgi_request.user.preferred_language == "ro"  # now cached
    profile = UserProfile.objects.get(user=coordinator)
    profile.preferred_language = "en"
    profile.save()
    assert client.get(profile_url).wsgi_request.user.preferred_language == "en"
