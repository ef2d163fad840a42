# PULSE: two commands for a new user.
#   make run    start the whole platform on embedded defaults, with demo data
#   make test   run the whole test suite against real servers on loopback
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint format bench clean-data

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "PULSE needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m devstack.run

test: lint
	$(PY) -m pytest -q $(PYTEST_ARGS)

# Style, and the layer contract of pyproject.toml ([tool.importlinter]).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every bench at full size (long: an hour or more), one table at the end.
bench: $(STAMP)
	$(PY) bench/run_all.py

clean-data:
	rm -rf .pulse
