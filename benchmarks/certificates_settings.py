"""The certificate benchmarks' settings: benchmarks/settings.py (production settings, relaxed
for a local run) on their own PostgreSQL database (`elearning_bench_certs`), Redis database 10
(broker and cache) and media folder, so they never share data with the page benchmarks.

E-mail goes to Django's dummy backend: each "certificate ready" message is still rendered by
the worker, but nothing is sent (there is no mail server on a benchmark machine).

BENCH_VISIBILITY_TIMEOUT (seconds), set only by benchmarks/faults/kill_worker.py, makes Redis
hand a killed worker's unacknowledged messages back within seconds instead of production's hour.
"""

import os
from pathlib import Path

from benchmarks.environment import set_default_services

_VAR = Path(__file__).resolve().parent / "var" / "certificates"

set_default_services(database="elearning_bench_certs", redis_db=10, var_dir=_VAR)

from benchmarks.settings import *  # noqa: E402, F403
from benchmarks.settings import CELERY_BROKER_TRANSPORT_OPTIONS  # noqa: E402

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

if os.environ.get("BENCH_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": int(os.environ["BENCH_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
