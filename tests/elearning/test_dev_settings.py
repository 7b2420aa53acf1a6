"""`make run`'s settings (elearning.settings.dev): the address it serves on is the one its links
name (issue 13, 5i), and a newcomer sees the site's own pages, not Django's debug pages
(issue 14, 12).

The dev settings read their environment at import, so they are computed in a subprocess, with
the environment the Makefile passes, and applied here with override_settings.
"""

import importlib
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

from ..settings_subprocess import settings_in_subprocess

pytestmark = pytest.mark.django_db

MAKEFILE_VARIABLES = {"ELEARNING_HOST", "ELEARNING_PORT", "ELEARNING_DEBUG", "SITE_URL"}


def dev_settings(names: list[str], **environ) -> dict:
    return settings_in_subprocess(
        "elearning.settings.dev", names, unset=MAKEFILE_VARIABLES, **environ
    )


def test_links_name_the_address_make_run_serves_on():
    names = ["SITE_URL", "WAGTAILADMIN_BASE_URL", "ALLOWED_HOSTS"]
    served = dev_settings(names, ELEARNING_HOST="127.0.0.1", ELEARNING_PORT="8100")
    assert served["SITE_URL"] == served["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8100"
    on_the_network = dev_settings(names, ELEARNING_HOST="192.168.1.20", ELEARNING_PORT="8000")
    assert on_the_network["SITE_URL"] == "http://192.168.1.20:8000"
    assert "192.168.1.20" in on_the_network["ALLOWED_HOSTS"]
    # SITE_URL, when set, wins (a tunnel or a proxy in front of the demo).
    proxied = dev_settings(names, ELEARNING_PORT="8100", SITE_URL="https://demo.example.org/")
    assert proxied["SITE_URL"] == "https://demo.example.org"
    assert dev_settings(names)["SITE_URL"] == "http://127.0.0.1:8000"  # `manage.py runserver`


def test_make_run_passes_the_address_and_debug_to_the_settings():
    """Every command of `make run` (migrate, seed, worker, web) gets the same environment."""
    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8100", "DEBUG=1"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    env = "ELEARNING_HOST=127.0.0.1 ELEARNING_PORT=8100 ELEARNING_DEBUG=1 "
    commands = ["manage.py migrate", "manage.py seed_demo", "celery -A elearning", "runserver"]
    for command in commands:
        line = next(line for line in dry_run.splitlines() if command in line)
        assert env in line, line
    assert "runserver 127.0.0.1:8100" in dry_run


SERVING = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "STORAGES",
    "STATIC_ROOT",
    "WHITENOISE_USE_FINDERS",
    "SERVE_MEDIA_FILES",
]


def test_debug_is_one_setting_away():
    assert dev_settings(["DEBUG"])["DEBUG"] is False
    assert dev_settings(["DEBUG"], ELEARNING_DEBUG="1")["DEBUG"] is True


@pytest.fixture
def dev_site(demo_site, media_root):
    """The site as `make run` serves it: the dev settings' serving settings and the URL
    configuration they produce (urls.py decides at import whether it serves media)."""
    served = dev_settings(SERVING)
    with override_settings(**served):
        sys.modules.pop("elearning.urls", None)
        urls = importlib.import_module("elearning.urls")
        try:
            with override_settings(ROOT_URLCONF=urls):
                yield Client(HTTP_HOST="127.0.0.1:8000")
        finally:
            sys.modules.pop("elearning.urls", None)
            importlib.import_module("elearning.urls")


def test_a_wrong_address_is_the_sites_own_404_in_the_visitors_language(dev_site):
    romanian = dev_site.get("/ro/nu-exista/")
    assert romanian.status_code == 404
    assert "Pagina nu a fost găsită" in romanian.content.decode()
    english = dev_site.get("/en/no-such-page/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()
    assert "URLconf" not in english.content.decode()  # not Django's debug page


def test_static_and_media_files_are_served_without_debug(dev_site, media_root):
    (media_root / "images").mkdir(parents=True)
    (media_root / "images" / "demo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    media = dev_site.get("/media/images/demo.png")
    assert media.status_code == 200
    assert b"".join(media.streaming_content).startswith(b"\x89PNG")
    static = dev_site.get("/static/wagtailadmin/css/core.css")
    assert static.status_code == 200
