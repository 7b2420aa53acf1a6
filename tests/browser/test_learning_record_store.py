"""An administrator's look at the learning record store, in a browser: statements the LRS
missed while it was down, "Retry now" once it is back, and the page after."""

import pytest
from wagtail.users.models import UserProfile

from learning_records.models import Statement, StatementStatus
from learning_records.tasks import send_learning_records

from ..elearning.factories import UserFactory
from ..learning_records.conftest import PASSWORD as LRS_PASSWORD
from ..learning_records.conftest import USER as LRS_USER
from ..learning_records.conftest import ralph  # noqa: F401 - the session's Ralph LRS
from ..learning_records.journey import sharing_learner
from .conftest import admin_log_in, axe_on_report, in_combinations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.lrs, pytest.mark.django_db(transaction=True)]
ENFORCE_CSP = True

TEXT = {
    "ro": {
        "title": "Depozitul de înregistrări de învățare",
        "failed": "Înregistrări eșuate",
        "retry": "Reîncearcă acum",
        "done": "3 înregistrări eșuate vor fi trimise din nou în câteva secunde.",
        "none": "Niciuna: toate înregistrările au fost acceptate",
    },
    "en": {
        "title": "Learning record store",
        "failed": "Failed statements",
        "retry": "Retry now",
        "done": "3 failed statements will be sent again in a few seconds.",
        "none": "None: every statement was accepted",
    },
}


@in_combinations(("ro", "desktop"), ("en", "phone"))
def test_an_administrator_retries_what_the_lrs_missed(
    page,
    viewport,
    language,
    settings,
    ralph,  # noqa: F811 - the fixture imported above
    demo_site,
):
    text = TEXT[language]
    settings.XAPI_LRS_ENDPOINT = "http://127.0.0.1:9/xAPI"  # down: nothing listens
    settings.XAPI_LRS_KEY, settings.XAPI_LRS_SECRET = LRS_USER, LRS_PASSWORD
    settings.XAPI_SEND_DELAY_SECONDS = None
    learners = [sharing_learner(full_name=f"Cursantă Ionescu {i}") for i in range(3)]
    assert send_learning_records.apply().get() == 0
    assert Statement.objects.filter(attempts=1).count() == 3

    settings.XAPI_LRS_ENDPOINT = ralph.endpoint  # back
    settings.XAPI_SEND_DELAY_SECONDS = 5
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = language
    profile.save()
    admin_log_in(page, admin)
    assert page.locator('a[href="/admin/learning-records/"]').count() == 1  # Settings menu

    page.goto("/admin/learning-records/")
    page.get_by_role("heading", name=text["title"]).wait_for()
    page.get_by_role("heading", name=text["failed"]).wait_for()
    body = page.content()
    assert ralph.endpoint in body and LRS_PASSWORD not in body
    assert "Ionescu" not in body and "Connection refused" in body
    axe_on_report(page)
    screenshot(page, f"learning-record-store-{language}-{viewport}-failed")

    page.get_by_role("button", name=text["retry"]).click()
    page.get_by_text(text["done"]).wait_for()
    page.get_by_text(text["none"]).wait_for()
    screenshot(page, f"learning-record-store-{language}-{viewport}-retried")
    assert not Statement.objects.exclude(status=StatementStatus.SENT).exists()
    for learner in learners:
        learner.refresh_from_db()
        assert len(ralph.statements_of(learner.learning_pseudonym.pseudonym)) == 1
