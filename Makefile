# Every target installs what it needs from the repo's own files: Python pins (requirements*.txt), Debian
# packages (tools/debian-packages.txt) and the Pulumi CLI, built once from its Go modules (tools/pulumi/build.sh).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEBIAN := $(VENV)/.debian-installed
ENGINE := tools/pulumi/build.sh

.PHONY: demo test lint typecheck unit bench emulator engine clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

$(DEBIAN): tools/debian-packages.txt | $(STAMP)
	tools/debian-packages.sh
	touch $(DEBIAN)

## make engine: build (once) or find the Pulumi CLI at the SDK's pinned version.
engine:
	@$(ENGINE) >/dev/null

## make demo: set everything up and run the main job against the embedded emulator (no Twilio account).
demo: $(STAMP) $(DEBIAN) engine
	$(PY) -m flexctl demo

## make test: lint, types and the whole test suite.
test: lint typecheck unit

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP) $(DEBIAN) engine
	$(PY) -m pytest -n 2 -q --durations=25

## make bench: every figure of bench/README.md in one run, and their summary table (long: the 2,000-resource
## stack is deployed twice; `python -m bench --report --skip-big` leaves it out).
bench: $(STAMP) engine
	$(PY) -m bench --report

## make emulator: the local Twilio API on 127.0.0.1:8787 for the local stack. Its account is kept in
## $(EMULATOR_STATE) across restarts (rm -r .emulator to start afresh; EMULATOR_STATE= keeps nothing).
EMULATOR_STATE ?= .emulator/state.json
emulator: $(STAMP)
	$(if $(EMULATOR_STATE),mkdir -p $(dir $(EMULATOR_STATE)))
	$(PY) -m twilio_emulator $(if $(EMULATOR_STATE),--state $(EMULATOR_STATE))

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache .hypothesis .pulumi-local .emulator
