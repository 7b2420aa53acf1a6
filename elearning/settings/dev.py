"""Local development: SQLite, a broker on disk, e-mail printed to the console; no environment."""

from .base import *  # noqa: F403
from .base import STORAGES, VAR_DIR

DEBUG = True
SECRET_KEY = "dev-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Static files come from the apps' folders; the manifest storage would need collectstatic first.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": STORAGES["private"],  # PRIVATE_FILES_ROOT (var/private), never served
}

VAR_DIR.mkdir(parents=True, exist_ok=True)
