# The two commands: `make run` and `make test`. Both set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := libharfbuzz-subset0 gettext
TEST_SYSTEM_PACKAGES := chromium poppler-utils zbar-tools softhsm2 opensc
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs the suite in this many processes (pytest-xdist), each with its own test
# database, Redis cache database and Celery queues. `--dist load` hands each process the tests
# in collection order, which pytest-django sorts as Django does (transactional tests, which
# flush the database, last): per file (`loadfile`) a flush ran before another file's tests and
# took the groups the migrations create with it. `make test TEST_PROCESSES=0`: one process.
TEST_PROCESSES ?= 2
# `make run DEBUG=1` shows Django's debug pages; without it the demo answers as production does.
DEBUG ?= 0

# The dev settings build SITE_URL (links in e-mails, QR codes) from the address served on.
RUN_ENV = ELEARNING_HOST=$(HOST) ELEARNING_PORT=$(PORT) ELEARNING_DEBUG=$(DEBUG)

.PHONY: run test audit setup system-packages test-system-packages messages lint lock clean lrs-venv

run: setup
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py create_demo_seal
	$(RUN_ENV) $(PY) manage.py credentials_signing_key
	$(RUN_ENV) $(PY) manage.py lti_tool_key
	$(RUN_ENV) $(PY) manage.py seed_demo
	@# Beat's reminders run daily at fixed hours, never on start: queue those due now (the
	@# worker below sends them; the e-mails appear in this terminal). Claimed: sent once.
	$(RUN_ENV) $(PY) manage.py send_certificate_reminders
	@echo "Serving on http://$(HOST):$(PORT)/ with a Celery worker beside it. Ctrl-C stops both."
	@trap 'kill 0' INT TERM; \
	$(RUN_ENV) $(VENV)/bin/celery -A elearning worker --beat --loglevel=INFO --pool=solo & \
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT) --noreload; \
	kill 0

test: setup test-system-packages node_modules/.installed lrs-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=elearning.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=elearning.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist load $(PYTEST_ARGS)

# Known vulnerabilities of every pinned package, from the advisory data of pip-audit's default
# service. The probe first asks about a release with published advisories (Django 3.0): where
# that data cannot be reached (a mirror of the registry without it), pip-audit reports every
# package as "not found", so the audit says it was skipped instead of reading that as clean.
# --strict: a package it could not check fails the audit. A known vulnerability fails it too:
# bump the pin, or accept the finding here with --ignore-vuln ID and a comment saying why.
AUDIT = $(VENV)/bin/pip-audit --no-deps --disable-pip --progress-spinner off
audit: setup
	@mkdir -p var && printf 'django==3.0\n' > var/audit-probe.txt
	@if $(AUDIT) -r var/audit-probe.txt -f json 2>/dev/null | $(PY) -c 'import json, sys; \
	  sys.exit(0 if any(d.get("vulns") for d in json.load(sys.stdin)["dependencies"]) else 1)'; \
	then $(AUDIT) -r requirements.lock --strict; \
	else echo "Dependency audit skipped: no vulnerability data can be reached from here."; fi

setup: system-packages $(STAMP) messages

# Debian packages: installed only when missing, so a prepared machine pays nothing.
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

test-system-packages:
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="$(TEST_SYSTEM_PACKAGES)"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

# Ralph, the learning record store tests/learning_records/test_lrs.py sends statements to: its
# own virtual environment, so FastAPI and pydantic never enter the application's.
LRS_VENV := var/venv-ralph
lrs-venv: $(LRS_VENV)/.installed

$(LRS_VENV)/.installed: learning_records/lrs-requirements.txt
	@test -x $(LRS_VENV)/bin/python || $(PYTHON) -m venv $(LRS_VENV)
	$(LRS_VENV)/bin/python -m pip install --quiet --no-deps -r learning_records/lrs-requirements.txt
	@touch $@

# axe-core, injected by the browser tests (never served to learners).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES=npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: locale/ro/LC_MESSAGES/django.mo

locale/ro/LC_MESSAGES/django.mo: locale/ro/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

# Refresh requirements.lock after changing the pins in pyproject.toml.
lock:
	rm -rf /tmp/elearning-lock && $(PYTHON) -m venv /tmp/elearning-lock
	/tmp/elearning-lock/bin/pip install --quiet ".[dev]"
	/tmp/elearning-lock/bin/pip freeze --exclude-editable | grep -v '^elearning' > requirements.lock

clean:
	rm -rf $(VENV) var static_collected db.sqlite3*
