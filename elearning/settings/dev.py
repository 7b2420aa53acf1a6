"""Local development: SQLite, a broker on disk, e-mail printed to the console; no environment.

`make run` passes ELEARNING_HOST and ELEARNING_PORT (the address it serves on) and
ELEARNING_DEBUG (`make run DEBUG=1`). DEBUG is off by default, as in production, so a newcomer
sees the site's own translated 404 and error pages, not Django's debug pages in English.
"""

import os

from .base import *  # noqa: F403
from .base import STORAGES, VAR_DIR

DEBUG = os.environ.get("ELEARNING_DEBUG", "") == "1"
SECRET_KEY = "dev-only-not-secret"  # noqa: S105

# The address `make run` serves on: links in e-mails, certificates and QR codes name it.
_HOST = os.environ.get("ELEARNING_HOST", "127.0.0.1")
_PORT = os.environ.get("ELEARNING_PORT", "8000")
SITE_URL = (os.environ.get("SITE_URL") or f"http://{_HOST}:{_PORT}").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if _HOST not in ALLOWED_HOSTS and _HOST not in ("0.0.0.0", "::"):  # noqa: S104
    ALLOWED_HOSTS.append(_HOST)

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# A Moodle on this machine (the interoperability drill's) answers on http.
LTI_ALLOW_INSECURE_PLATFORM_URLS = True

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Static files come from the apps' folders, served by WhiteNoise as in production (with or
# without DEBUG); the manifest storage would need collectstatic first.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": STORAGES["private"],  # PRIVATE_FILES_ROOT (var/private), never served
}
# Uploaded images and documents (the demo's) are served by Django here, DEBUG or not; in
# production the proxy serves MEDIA_ROOT.
SERVE_MEDIA_FILES = True

VAR_DIR.mkdir(parents=True, exist_ok=True)

# The demo seal: a self-signed "DEMO" organisation certificate that `make run` creates once
# (manage.py create_demo_seal writes it here). Without it (runserver started by hand)
# certificates are issued unsealed, here only, never in production, and `manage.py check`
# says so (certificates.W004).
_DEMO_SEAL = VAR_DIR / "seal" / "demo-seal.p12"
CERTIFICATE_SEAL_PKCS12_FILE = os.environ.get(
    "CERTIFICATE_SEAL_PKCS12_FILE", str(_DEMO_SEAL) if _DEMO_SEAL.exists() else ""
)
CERTIFICATE_SEAL_PKCS12_PASSPHRASE = os.environ.get(
    "CERTIFICATE_SEAL_PKCS12_PASSPHRASE", "demo-not-secret"
)
CERTIFICATE_SEAL_REQUIRED = False
