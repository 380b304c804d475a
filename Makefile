# vesseltrack: two commands do all the set-up.
#   make demo   runs the main job
#   make test   runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench mutate clean provision

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[all,dev]'
	touch $(STAMP)

# System packages (Chromium for the browser tests, GMT + GSHHG for the coastline): installed
# with apt-get when we are root, else one line says what to install. Quick when present.
provision:
	@bash scripts/provision.sh

# The main job: count the (SYNTHETIC) Vostochny 2024 fixture's loaded departures of DPRK tankers
# (and, with the DPRK ports, where each went next); then encounters at sea on the SYNTHETIC
# at-sea fixture.
demo: provision $(STAMP)
	$(BIN)/vesseltrack count data/fixtures/vostochny_2024.nmea.gz \
	    --ports data/ports/vostochny.geojson --ports data/ports/dprk_ports.geojson \
	    --port "Vostochny oil terminal" --flag KP \
	    --registry data/vessels/dprk_tankers.csv \
	    --sightings data/fixtures/vostochny_2024_sightings.csv \
	    --out out/vostochny_2024
	$(BIN)/vesseltrack map data/fixtures/vostochny_2024.nmea.gz \
	    --ports data/ports/vostochny.geojson --port "Vostochny oil terminal" --flag KP \
	    --registry data/vessels/dprk_tankers.csv \
	    --sightings data/fixtures/vostochny_2024_sightings.csv -q \
	    -o maps/vostochny_2024.html
	$(BIN)/vesseltrack encounters data/fixtures/at_sea_2024.nmea.gz \
	    --ports data/fixtures/at_sea_2024_ports.geojson -q --out out/at_sea_2024
	$(BIN)/vesseltrack identity data/fixtures/identity_2024.nmea.gz \
	    --registry data/fixtures/identity_2024_registry.csv \
	    --watchlist data/watchlists/sample_watchlist.csv -q --out out/identity_2024

# The suite runs on every core (pytest-xdist), a test file per worker at a time (its module
# fixtures computed once).
test: provision $(STAMP)
	$(BIN)/ruff check vesseltrack tests bench
	$(BIN)/python -m pytest -q -n auto --dist loadfile --cov=vesseltrack --cov-report=term

lint: $(STAMP)
	$(BIN)/ruff check vesseltrack tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Mutation testing of the analysis modules (bench/mutate.py; figures in bench/MUTATION.md).
mutate: provision $(STAMP)
	$(BIN)/python -m pip install -q -e '.[mutate]'
	$(BIN)/python bench/mutate.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .coverage .mutate
