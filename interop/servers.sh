#!/usr/bin/env bash
# Moodle drill: start (or stop) the three processes, each in the background with a pid file
# in $DRILL: Moodle on PHP's built-in web server (4 workers), our site (runserver, dev
# settings, as `make run` minus Celery beat) and our Celery worker (--pool=solo).
# Usage: interop/servers.sh start|stop
set -euo pipefail
DRILL=${DRILL:-/work/moodle-drill}
REPO=$(cd "$(dirname "$0")/.." && pwd)
export ELEARNING_HOST=${ELEARNING_HOST:-127.0.0.1} ELEARNING_PORT=${ELEARNING_PORT:-8765} ELEARNING_DEBUG=0
case "${1:-start}" in
moodle-start)
  cd "$DRILL"
  PHP_CLI_SERVER_WORKERS=4 setsid php -S 127.0.0.1:8081 -t "$DRILL/moodle" >>"$DRILL/php-server.log" 2>&1 &
  echo $! >"$DRILL/php-server.pid"
  ;;
moodle-stop)
  kill -- "-$(cat "$DRILL/php-server.pid")"
  ;;
start)
  cd "$DRILL"
  # Its own process group (setsid): killing the master alone leaves the 4 workers serving.
  PHP_CLI_SERVER_WORKERS=4 setsid php -S 127.0.0.1:8081 -t "$DRILL/moodle" >>"$DRILL/php-server.log" 2>&1 &
  echo $! >"$DRILL/php-server.pid"
  cd "$REPO"
  setsid .venv/bin/python manage.py runserver "$ELEARNING_HOST:$ELEARNING_PORT" --noreload \
    >"$DRILL/django.log" 2>&1 &
  echo $! >"$DRILL/django.pid"
  setsid .venv/bin/celery -A elearning worker --loglevel=INFO --pool=solo >"$DRILL/celery.log" 2>&1 &
  echo $! >"$DRILL/celery.pid"
  ;;
stop)
  for name in php-server django celery; do
    [ -f "$DRILL/$name.pid" ] && kill -- "-$(cat "$DRILL/$name.pid")" 2>/dev/null || true
    rm -f "$DRILL/$name.pid"
  done
  ;;
esac
