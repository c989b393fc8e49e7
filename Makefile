# Mend build and set-up.
#
#   make demo          install everything, migrate, seed demo data, run on 127.0.0.1:$(PORT)
#   make test          system packages, venv, assets, messages, then scripts/run-tests.sh
#   make bench         the national-scale benchmark (SCALE=10000 for a quick run; see bench/run.py)
#   make lint          ruff check + ruff format --check, lint-imports, mypy
#   make clean         remove var/ and build outputs
#
# Works on a fresh Debian 12 machine with python3.11, pip, node 20 and npm.
# All targets are idempotent.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

export DEBIAN_FRONTEND := noninteractive

PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
APT_INSTALL := bash scripts/apt-install.sh

NODE_STAMP := node_modules/.mend-installed
STATIC := src/mend/static/mend
BUILD := $(STATIC)/build
CSS := $(BUILD)/mend.css
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
GOVUK_JS := $(BUILD)/govuk-frontend.min.js
MARK := $(BUILD)/assets/images/mend-mark.svg
SASS := node_modules/.bin/sass

.PHONY: help venv system-deps system-deps-gettext system-deps-chromium \
	system-deps-postgres system-deps-pdf assets messages demo test bench lint clean

help:
	@echo "Targets: venv system-deps assets messages demo test bench lint clean"
	@echo "  make demo [PORT=8000]   run the demo at http://127.0.0.1:\$$PORT/"
	@echo "  make test [ARGS='-k something']"
	@echo "  make bench [SCALE=10000]  the benchmark (default 1,000,000 cases)"

# ---------------------------------------------------------------------------
# Python virtualenv
# ---------------------------------------------------------------------------
venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	@if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then \
	  ver=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	  $(APT_INSTALL) "python$$ver-venv"; \
	fi
	@if [ ! -x $(VPY) ] || [ ! -x $(VENV)/bin/pip ]; then \
	  echo "creating $(VENV) with $(PYTHON)"; \
	  rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(VPY) -m pip install --upgrade pip
	$(VPY) -m pip install -e '.[test]'
	touch $@

# ---------------------------------------------------------------------------
# Debian packages (apt-get only when something is missing)
# ---------------------------------------------------------------------------
system-deps: system-deps-gettext system-deps-chromium system-deps-postgres system-deps-pdf

system-deps-gettext:
	@command -v msgfmt >/dev/null 2>&1 || $(APT_INSTALL) gettext

system-deps-chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  $(APT_INSTALL) chromium chromium-driver; \
	fi

# WeasyPrint (letters, invoices, certificates) draws text with Pango and needs fonts.
system-deps-pdf:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
	  $(APT_INSTALL) libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; \
	fi

system-deps-postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  $(APT_INSTALL) postgresql; \
	fi

# ---------------------------------------------------------------------------
# Front-end assets: govuk-frontend (rebranded) compiled with dart-sass
# ---------------------------------------------------------------------------
assets: $(CSS) $(GOVUK_JS) $(MARK)

$(NODE_STAMP): package.json $(wildcard package-lock.json)
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
	else npm install --no-audit --no-fund; fi
	touch $@

# Asset URLs in the CSS are relative to mend.css (assets/images/...). The only
# image govuk-frontend refers to is the footer crest, which frontend/ maps to
# Mend's own mark; fonts are never referenced (system font stack). The unused
# `.govuk-footer__crown` rule is stripped so no crown reference remains.
$(CSS): frontend/mend.scss $(wildcard frontend/_*.scss) $(NODE_STAMP)
	@mkdir -p $(BUILD)
	$(SASS) --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
	  frontend/mend.scss $@.tmp
	sed -i -e 's/\.govuk-footer__crown{[^}]*}//g' $@.tmp
	@if grep -qi 'gds transport\|crown\|crest' $@.tmp; then \
	  echo "error: government branding (crown/crest/GDS Transport) left in $@" >&2; \
	  grep -oi '.\{60\}\(gds transport\|crown\|crest\).\{60\}' $@.tmp >&2; \
	  rm -f $@.tmp; exit 1; \
	fi
	@for u in $$(grep -o 'url("[^"]*")' $@.tmp | sed 's/^url("//; s/")$$//' | sort -u); do \
	  case "$$u" in data:*|http*|/*) continue ;; esac; \
	  case "$$u" in assets/images/mend-mark.svg) continue ;; esac; \
	  [ -f "$(BUILD)/$$u" ] || { echo "copying $$u"; mkdir -p "$$(dirname "$(BUILD)/$$u")"; \
	    cp "$(GOVUK_DIST)/$$u" "$(BUILD)/$$u"; }; \
	done
	mv $@.tmp $@

$(GOVUK_JS): $(NODE_STAMP)
	@mkdir -p $(BUILD)
	cp $(GOVUK_DIST)/govuk-frontend.min.js $@
	cp $(GOVUK_DIST)/govuk-frontend.min.js.map $(BUILD)/

$(MARK): $(STATIC)/favicon.svg
	@mkdir -p $(dir $@)
	cp $< $@

# ---------------------------------------------------------------------------
# Translations
# ---------------------------------------------------------------------------
messages: system-deps-gettext venv
	$(VPY) manage.py compilemessages --ignore=.venv --ignore=node_modules

# ---------------------------------------------------------------------------
# Demo, tests, lint
# ---------------------------------------------------------------------------
demo: export DJANGO_DEBUG := 1
demo: export MEND_BASE_URL := http://127.0.0.1:$(PORT)
demo: system-deps-gettext system-deps-pdf venv assets messages
	@mkdir -p var
	$(VPY) manage.py migrate --noinput
	$(VPY) manage.py seed_demo
	$(VPY) manage.py runserver 127.0.0.1:$(PORT)

test: system-deps venv assets messages
	bash scripts/run-tests.sh $(ARGS)

BENCH_STAMP := $(VENV)/.bench-installed
SCALE ?= 1000000

$(BENCH_STAMP): $(VENV_STAMP) pyproject.toml
	$(VPY) -m pip install -e '.[test,bench]'
	touch $@

bench: system-deps-postgres system-deps-gettext venv assets messages $(BENCH_STAMP)
	SCALE=$(SCALE) $(VPY) -m bench.run

lint: venv
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache
	PYTHONPATH=src $(VENV)/bin/mypy

clean:
	-bash scripts/test-db.sh stop
	rm -rf var $(BUILD) node_modules/.mend-installed .pytest_cache .ruff_cache
