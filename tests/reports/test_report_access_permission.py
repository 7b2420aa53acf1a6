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

migration = import_module("reports.migrations.0002_report_access_permission")


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
