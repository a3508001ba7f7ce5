# gradesim: `make demo` and `make test` set everything up from scratch.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test bench lint format clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "need python3.11 on the PATH (or make PYTHON=/path/to/python3.11)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "$(PYTHON) is older than 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEVSTAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

demo: $(STAMP)
	$(BIN)/gradesim run scenarios/instructor_6pct_5mi.toml --out out
	$(BIN)/gradesim run scenarios/instructor_6pct_5mi_ramp.toml --out out/ramp
	@echo "plots: out/speed_distance.png, out/ramp/speed_distance.png"

test: $(DEVSTAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: $(DEVSTAMP)
	$(BIN)/python benchmarks/bench_single.py
	$(BIN)/python benchmarks/bench_sweep.py

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(DEVSTAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache
