"""Settings of the load run and the fault drills: benchmarks/settings.py (production settings,
relaxed for plain HTTP on 127.0.0.1) on a copy of the benchmark data.

The runners make the copy (benchmarks.common.copy_database) and pass DATABASE_URL and REDIS_URL
themselves; the defaults below are the load run's: database `elearning_bench_load` and Redis
database 5 (broker and cache), never the page benchmarks' `elearning_bench` and database 3.
Uploaded and rendered files (certificate PDFs) go to benchmarks/var/load/.

E-mail goes to Django's dummy backend: a certificate's "ready" message is still rendered by the
worker, but there is no mail server on a benchmark machine to send it to.
"""

import os
from pathlib import Path

_VAR = Path(__file__).resolve().parent.parent / "var" / "load"

for _name, _value in {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/elearning_bench_load",
    "REDIS_URL": "redis://127.0.0.1:6379/5",
    "MEDIA_ROOT": str(_VAR / "media"),
    "ELEARNING_VAR_DIR": str(_VAR),
}.items():
    os.environ.setdefault(_name, _value)

from benchmarks.settings import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
