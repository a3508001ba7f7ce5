# gradesim: `make demo` and `make test` set everything up from scratch.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
NBSTAMP  := $(VENV)/.installed-notebooks
DOCSTAMP := $(VENV)/.installed-docs

.PHONY: demo test bench lint format docs notebooks clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "need python3.11 on the PATH (or make PYTHON=/path/to/python3.11)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "$(PYTHON) is older than 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# the tests execute the notebooks and build the docs: they need all three extras
$(DEVSTAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks,docs]"
	@touch $@

$(NBSTAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	@touch $@

$(DOCSTAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[docs]"
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

docs: $(DOCSTAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "API reference: docs/_build/html/index.html"

notebooks: $(NBSTAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(DEVSTAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache docs/_build
