"""Settings for a `celery worker` subprocess started by the fault tests (never used elsewhere).

The worker must see what the test process sees: the test database (pytest-django's
`test_<name>`), the test's MEDIA_ROOT, its PRIVATE_FILES_ROOT (where certificates are stored)
and the test's own queue, all passed in the environment.
Redelivery after a SIGKILL on Redis happens only once a message has been unacknowledged for
`visibility_timeout` seconds, checked every `unacked_restore_interval` seconds: the test that
relies on it sets seconds (CERT_TEST_VISIBILITY_TIMEOUT), not the hour that Kombu defaults to.
"""

import os
from pathlib import Path

from elearning.settings.test import *  # noqa: F403
from elearning.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["CERT_TEST_DATABASE_NAME"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
MEDIA_ROOT = os.environ["CERT_TEST_MEDIA_ROOT"]
PRIVATE_FILES_ROOT = Path(os.environ["CERT_TEST_PRIVATE_ROOT"])
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["CERT_TEST_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CERT_TEST_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Holds every render at a known point until the test opens the gate (certificates.rendering).
CERTIFICATES_TEST_RENDER_GATE = os.environ["CERT_TEST_RENDER_GATE"]
