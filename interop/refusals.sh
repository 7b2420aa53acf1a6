#!/usr/bin/env bash
# Moodle drill, step 7: refusals. A replayed launch POST (drive_launch.py with DRILL_REPLAY=1),
# a disabled registration, a registration whose deployment id differs from Moodle's. Restores
# the registration at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
export ELEARNING_HOST=127.0.0.1 ELEARNING_PORT=8765
shell() { .venv/bin/python manage.py shell -c "$1" </dev/null 2>&1 | grep -v 'objects imported'; }
CMID=${CMID:-3}
echo "== replay"
DRILL_REPLAY=1 .venv/bin/python interop/drive_launch.py student_en "$CMID" /tmp/drill-replay.png | grep -E 'LANDED|REPLAY'
echo "== registration disabled"
shell "from lti.models import PlatformRegistration as R; R.objects.update(enabled=False)"
.venv/bin/python interop/drive_launch.py student_en "$CMID" interop/screenshots/refused-disabled.png | grep -E '^(POST|GET|  ->|LANDED|BODY)'
shell "from lti.models import PlatformRegistration as R; R.objects.update(enabled=True)"
echo "== deployment id changed"
shell "from lti.models import PlatformRegistration as R; R.objects.update(deployment_ids='999')"
.venv/bin/python interop/drive_launch.py student_en "$CMID" /tmp/drill-deployment.png | grep -E '^(POST|GET|  ->|LANDED|BODY)'
shell "exec(open('interop/register_platform.py').read())"
