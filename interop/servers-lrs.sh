#!/usr/bin/env bash
# Moodle drill, step 11: interop/servers.sh with our site configured to send learning records to
# the drill's Ralph (interop/lrs.sh), plus Celery beat (learning_records.tasks.send_learning_records
# runs every minute from it; servers.sh's worker has no beat). Same environment variables as
# production: XAPI_LRS_ENDPOINT / XAPI_LRS_KEY / XAPI_LRS_SECRET (elearning/settings/base.py).
# Usage: interop/servers-lrs.sh start|stop
set -euo pipefail
DRILL=${DRILL:-/work/moodle-drill}
REPO=$(cd "$(dirname "$0")/.." && pwd)
export XAPI_LRS_ENDPOINT=${XAPI_LRS_ENDPOINT:-http://127.0.0.1:${LRS_PORT:-8100}/xAPI}
export XAPI_LRS_KEY=${LRS_USER:-platform} XAPI_LRS_SECRET=${LRS_PASSWORD:-a-drill-secret}
export ELEARNING_HOST=${ELEARNING_HOST:-127.0.0.1} ELEARNING_PORT=${ELEARNING_PORT:-8765}
case "${1:-start}" in
start)
  "$REPO/interop/servers.sh" start
  cd "$REPO"
  setsid .venv/bin/celery -A elearning beat --loglevel=INFO >"$DRILL/celery-beat.log" 2>&1 &
  echo $! >"$DRILL/celery-beat.pid"
  ;;
stop)
  [ -f "$DRILL/celery-beat.pid" ] && kill -- "-$(cat "$DRILL/celery-beat.pid")" 2>/dev/null || true
  rm -f "$DRILL/celery-beat.pid"
  "$REPO/interop/servers.sh" stop
  ;;
esac
