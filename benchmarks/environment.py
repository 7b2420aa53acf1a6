"""The services a benchmark's settings point at, unless the environment already says.

Each benchmark settings module (benchmarks/settings.py, certificates_settings.py,
load/settings.py) calls this before importing the settings it builds on, so its own database,
Redis database and files are the defaults, and a variable already set always wins.
"""

import os
from pathlib import Path


def set_default_services(*, database: str, redis_db: int, var_dir: Path, **more: str) -> None:
    for name, value in {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "MEDIA_ROOT": str(var_dir / "media"),
        "ELEARNING_VAR_DIR": str(var_dir),
        # Production settings require a seal (issue 19): the demo one, which
        # benchmarks.common.setup_django creates once (certificates' create_demo_seal).
        "CERTIFICATE_SEAL_PKCS12_FILE": str(var_dir / "seal" / "demo-seal.p12"),
        "CERTIFICATE_SEAL_PKCS12_PASSPHRASE": "demo-not-secret",
        **more,
    }.items():
        os.environ.setdefault(name, value)
