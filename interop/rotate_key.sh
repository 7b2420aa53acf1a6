#!/usr/bin/env bash
# Moodle drill, step 10: rotate our LTI key by hand (what an operator did at the time; now
# `manage.py lti_tool_key --rotate` keeps the old public key served beside the new): keep the old
# PEM aside, create a new one with `manage.py lti_tool_key`, show the key ids before and after.
# The tool reads the key file on each use, so no restart is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export ELEARNING_HOST=127.0.0.1 ELEARNING_PORT=8765
DRILL=${DRILL:-/work/moodle-drill}
kid() { curl -s http://127.0.0.1:8765/lti/jwks.json | python3 -c 'import json,sys; print([k["kid"] for k in json.load(sys.stdin)["keys"]])'; }
echo "kid before: $(kid)"
mv var/lti/tool-key.pem "$DRILL/tool-key-before-rotation-$(date +%s).pem"
.venv/bin/python manage.py lti_tool_key
echo "kid after:  $(kid)"
