"""People who launched from a platform before a launch gave accounts their institution's county
(county coordinators' reports find people by county): the county of their institution, for
those with an institution and no county. A county a person chose is never changed."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def county_from_institution(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Institution = apps.get_model("accounts", "Institution")
    LtiIdentity = apps.get_model("lti", "LtiIdentity")
    User.objects.filter(
        pk__in=LtiIdentity.objects.values("user"), institution__isnull=False, county=""
    ).update(
        county=Subquery(Institution.objects.filter(pk=OuterRef("institution")).values("county")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lti", "0002_lineitem_service"),
        ("accounts", "0003_institution_share_learning_records"),
    ]

    operations = [migrations.RunPython(county_from_institution, migrations.RunPython.noop)]
