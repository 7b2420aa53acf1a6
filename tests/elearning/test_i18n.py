"""Two languages: prefixes, the language switcher, and a complete Romanian catalogue."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from elearning.i18n import url_in_language

from .factories import UserFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


def switcher_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {lang: href for href, lang in re.findall(r'<a href="([^"]+)" lang="(\w+)"', nav)}


def test_root_redirects_to_romanian_by_default(client, demo_site):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ro/"


def test_root_follows_the_language_cookie(client, demo_site):
    client.cookies["elearning_language"] = "en"
    assert client.get("/")["Location"] == "/en/"


@pytest.mark.parametrize("path", ["/ro/", "/en/", "/ro/accesibilitate/", "/en/accessibility/"])
def test_pages_are_served_in_their_language(client, demo_site, path):
    response = client.get(path)
    assert response.status_code == 200
    language = path.split("/")[1]
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/ro/", {"ro": "/ro/", "en": "/en/"}),
        ("/ro/accesibilitate/", {"ro": "/ro/accesibilitate/", "en": "/en/accessibility/"}),
        ("/en/contact/", {"ro": "/ro/contact/", "en": "/en/contact/"}),
        ("/ro/accounts/login/", {"ro": "/ro/accounts/login/", "en": "/en/accounts/login/"}),
        (
            "/en/accounts/register/?next=/x/",
            {"ro": "/ro/accounts/register/?next=/x/", "en": "/en/accounts/register/?next=/x/"},
        ),
    ],
)
def test_language_switcher_lands_on_the_translation(client, demo_site, path, expected):
    response = client.get(path)
    assert switcher_links(response.content.decode()) == expected


def test_switcher_falls_back_to_the_home_page_without_a_translation(client, demo_site):
    from wagtail.models import Locale

    from elearning.models import ContentPage

    untranslated = ContentPage(
        title="Doar în română", slug="doar-romana", body=[("rich_text", "<p>Text</p>")]
    )
    demo_site.add_child(instance=untranslated)
    untranslated.save_revision().publish()
    assert untranslated.get_translation_or_none(Locale.objects.get(language_code="en")) is None
    response = client.get("/ro/doar-romana/")
    assert switcher_links(response.content.decode())["en"] == "/en/"


def test_switcher_is_on_the_404_page(client, demo_site):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert switcher_links(html)["ro"] == "/ro/"


@pytest.mark.parametrize(
    "path", ["/de/", "/xx/accounts/login/", "/ro/nu-exista/", "/en/accounts/nope/"]
)
def test_unknown_language_prefixes_and_paths_end_in_404(client, demo_site, path):
    response = client.get(path, follow=True)
    assert response.status_code == 404


def test_url_in_language_leaves_other_urls_alone(demo_site):
    assert url_in_language("/admin/pages/", "en") == "/admin/pages/"
    assert url_in_language("/", "en") == "/en/"
    assert url_in_language("/ro/nu-exista/", "en") == "/en/"


def test_pages_for_a_logged_in_learner_show_the_account_menu(client, demo_site):
    client.force_login(UserFactory(full_name="Ioana Țurcanu"))
    html = client.get("/en/").content.decode()
    assert "Log out" in html and "Ioana Țurcanu" in html


SOURCE_PACKAGES = [
    "elearning",
    "accounts",
    "courses",
    "quizzes",
    "certificates",
    "reports",
    "evaluation",
    "surveys",
    "retention",
    "learning_records",
]


def test_romanian_catalogue_is_complete(tmp_path):
    """Every string in the code has a Romanian translation that is neither empty nor fuzzy.

    makemessages runs on a copy of the source, so the real catalogue is never rewritten.
    """
    if not shutil.which("xgettext"):
        pytest.fail("gettext is not installed (make installs it)")
    for package in SOURCE_PACKAGES:
        shutil.copytree(
            BASE_DIR / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "demo_content", "migrations"),
        )
    locale_dir = tmp_path / "locale"
    shutil.copytree(BASE_DIR / "locale", locale_dir)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with override_settings(LOCALE_PATHS=[locale_dir]):
            call_command("makemessages", locale=["ro"], no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    po = (locale_dir / "ro" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = [
        e
        for e in entries
        if re.search(r'^msgstr(?:\[\d\])? ""\n(?!")', e + "\n", re.M) and not e.startswith("#~")
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, "Untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, "Fuzzy:\n" + "\n".join(fuzzy)
    # Comma-below ș ț, never the cedilla forms.
    assert not re.search("[şţŞŢ]", po)
    result = subprocess.run(
        [
            "msgfmt",
            "--check-format",
            "-o",
            "/dev/null",
            str(locale_dir / "ro/LC_MESSAGES/django.po"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
