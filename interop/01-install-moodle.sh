#!/usr/bin/env bash
# Moodle drill, step 1: install Moodle 5.0 (PHP 8.2 CLI, PostgreSQL) outside the repo.
# Usage: interop/01-install-moodle.sh  (as root; DRILL=/work/moodle-drill by default)
# Source: bare git dir from the `vhackero/Moodle5` public repository (MOODLE_500_STABLE import),
# given as MOODLE_GIT. One blob (an h5p ckeditor .js.map) is absent from the snapshot: excluded.
set -euo pipefail
DRILL=${DRILL:-/work/moodle-drill}
MOODLE_GIT=${MOODLE_GIT:-/work/.mirror/vhackero+Moodle5/repo}
WWW=${MOODLE_WWWROOT:-http://127.0.0.1:8081}
ADMINPASS=${MOODLE_ADMINPASS:-Drill-admin-1}

apt-get install -y -q php8.2-cli php8.2-pgsql php8.2-xml php8.2-mbstring php8.2-curl \
  php8.2-zip php8.2-gd php8.2-intl php8.2-soap >/dev/null

if [ ! -f "$DRILL/moodle/version.php" ]; then
  mkdir -p "$DRILL/moodle"
  git --git-dir="$MOODLE_GIT" archive HEAD -- ':!h5p/h5plib/v128/joubel/editor/ckeditor/ckeditor.js.map' \
    | tar -x -C "$DRILL/moodle"
  # The import carries a developer's XAMPP/MariaDB config.php: the installer writes ours.
  rm -f "$DRILL/moodle/config.php"
  # The import also carries 14 non-standard add-ons (not in lib/plugins.json); local_qrcurp's
  # language file calls get_config() and so breaks install.php ("Error reading from database",
  # table "config" does not exist). Move every non-standard plugin aside: stock Moodle 5.0.
  mkdir -p "$DRILL/removed-addons"
  (cd "$DRILL/moodle" && python3 - "$DRILL/removed-addons" <<'PY'
import json, os, shutil, sys
std = json.load(open('lib/plugins.json'))['standard']
types = json.load(open('lib/components.json'))['plugintypes']
for t, path in types.items():
    if not os.path.isdir(path):
        continue
    for n in sorted(os.listdir(path)):
        p = os.path.join(path, n)
        if os.path.exists(os.path.join(p, 'version.php')) and n not in std.get(t, []):
            print('removing non-standard add-on', t, p)
            shutil.move(p, os.path.join(sys.argv[1], t + '_' + n))
PY
  )
fi
mkdir -p "$DRILL/data"

# PHP settings Moodle's environment check asks for (CLI and built-in server share php-cli's ini).
cat > /etc/php/8.2/cli/conf.d/99-moodle-drill.ini <<INI
max_input_vars = 5000
memory_limit = 512M
post_max_size = 64M
upload_max_filesize = 64M
INI

psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname='moodle_drill'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "create database moodle_drill encoding 'UTF8' template template0"

cd "$DRILL/moodle"
if [ ! -f config.php ]; then
  php admin/cli/install.php --non-interactive --agree-license --lang=en \
    --wwwroot="$WWW" --dataroot="$DRILL/data" --dbtype=pgsql --dbhost=127.0.0.1 \
    --dbname=moodle_drill --dbuser=postgres --dbpass= --prefix=mdl_ \
    --fullname="Drill" --shortname="Drill" --adminuser=admin --adminpass="$ADMINPASS" \
    --adminemail=admin@drill.invalid --supportemail=admin@drill.invalid
fi
grep -E '^\$release' version.php
