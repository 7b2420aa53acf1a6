"""Demo scope: the demo coordinator (coordonator@demo.local) sees the county of Cluj."""

from elearning.models import County, User

from .apps import ensure_coordinators_group
from .models import CoordinatorScope, ScopeLevel


def seed_coordinator_scopes() -> None:
    from django.apps import apps

    ensure_coordinators_group(apps.get_app_config("reports"))
    coordinator = User.objects.filter(email="coordonator@demo.local").first()
    if coordinator is not None:
        CoordinatorScope.objects.get_or_create(
            user=coordinator, defaults={"level": ScopeLevel.COUNTY, "county": County.CJ}
        )
