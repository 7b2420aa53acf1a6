"""Production settings, relaxed only where a plain-HTTP benchmark client on 127.0.0.1 needs it.

The environment defaults below point at the benchmark's own database (`elearning_bench`) and
Redis database 3, so a seeding run never lands on a real database by accident. Anything already
set in the environment wins.
"""

from pathlib import Path

from benchmarks.environment import set_default_services

# Uploaded files (the demo handouts) and anything else written at run time stay in benchmarks/var/.
_VAR = Path(__file__).resolve().parent / "var"

set_default_services(
    database="elearning_bench",
    redis_db=3,
    var_dir=_VAR,
    SECRET_KEY="benchmark-only-not-secret-7c1f0a9e2b",  # noqa: S106 - a throwaway benchmark key
    ALLOWED_HOSTS="127.0.0.1,localhost",
    SITE_URL="http://127.0.0.1:8077",
    SECURE_SSL_REDIRECT="0",
)

from elearning.settings.production import *  # noqa: E402, F403

DEBUG = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

# No collectstatic step: static files are served from the apps' folders (the pages measured here
# are HTML only; their assets are not requested).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "elearning.infrastructure.private_files.PrivateFileSystemStorage"},
}

ROOT_URLCONF = "benchmarks.urls"
