# vesseltrack: two commands do all the set-up.
#   make demo   runs the main job
#   make test   runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[all,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vesseltrack decode data/samples/ -o out/positions.parquet --statics out/statics.parquet

test: $(STAMP)
	$(BIN)/ruff check vesseltrack tests
	$(BIN)/python -m pytest -q --cov=vesseltrack --cov-report=term

lint: $(STAMP)
	$(BIN)/ruff check vesseltrack tests

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .coverage
