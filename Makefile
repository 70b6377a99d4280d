# FoodTrace: `make run` and `make test` are all a fresh machine needs (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: the CJK font labels print with (run and test), decoders, a browser and an office suite (the
# exports printed as LibreOffice prints them) for the tests.
RUN_APT_PACKAGES ?= fonts-wqy-microhei
APT_PACKAGES ?= $(RUN_APT_PACKAGES) poppler-utils librsvg2-bin chromium libreoffice-calc-nogui

.PHONY: run test lint typecheck pytest system-packages bench clean openapi

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

system-packages:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: $(VENV)/.installed
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(RUN_APT_PACKAGES)"
	$(BIN)/foodtrace demo --if-empty --address http://$(HOST):$(PORT)
	$(BIN)/foodtrace serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# Two workers (pytest-xdist): most tests wait on PostgreSQL, a server or the browser, so two keep two cores busy.
# --dist loadgroup keeps the tests of an xdist_group (a module sharing one costly fixture) on one worker.
PYTEST_WORKERS ?= 2
pytest: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(APT_PACKAGES)"
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: lint typecheck pytest

# The API's committed OpenAPI snapshot: rewrite it when the API changes on purpose (README: API versioning).
openapi: $(VENV)/.installed
	$(BIN)/foodtrace openapi -o openapi.json

# The quick set, under 5 minutes even on a busy machine: intake in process (smaller than bench/ledger.py's default,
# which took 4 minutes alone there), the server under mixed load with the card beside /health. Full runs and their
# figures: bench/RESULTS.md.
bench: $(VENV)/.installed-test
	$(BIN)/python bench/ledger.py --n 500 --batches 20
	$(BIN)/python bench/http_load.py --requests 600 --seconds 30 --days 3

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
