"""One voyage, any feed: the synthetic Vostochny scenario written as NMEA (statics every six
minutes), as NOAA MarineCadastre legacy zip and 2024+ Zstandard CSV and as DMA CSV (the draught
in effect repeated on every position row), and as Parquet with a change-only statics archive,
gives the same port calls, load states and barrels, and those of the generator's truth.

The other layouts are written by ``tests/_formats.py`` from the NMEA file's decoded tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import _formats as fmt
import numpy as np
import pandas as pd
import pytest

from vesseltrack.count import count_port_calls
from vesseltrack.io import read_ais
from vesseltrack.ports import read_ports
from vesseltrack.registry import read_registry, read_sightings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "data" / "fixtures"
NMEA = FIXTURES / "vostochny_2024.nmea.gz"
TERM = "Vostochny oil terminal"
FORMATS = ("noaa-legacy-zip", "noaa-2024-zst", "dma-csv", "parquet-change-only")


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    out = pd.read_csv(FIXTURES / "vostochny_2024_truth.csv")
    for col in ("arrival", "departure"):
        out[col] = pd.to_datetime(out[col], utc=True)
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, list[Path]]:
    """The scenario's input files, per format."""
    folder = tmp_path_factory.mktemp("formats")
    decoded = read_ais(NMEA, progress=False)
    rows = fmt.rows_with_statics(decoded.positions, decoded.statics)
    inputs = {
        "nmea": [NMEA],
        "noaa-legacy-zip": [fmt.write_noaa_legacy_zip(rows, folder / "AIS_2024_01_01.zip")],
        "noaa-2024-zst": [fmt.write_noaa_2024_zst(rows, folder / "ais-2024-01-01.csv.zst")],
        "dma-csv": [fmt.write_dma_csv(rows, folder / "aisdk-2024-01-01.csv")],
        "parquet-change-only": fmt.write_parquet_archive(decoded.positions, decoded.statics,
                                                         folder / "parquet"),
    }
    return inputs


@pytest.fixture(scope="module")
def results(inputs) -> dict[str, pd.DataFrame]:
    """Loaded departures at the terminal of KP vessels, per format."""
    ports = read_ports(ROOT / "data" / "ports" / "vostochny.geojson")
    registry = read_registry(ROOT / "data" / "vessels" / "dprk_tankers.csv")
    sightings = read_sightings(FIXTURES / "vostochny_2024_sightings.csv")
    out = {}
    for name, paths in inputs.items():
        data = read_ais(paths, progress=False)
        res = count_port_calls(data.positions, data.statics, ports, registry=registry,
                               sightings=sightings, port=TERM, flag="KP")
        out[name] = res.port_calls.sort_values(["mmsi", "arrival"]).reset_index(drop=True)
    return out


def test_the_archive_keeps_far_fewer_statics_than_nmea_repeats():
    # the premise: the layouts differ in statics cadence (every 6 min vs only on change)
    decoded = read_ais(NMEA, progress=False)
    archive = fmt.change_only_statics(decoded.statics)
    assert len(archive) * 10 < len(decoded.statics)


def _matches(calls: pd.DataFrame, truth: pd.DataFrame) -> int:
    """Truth calls with a detected call of the same vessel whose arrival and departure are
    each within 12 hours (one-to-one, in time order per vessel)."""
    tol = pd.Timedelta(hours=12)
    pairs = calls.reset_index().merge(truth.reset_index(), on="mmsi", suffixes=("_d", "_t"))
    ok = ((pairs["arrival_d"] - pairs["arrival_t"]).abs() <= tol) & (
        (pairs["departure_d"] - pairs["departure_t"]).abs() <= tol)
    pairs = pairs.loc[ok]
    return min(pairs["index_d"].nunique(), pairs["index_t"].nunique())


@pytest.mark.parametrize("name", ("nmea", *FORMATS))
def test_every_format_finds_the_truth_loaded_departures(results, truth, name):
    loaded = results[name].loc[results[name]["load_state"] == "loaded"]
    # the generator's truth: 43 loaded departures by 12 vessels, all matched
    assert (len(loaded), _matches(loaded, truth)) == (len(truth), len(truth))


@pytest.mark.parametrize("name", ("nmea", *FORMATS))
def test_every_format_estimates_the_truth_barrels(results, truth, name):
    counts = json.loads((FIXTURES / "vostochny_2024_counts.json").read_text())
    bbl = results[name].loc[results[name]["load_state"] == "loaded", "cargo_bbl"].sum()
    # the truth's 1,101,398 bbl (counts file) to 1%: draughts are on AIS's 0.1 m grid
    assert abs(bbl - counts["truth_cargo_bbl"]) < 0.01 * counts["truth_cargo_bbl"]


@pytest.mark.parametrize("name", FORMATS)
def test_same_calls_as_nmea(results, name):
    a, b = results["nmea"], results[name]
    assert (b["mmsi"].tolist(), b["evidence"].tolist(), b["load_state"].tolist()) == (
        a["mmsi"].tolist(), a["evidence"].tolist(), a["load_state"].tolist())


@pytest.mark.parametrize("name", FORMATS)
def test_same_times_as_nmea_within_a_minute(results, name):
    # CSV exports keep whole seconds and 5-6 decimals of a degree: the times move by seconds
    a, b = results["nmea"], results[name]
    late = max((a["arrival"] - b["arrival"]).abs().max(),
               (a["departure"] - b["departure"]).abs().max())
    assert late < pd.Timedelta(minutes=1)


@pytest.mark.parametrize("name", FORMATS)
def test_same_draughts_as_nmea(results, name):
    a, b = results["nmea"], results[name]
    cols = ["arrival_draught_m", "departure_draught_m"]
    np.testing.assert_array_equal(b[cols].to_numpy("float64"), a[cols].to_numpy("float64"))


@pytest.mark.parametrize("name", FORMATS)
def test_same_barrels_as_nmea(results, name):
    a, b = results["nmea"], results[name]
    np.testing.assert_allclose(b["cargo_bbl"].to_numpy("float64"),
                               a["cargo_bbl"].to_numpy("float64"), atol=0.5)


@pytest.mark.parametrize("name", ("nmea", *FORMATS))
def test_a_store_of_any_format_reads_back_the_direct_read(name, inputs, tmp_path):
    """Ingested into a store, each format's files read back as the files read directly:
    the same positions, statics (rows, order, types) and decode report."""
    from vesseltrack.store import ingest, open_store

    direct = read_ais(inputs[name], progress=False)
    ingest(inputs[name], tmp_path / "store", progress=False)
    store = open_store(tmp_path / "store")
    assert len(direct.positions) > 10_000 and len(direct.statics) > 100
    pd.testing.assert_frame_equal(store.read("positions"), direct.positions)
    pd.testing.assert_frame_equal(store.read("statics"), direct.statics)
    assert store.report().to_dict() == direct.report.to_dict()
