"""A learner sees what the platform holds, downloads it, and deletes the account; in Romanian
and English, at desktop and phone widths, with axe on each page."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User

from ..elearning.factories import PASSWORD, UserFactory
from .conftest import assert_accessible, in_combinations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ro": {
        "see": "Vedeți și descărcați datele",
        "download": "Descărcați toate datele mele (fișier JSON)",
        "delete": "Ștergeți-mi contul",
        "confirm": "Ștergeți-mi contul definitiv",
        "wrong": "Parola nu este corectă.",
        "done": "Contul dumneavoastră a fost șters",
    },
    "en": {
        "see": "See and download the data we hold about you",
        "download": "Download all my data (JSON file)",
        "delete": "Delete my account",
        "confirm": "Delete my account for good",
        "wrong": "The password is not correct.",
        "done": "Your account has been deleted",
    },
}


@in_combinations(("ro", "phone"), ("en", "desktop"))
def test_learner_downloads_data_and_deletes_account(page, viewport, demo_site, language):
    text = TEXT[language]
    user = UserFactory(
        email=f"date-{language}-{viewport}@example.org",
        full_name="Ioana Țurcanu",
        preferred_language=language,
    )
    with translation.override(language):
        login, profile = reverse("accounts:login"), reverse("accounts:profile")
    page.goto(login)
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    page.goto(profile)
    page.get_by_role("link", name=text["see"]).click()
    assert_accessible(page)
    screenshot(page, f"data-rights-{language}-{viewport}")
    with page.expect_download() as download:
        page.get_by_role("link", name=text["download"]).click()
    with open(download.value.path(), encoding="utf-8") as handle:
        assert json.load(handle)["profile"]["full_name"] == "Ioana Țurcanu"

    page.get_by_role("link", name=text["delete"]).click()
    assert_accessible(page)
    page.locator("#id_password").fill("not my password")
    page.locator("#id_confirm").check()
    page.get_by_role("button", name=text["confirm"]).click()
    page.get_by_text(text["wrong"], exact=True).wait_for()
    assert_accessible(page)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_confirm").check()
    page.get_by_role("button", name=text["confirm"]).click()
    page.get_by_role("heading", name=text["done"]).wait_for()
    assert_accessible(page)
    screenshot(page, f"account-deleted-{language}-{viewport}")
    erased = User.objects.get(pk=user.pk)
    assert erased.erased_at and erased.full_name == "" and not erased.is_active
