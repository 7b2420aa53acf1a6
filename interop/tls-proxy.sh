#!/usr/bin/env bash
# Moodle drill: our site over HTTPS for the launch-cookie check. nginx (Debian's nginx-light,
# its own config and pid under $DRILL/tls, not the system service) terminates TLS on
# https://localhost:8443 with a self-signed certificate for "localhost" and proxies to our
# runserver on 127.0.0.1:8765 with X-Forwarded-Proto: https (SECURE_PROXY_SSL_HEADER), so
# request.is_secure() is true and the state cookie is SameSite=None; Secure. The certificate
# is added to the system CA store so Moodle's PHP curl trusts it (our key set, deep linking).
# Usage: interop/tls-proxy.sh start|stop
set -euo pipefail
DRILL=${DRILL:-/work/moodle-drill}
T="$DRILL/tls"
case "${1:-start}" in
start)
  dpkg -s nginx-light >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null
  # Debian starts the packaged service on install: the drill uses its own instance only.
  systemctl stop nginx 2>/dev/null || service nginx stop 2>/dev/null || true
  mkdir -p "$T"
  if [ ! -f "$T/localhost.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost" -keyout "$T/localhost.key" -out "$T/localhost.crt" 2>/dev/null
    cp "$T/localhost.crt" /usr/local/share/ca-certificates/moodle-drill-localhost.crt
    update-ca-certificates >/dev/null
  fi
  cat >"$T/nginx.conf" <<CONF
worker_processes 1;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 64; }
http {
  access_log $T/access.log;
  client_body_temp_path $T/body;
  proxy_temp_path $T/proxy;
  server {
    listen 127.0.0.1:8443 ssl;
    server_name localhost;
    ssl_certificate $T/localhost.crt;
    ssl_certificate_key $T/localhost.key;
    location / {
      proxy_pass http://127.0.0.1:8765;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
  nginx -c "$T/nginx.conf"
  ;;
stop)
  nginx -c "$T/nginx.conf" -s stop
  ;;
esac
