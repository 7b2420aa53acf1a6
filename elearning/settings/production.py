"""Production: configured only from the environment; refuses to start without what it needs."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BROKER_PUBLISH_RETRIES, DATABASES, REDIS_URL, SITE_URL


def _require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


SECRET_KEY = _require("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _require("ALLOWED_HOSTS").split(",") if h.strip()]
_require("DATABASE_URL")
_require("REDIS_URL")
_require("SITE_URL")
assert DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" or os.environ.get(
    "ALLOW_SQLITE_IN_PRODUCTION"
), "Use PostgreSQL in production (DATABASE_URL=postgres://...)."

CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, **BROKER_PUBLISH_RETRIES}
CSRF_TRUSTED_ORIGINS = [SITE_URL]

# Never an unsealed certificate in production, whatever else is set (`check --deploy` also
# fails without a usable seal: certificates/checks.py).
CERTIFICATE_SEAL_REQUIRED = True

# Platforms' addresses are https only, whatever else is set (lti/checks.py warns about a
# registration stored with http).
LTI_ALLOW_INSECURE_PLATFORM_URLS = False
