"""The impact report's retention section: pre → post → 30 → 180 days, "< 5" for small cells,
the coordinator's scope applied."""

import pytest
from django.urls import reverse

from courses.models import Enrollment

from ..reports.conftest import world, world_of_module  # noqa: F401
from ..reports.test_reports import login
from .factories import make_check

pytestmark = pytest.mark.django_db


def test_the_impact_report_shows_the_retention_curve_with_small_cells_hidden(
    client,
    world,  # noqa: F811
):
    for run in Enrollment.objects.filter(completed_at__isnull=False):
        make_check(run, age=30, score=60)
    login(client, world.coordinators["national"])
    response = client.get(reverse("learning_reports:impact"))
    assert response.status_code == 200
    (row,) = response.context["retention_rows"]
    # The world's two matched pairs (Ana, Mihai) and two 30-day checks show as "< 5"; no
    # 180-day check yet.
    assert row.cells == ["< 5", "< 5", "< 5", ""]
    page = response.content.decode()
    assert "Retenție" in page and "60.0" not in page
    by_county = client.get(reverse("learning_reports:impact"), {"group_by": "county"})
    assert {r.group for r in by_county.context["retention_rows"]} == {"Cluj", "Iași"}
    login(client, world.coordinators["iasi"])
    rows = client.get(reverse("learning_reports:impact")).context["retention_rows"]
    assert [r.cells[2] for r in rows] == ["< 5"]
