"""Tests: fast hashing, in-memory cache and e-mail, Celery eager unless a test starts a worker.

DATABASE_URL and REDIS_URL, when set (CI), switch the suite onto PostgreSQL and Redis.
"""

import os
import tempfile

from .base import *  # noqa: F403
from .base import REDIS_URL

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="elearning-test-media-")

# Most tests run tasks in-process; tests marked `worker` start a real worker on the real broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if not REDIS_URL:
    _broker_dir = tempfile.mkdtemp(prefix="elearning-test-broker-")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": os.path.join(_broker_dir, "queue"),
        "data_folder_out": os.path.join(_broker_dir, "queue"),
        "control_folder": os.path.join(_broker_dir, "control"),
        "store_processed": False,
    }

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = "http://testserver"
