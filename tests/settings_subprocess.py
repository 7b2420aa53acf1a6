"""Settings modules that read their environment at import (dev, production) are computed in a
subprocess, with the environment a deployment or the Makefile would give them."""

import json
import os
import subprocess
import sys

from django.conf import settings

# The test run's own services: a settings module read here must not see them.
TEST_RUN_VARIABLES = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def json_from_subprocess(script: str, *, unset=(), timeout: int = 120, **environ):
    """Run the Python `script` in a new process, with this environment but the test run's own
    services (and `unset`), plus `environ`; the JSON its last line of output prints."""
    unwanted = TEST_RUN_VARIABLES | set(unset)
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(**environ)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def settings_in_subprocess(module: str, names: list[str], *, unset=(), **environ) -> dict:
    """`names` of the settings `module` computes with `environ` (and without `unset`)."""
    # Reading a setting imports the settings module, which is all these tests need; django.setup()
    # (the apps, Wagtail's among them) would cost ten times as long, so it only runs when a value
    # needs the apps to become text (a lazily translated string).
    script = "\n".join(
        [
            "import json",
            "from django.conf import settings",
            "from django.core.exceptions import AppRegistryNotReady",
            f"names = {names!r}",
            "read = lambda: json.dumps({n: getattr(settings, n) for n in names}, default=str)",
            "try:",
            "    print(read())",
            "except AppRegistryNotReady:",
            "    import django",
            "    django.setup()",
            "    print(read())",
        ]
    )
    return json_from_subprocess(script, unset=unset, DJANGO_SETTINGS_MODULE=module, **environ)
