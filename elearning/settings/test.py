"""Tests: fast hashing, in-memory cache and e-mail, Celery eager unless a test starts a worker.

DATABASE_URL and REDIS_URL, when set (CI), switch the suite onto PostgreSQL and Redis.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import LOCAL_CACHE, REDIS_URL, filesystem_broker_options

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "local": LOCAL_CACHE,
}

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Whatever the environment says: PRIVATE_FILES_ROOT, a temporary folder (a test's own with
    # the `private_root` fixture).
    "private": {"BACKEND": "elearning.infrastructure.private_files.PrivateFileSystemStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="elearning-test-media-")
PRIVATE_FILES_ROOT = Path(tempfile.mkdtemp(prefix="elearning-test-private-"))
PRIVATE_FILES_SERVE = ""


def _credentials_test_key() -> Path:
    """A signing key made once per test session (each process imports the settings once)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = Path(tempfile.mkdtemp(prefix="elearning-test-credentials-")) / "signing-key.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


CREDENTIALS_SIGNING_KEY = _credentials_test_key()

# Most tests run tasks in-process; tests marked `worker` start a real worker on the real broker.
CELERY_TASK_ALWAYS_EAGER = True
# No learning record store unless a test configures one (tests/learning_records).
XAPI_LRS_ENDPOINT = XAPI_LRS_KEY = XAPI_LRS_SECRET = ""
CELERY_TASK_EAGER_PROPAGATES = True
if REDIS_URL:
    # Its own Redis database, so clearing the cache never touches the broker's queues.
    # TEST_CACHE_REDIS_DB (default 15) lets two suites share one Redis server without clearing
    # each other; under pytest-xdist each worker (gw0, gw1, …) counts down from it, since every
    # test starts by clearing the cache.
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _cache_db = int(os.environ.get("TEST_CACHE_REDIS_DB", "15")) - _worker
    CACHES = {
        "default": {
            "BACKEND": "elearning.infrastructure.caching.backend.ResilientRedisCache",
            "LOCATION": urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{_cache_db}")),
            "KEY_PREFIX": "elearning-test",
        },
        "local": LOCAL_CACHE,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(
        Path(tempfile.mkdtemp(prefix="elearning-test-broker-"))
    )

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = "http://testserver"

# Static files come from the apps' folders (no collectstatic in tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# The seal: a key made once per test process (EC P-256: about a millisecond), in a temporary
# folder, so every issued certificate in the tests is sealed as in production. No timestamp
# authority (no network in tests): its warning is silenced here; tests/certificates/test_seal.py
# checks that it is given.
CERTIFICATE_SEAL_PKCS12_PASSPHRASE = "test-not-secret"  # noqa: S105
CERTIFICATE_SEAL_PKCS12_FILE = str(
    Path(tempfile.mkdtemp(prefix="elearning-test-seal-")) / "seal.p12"
)


def _write_test_seal() -> None:
    from certificates.seal_keys import seal_key, seal_pkcs12, self_signed_seal_certificate

    key = seal_key()
    certificate = self_signed_seal_certificate(
        key,
        common_name="TEST — Organizație emitentă (teste automate)",
        organisation="TEST Program de formare",
    )
    Path(CERTIFICATE_SEAL_PKCS12_FILE).write_bytes(
        seal_pkcs12(key, certificate, CERTIFICATE_SEAL_PKCS12_PASSPHRASE)
    )


_write_test_seal()
CERTIFICATE_SEAL_REQUIRED = True
SILENCED_SYSTEM_CHECKS = ["certificates.W003"]

# LTI: no tool key unless a test gives one (tests/lti/conftest.py `tool_key`): never the demo
# key `make run` leaves in var/lti/, so a checkout that ran the demo tests the same.
LTI_TOOL_PRIVATE_KEY = ""
LTI_TOOL_PRIVATE_KEY_FILE = ""
LTI_TOOL_PREVIOUS_KEY = ""
LTI_TOOL_PREVIOUS_PUBLIC_KEY_FILE = ""
# The independent platform of tests/lti serves on http://127.0.0.1; tests of the https rule
# switch this off.
LTI_ALLOW_INSECURE_PLATFORM_URLS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database is thrown away: its commits need not wait for the disk. Each process's
    # migrations (a few hundred commits) took 35 s instead of 25 on the CI machine, and every
    # transactional test's commits waited too. Durability only, never visibility: a committed
    # row is seen by the next query, the worker's and the test's alike.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
