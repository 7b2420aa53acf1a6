"""Moodle drill, step 4 (our side): register the drill Moodle as an LTI platform.

Run with our Django settings (dev), reading the JSON interop/moodle_setup.php printed:
  ELEARNING_HOST=127.0.0.1 ELEARNING_PORT=8765 .venv/bin/python manage.py shell \
      -c "exec(open('interop/register_platform.py').read())" < /dev/null
with DRILL_MOODLE_JSON=/work/moodle-drill/moodle-setup.json in the environment.
Idempotent (update_or_create on issuer + client id); prints our tool addresses."""

import json
import os

from lti.models import PlatformRegistration

conf = json.load(open(os.environ.get("DRILL_MOODLE_JSON", "/work/moodle-drill/moodle-setup.json")))
registration, created = PlatformRegistration.objects.update_or_create(
    issuer=conf["issuer"],
    client_id=conf["client_id"],
    defaults={
        "name": "Moodle drill",
        "enabled": True,
        "deployment_ids": conf["deployment_id"],
        "jwks_url": conf["jwks_url"],
        "auth_url": conf["auth_url"],
        "token_url": conf["token_url"],
    },
)
registration.full_clean()
print("registration", registration.pk, "created" if created else "updated", registration.issuer)
