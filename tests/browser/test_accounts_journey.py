"""A new user, as a person would: register as a teacher from Cluj, confirm, log in,
switch languages, edit the profile; in Romanian and English, at desktop and phone widths."""

import re

import pytest
from django.core import mail

from accounts.models import User

from .conftest import assert_accessible, in_combinations, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ro": {
        "register": "Creați un cont",
        "create": "Creați contul",
        "check": "Verificați-vă e-mailul",
        "login": "Autentificare",
        "logout": "Deconectare",
        "profile": "Profilul meu",
        "save": "Salvați modificările",
        "saved": "Profilul a fost salvat.",
        "county": "Cluj",
    },
    "en": {
        "register": "Create an account",
        "create": "Create my account",
        "check": "Check your e-mail",
        "login": "Log in",
        "logout": "Log out",
        "profile": "My profile",
        "save": "Save changes",
        "saved": "Your profile has been saved.",
        "county": "Cluj",
    },
}


@in_combinations(("ro", "desktop"), ("en", "phone"))
def test_teacher_from_cluj_registers_and_uses_the_site(page, viewport, demo_site, language):
    t = TEXT[language]
    other = "en" if language == "ro" else "ro"
    name = f"{language}-{viewport}"
    email = f"ana.{language}.{viewport}@example.org"

    page.goto(f"/{language}/")
    assert_accessible(page)
    page.get_by_role("link", name=t["register"]).first.click()
    assert page.locator("html").get_attribute("lang") == language

    # Submitting an empty form shows the errors, announced and linked to the fields.
    page.get_by_role("button", name=t["create"]).click()
    assert page.locator("#error-summary").is_visible()
    screenshot(page, f"register-errors-{name}")
    assert_accessible(page)

    page.get_by_label(re.compile("^(Nume complet|Full name)", re.I)).fill("Ana-Maria Popescu")
    page.locator("#id_email").fill(email)
    page.locator("#id_role").select_option("teacher")
    page.locator("#id_county").select_option("CJ")
    page.locator("#institution-search").fill("scolar")  # diacritics forgiven
    visible = page.locator("#id_institution option:not([hidden])").all_inner_texts()
    assert "Inspectoratul Școlar Județean Cluj" in visible
    assert all("Cluj" in text or text.startswith(("Alegeți", "Choose")) for text in visible)
    page.locator("#id_institution").select_option(label="Inspectoratul Școlar Județean Cluj")
    page.locator("#id_preferred_language").select_option(language)
    page.locator("#id_password1").fill("a-Good-passw0rd-for-tests")
    page.locator("#id_password2").fill("a-Good-passw0rd-for-tests")
    screenshot(page, f"register-filled-{name}")
    page.get_by_role("button", name=t["create"]).click()

    page.get_by_role("heading", name=t["check"]).wait_for()
    assert_accessible(page)
    link = re.search(r"https?://\S+/accounts/activate/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", ""))
    page.get_by_role("heading", name=t["profile"]).wait_for()
    assert_accessible(page)

    # Log out and in again.
    page.get_by_role("button", name=t["logout"]).click()
    page.goto(f"/{language}/accounts/login/")
    assert_accessible(page)
    page.locator("#id_username").fill(email.upper())
    page.locator("#id_password").fill("a-Good-passw0rd-for-tests")
    page.get_by_role("button", name=t["login"]).click()
    page.wait_for_url(f"**/{language}/")

    # The switcher lands on the same page in the other language, and back.
    page.goto(f"/{language}/accounts/profile/")
    page.locator(f'.language-switcher a[lang="{other}"]').click()
    page.wait_for_url(f"**/{other}/accounts/profile/")
    assert page.locator("html").get_attribute("lang") == other
    page.locator(f'.language-switcher a[lang="{language}"]').click()
    page.wait_for_url(f"**/{language}/accounts/profile/")

    # Edit the profile: the not-listed institution box appears when ticked.
    page.locator("#id_institution_not_listed").check()
    page.locator("#id_institution_other").fill("Școala Gimnazială „Avram Iancu” Dej")
    page.locator("#id_full_name").fill("Ana-Maria Popescu-Pop")
    screenshot(page, f"profile-{name}")
    page.get_by_role("button", name=t["save"]).click()
    page.get_by_text(t["saved"]).wait_for()
    user = User.objects.get(email=email)
    assert user.full_name == "Ana-Maria Popescu-Pop"
    assert user.institution is None and user.institution_other.endswith("Dej")
    assert user.is_active and user.role == "teacher" and user.county == "CJ"

    # A 1,000-character name pasted past the field's limit gets the form's own message, not
    # Django's generic one (issue 14, item 6).
    page.locator("#id_full_name").evaluate("field => field.removeAttribute('maxlength')")
    page.locator("#id_full_name").fill("A" * 1000)
    page.get_by_role("button", name=t["save"]).click()
    own = say(language, "A name can have at most %(max)d characters.") % {"max": 150}
    page.get_by_text(own).first.wait_for()
    assert "Ensure this value" not in page.content()
    assert "Asigurați-vă că" not in page.content()
    assert User.objects.get(email=email).full_name == "Ana-Maria Popescu-Pop"

    # Logging in from the other language's page stays in that language for the visit, and
    # the profile offers to make it the preferred one (issue 14, item 7).
    page.get_by_role("button", name=t["logout"]).click()
    page.goto(f"/{other}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill("a-Good-passw0rd-for-tests")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"**/{other}/")
    assert page.locator("html").get_attribute("lang") == other
    page.goto(f"/{other}/accounts/profile/")
    name_of = {"en": "English", "ro": "Romanian"}[other]
    offer = page.get_by_role("button", name=say(other, f"Make {name_of} my preferred language"))
    assert_accessible(page)
    screenshot(page, f"profile-language-offer-{name}")
    offer.click()
    page.get_by_text(say(other, f"{name_of} is now your preferred language.")).wait_for()
    assert offer.count() == 0
    assert User.objects.get(email=email).preferred_language == other


CONTENT_PAGES = ["/ro/accesibilitate/", "/en/accessibility/", "/ro/contact/", "/en/no-page/"]


def test_content_pages_are_accessible_and_a_keyboard_user_can_skip_to_content(
    page, viewport, demo_site
):
    # One browser start-up per width for these short visits (each was its own test, and the
    # set-up cost more than the visit).
    for path in CONTENT_PAGES:
        page.goto(path)
        assert_accessible(page)
        screenshot(page, f"page-{path.strip('/').replace('/', '-')}-{viewport}")

    page.goto("/ro/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Salt la conținutul principal"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
