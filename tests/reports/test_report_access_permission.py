"""The reports permission lives on a model with no objects (reports.ReportAccess), not on
CoordinatorScope: Wagtail's site history shows a person the changes to every model they hold
any permission on, and coordinators saw every scope (tests/test_security_matrix.py)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from reports.models import CoordinatorScope, ReportAccess

from ..elearning.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = import_module("reports.migrations.0003_report_access_permission")


def test_the_permission_is_on_report_access():
    permission = Permission.objects.get(content_type__app_label="reports", codename="view_reports")
    assert permission.content_type == ContentType.objects.get_for_model(ReportAccess)


def test_the_migration_moves_the_permission_with_those_who_hold_it():
    """A database from before: the permission on CoordinatorScope, held by a group and by a
    person directly. After the migration they hold it still, on ReportAccess; and back."""
    permission = Permission.objects.get(content_type__app_label="reports", codename="view_reports")
    permission.content_type = ContentType.objects.get_for_model(CoordinatorScope)
    permission.save()
    group = Group.objects.create(name="Coordonatori vechi")
    group.permissions.add(permission)
    member, direct = UserFactory(), UserFactory()
    member.groups.add(group)
    direct.user_permissions.add(permission)

    migration.forwards(apps, None)

    permission.refresh_from_db()
    assert permission.content_type.model == "reportaccess"
    assert Permission.objects.filter(codename="view_reports").count() == 1
    for user in (member, direct):
        user = type(user).objects.get(pk=user.pk)  # no cached permissions
        assert user.has_perm("reports.view_reports")

    migration.backwards(apps, None)
    permission.refresh_from_db()
    assert permission.content_type.model == "coordinatorscope"


def test_administrators_grant_it_on_a_groups_page(client, world):
    """Wagtail's group editor offers the permission (it did while it sat on a snippet's model,
    which registers all of its permissions)."""
    from django.urls import reverse

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    group = Group.objects.get(name="Coordinators")
    response = client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    assert response.status_code == 200
    permission = Permission.objects.get(content_type__app_label="reports", codename="view_reports")
    assert f'value="{permission.pk}"' in response.content.decode()
