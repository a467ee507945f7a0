# MP Rating: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
## Links in e-mails follow where `make run` serves (a server on all interfaces is linked as
## 127.0.0.1); set SITE_URL yourself for a public address.
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test install system-libs migrate demo worker lint format check chromium lock clean

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) system-libs

## Debian's libraries WeasyPrint needs for the PDF акт сверки (pango, harfbuzz) and a font with
## Cyrillic (DejaVu); installed when missing and we are root, otherwise a hint is printed.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system-libs:
	@missing=""; for pkg in $(PDF_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else echo "PDF (акт сверки) needs Debian packages:$$missing — sudo apt-get install -y$$missing"; fi; \
	fi

migrate: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

## Serve the app with demo data on http://$(HOST):$(PORT), with the task worker beside it.
run: demo
	@echo "Worker: manage.py db_worker (stopped together with the server)."
	@SITE_URL=$(SITE_URL) DJANGO_DEBUG=1 $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	SITE_URL=$(SITE_URL) DJANGO_DEBUG=1 $(PY) manage.py db_worker

## Install what tests need (Chromium from Debian when missing) and run the whole suite.
test: install chromium
	REQUIRE_BROWSER=1 $(PY) -m pytest

chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's Chromium: sudo apt-get install -y chromium"; exit 1; fi; }

## ruff, import-linter (the app map of README «Устройство кода», floors in pyproject.toml) and
## bandit (the security lint of the product code, [tool.bandit] in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r mprating config

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	DJANGO_DEBUG=1 $(PY) manage.py check
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

## Re-pin requirements.lock from pyproject.toml (needs `uv`: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) staticfiles test-artifacts
