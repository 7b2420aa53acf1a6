#!/usr/bin/env bash
# Moodle drill, step 11: Ralph (the learning record store the project tests against, built by
# `make lrs-venv` into var/venv-ralph) on 127.0.0.1:$LRS_PORT (8100), filesystem backend in
# $DRILL/ralph, Basic auth. Started as tests/learning_records/conftest.py starts it: Ralph's app
# served by uvicorn in-process with the fs backend switched to "append" (Ralph 5.1.0's fs backend
# writes each POST with "create", which refuses the second batch: 500).
# Usage: interop/lrs.sh start|stop|statements [AGENT_JSON]
set -euo pipefail
DRILL=${DRILL:-/work/moodle-drill}
REPO=$(cd "$(dirname "$0")/.." && pwd)
LRS_PORT=${LRS_PORT:-8100}
LRS_USER=${LRS_USER:-platform} LRS_PASSWORD=${LRS_PASSWORD:-a-drill-secret}
HOME_DIR="$DRILL/ralph"
export RALPH_APP_DIR="$HOME_DIR/app" RALPH_AUTH_FILE="$HOME_DIR/auth.json" \
  RALPH_RUNSERVER_BACKEND=fs RALPH_RUNSERVER_AUTH_BACKENDS=basic \
  RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH="$HOME_DIR/lrs"
case "${1:-start}" in
start)
  [ -x "$REPO/var/venv-ralph/bin/ralph" ] || make -C "$REPO" --no-print-directory lrs-venv
  mkdir -p "$HOME_DIR/lrs"
  [ -f "$RALPH_AUTH_FILE" ] || "$REPO/var/venv-ralph/bin/ralph" auth -u "$LRS_USER" -p "$LRS_PASSWORD" \
    -s all -M mailto:lrs@example.org -w  # Ralph refuses .invalid here >/dev/null
  setsid "$REPO/var/venv-ralph/bin/python" -c "import sys, uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run('ralph.api:app', host='127.0.0.1', port=int(sys.argv[1]), log_level='info')" "$LRS_PORT" \
    >>"$DRILL/ralph.log" 2>&1 &
  echo $! >"$DRILL/ralph.pid"
  for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$LRS_PORT/__heartbeat__" && break; sleep 0.5; done
  curl -s -w ' %{http_code}\n' "http://127.0.0.1:$LRS_PORT/__heartbeat__"
  ;;
stop)
  [ -f "$DRILL/ralph.pid" ] && kill -- "-$(cat "$DRILL/ralph.pid")" 2>/dev/null || true
  rm -f "$DRILL/ralph.pid"
  ;;
statements)
  # GET /xAPI/statements, optionally filtered by an agent (JSON), as the LRS returns them.
  curl -s -G -u "$LRS_USER:$LRS_PASSWORD" -H 'X-Experience-API-Version: 1.0.3' \
    --data-urlencode "limit=500" ${2:+--data-urlencode "agent=$2"} \
    "http://127.0.0.1:$LRS_PORT/xAPI/statements"
  ;;
esac
