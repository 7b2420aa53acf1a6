"""Settings of the load run and the fault drills: benchmarks/settings.py (production settings,
relaxed for plain HTTP on 127.0.0.1) on a copy of the benchmark data.

The runners make the copy (benchmarks.common.copy_database) and pass DATABASE_URL and REDIS_URL
themselves; the defaults below are the load run's: database `elearning_bench_load` and Redis
database 5 (broker and cache), never the page benchmarks' `elearning_bench` and database 3.
Uploaded and rendered files (certificate PDFs) go to benchmarks/var/load/.

E-mail goes to Django's dummy backend: a certificate's "ready" message is still rendered by the
worker, but there is no mail server on a benchmark machine to send it to.
"""

from pathlib import Path

from benchmarks.environment import set_default_services

_VAR = Path(__file__).resolve().parent.parent / "var" / "load"

set_default_services(database="elearning_bench_load", redis_db=5, var_dir=_VAR)

from benchmarks.settings import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
