# The two commands a newcomer needs are `make run` and `make test`; they install everything.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1
# apt needs root; use sudo when we are not root and it exists.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: run test coverage test-fast lint audit site check translations schema docs install install-test browser system clean bench lighthouse bench-forms bench-build wrk

# `portal serve` builds the site itself before serving: depending on `site` built it twice.
run: install ## Build the site and serve it with live preview on http://127.0.0.1:8000
	$(BIN)/portal serve --host $(HOST) --port $(PORT)

# Four processes on two cores: most tests wait on a browser, a server or a timeout. Tests
# are spread one by one, except the groups tests/conftest.py names (the Redis tests, which
# share one Redis database; a file whose tests share a module fixture), which stay on one
# worker (--dist loadgroup). Measured on this 2-core machine: 8 min 46 s with 4 processes,
# 13 min with 2; coverage tracing (make coverage) costs about half as much again.
test: install-test lint audit browser system ## Install what the tests need, lint, audit, run the whole suite
	$(BIN)/python -m pytest --numprocesses 4 --dist loadgroup

coverage: install-test browser system ## The whole suite with line and branch coverage (slower)
	$(BIN)/python -m pytest --cov --cov-report=term --numprocesses 4 --dist loadgroup

# The contributor's loop, under two minutes on two cores: model, build, CLI and service tests
# on SQLite, without browser, PostgreSQL or Redis; one process per core (pytest-xdist), and a
# shallower API fuzz (20 examples per operation instead of 60). `make test` runs everything.
test-fast: install-test ## Quick loop: model, build, CLI and service tests; SQLite, no browser
	PORTAL_TEST_FUZZ_EXAMPLES=20 $(BIN)/python -m pytest \
	  -m "not browser and not postgresql and not redis" --numprocesses auto --dist worksteal

lint: install-test ## ruff (lint and format check) and mypy, configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Known vulnerabilities in the pinned dependencies: pip-audit where OSV answers, else PyPI's own
# advisories for every package pinned at its latest release (scripts/audit.py). A known
# vulnerability fails; with no source at all it fails in CI (CI=true) and warns elsewhere.
audit: install-test ## pip-audit of the installed, pinned dependencies
	$(BIN)/python scripts/audit.py

site: install ## Check the content and build site/
	$(BIN)/portal build

check: install ## Validate content/ and site_config/
	$(BIN)/portal check

translations: install ## Translation report: missing and outdated texts per language
	$(BIN)/portal translations

schema: install ## Regenerate the JSON Schemas in schemas/
	$(BIN)/portal schema

docs: install schema ## Regenerate docs/riferimento-campi.md from the content types
	$(BIN)/python scripts/field_reference.py

bench: install-test browser ## Page weight of a first visit per language vs the 150 KB budget (bench/README.md)
	$(BIN)/python -m bench.weight
	$(BIN)/python -m bench.script_size

lighthouse: install browser bench/node_modules/.package-lock.json ## Lighthouse scores into bench/lighthouse-scores.json
	CHROME_PATH=/usr/bin/chromium $(BIN)/python -m bench.lighthouse

bench-forms: install wrk ## Pre-applications/s vs liveness on SQLite and PostgreSQL, under gunicorn (bench/README.md)
	$(BIN)/python -m bench.forms_throughput

bench-build: install ## Full build time at 1x, 4x, 16x the content, against plain mkdocs (bench/README.md)
	$(BIN)/python -m bench.build_scaling

# The load generator of bench-forms (Debian's wrk; wrk2's constant rate is not packaged).
wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }

# Lighthouse, pinned by bench/package-lock.json (npm writes node_modules/.package-lock.json).
bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium: Playwright cannot download its own browser here.
# The Noto fonts let screenshots show Arabic, Urdu, Bengali and Chinese (the site itself
# relies on the reader's system fonts and downloads none).
BROWSER_PACKAGES := chromium fonts-noto-core fonts-noto-cjk
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BROWSER_PACKAGES); }

# tests/test_nginx.py runs Debian's nginx (and openssl, for its certificate) in front of
# gunicorn, as docs/operators.md configures it; it fails, never skips, without them.
# `portal posters` and the service's print links use WeasyPrint, which needs Pango and the
# Noto fonts (Arabic, Urdu Nastaliq, Bengali, Chinese); tests/test_posters.py reads the PDFs
# back with poppler.
SYSTEM_PACKAGES := nginx openssl libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core \
	fonts-noto-cjk poppler-utils
system:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); }

clean:
	rm -rf $(VENV) site .site.* var
