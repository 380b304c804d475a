"""The shared floor of the detectors: parameters declared once, statics as of a time, the
gap × fence table, and modules that talk through public names only."""

from __future__ import annotations

import ast
import json
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest
from _builders import BERTH, SEA, dark, dark_to, make_ports, make_track, sail, stay

import vesseltrack as vt
from vesseltrack._schema import statics_frame
from vesseltrack.cli import main
from vesseltrack.gaps import find_gaps
from vesseltrack.params import (
    CargoParams,
    CountParams,
    DarkCallParams,
    GapParams,
    PortCallParams,
    SpeedParams,
    TrackParams,
)
from vesseltrack.ports import fences_from_ports
from vesseltrack.statics import reported_at, timeline
from vesseltrack.tracks import sorted_tracks

ROOT = Path(__file__).resolve().parents[1]
TERM = "Vostochny oil terminal"
OFFSHORE = (133.069, 42.70)  # ~3.1 nm south of the berth (0.052 deg of latitude x 60 nm)


# --------------------------------------------------------------------------------------------
# parameters


def test_no_threshold_is_declared_in_two_parameter_classes():
    classes = (TrackParams, SpeedParams, GapParams, PortCallParams, DarkCallParams, CargoParams)
    names = [f.name for c in classes for f in fields(c) if f.name not in ("gaps", "speed")]
    assert len(names) == len(set(names))


def test_count_params_share_gap_and_speed_by_reference():
    params = CountParams()
    assert params.gaps is params.port_calls.gaps
    assert params.speed is params.port_calls.speed


@pytest.mark.parametrize(("min_gap_hours", "expected"), [(4.0, 4.0), (6.0, 6.0), (12.0, 6.0)])
def test_port_call_gap_is_the_shorter_of_reported_and_observed(min_gap_hours, expected):
    # min(min_gap_hours, observed_silence_hours = 6)
    assert GapParams(min_gap_hours=min_gap_hours).port_call_gap_hours == expected


def _dark_arrival_track() -> pd.DataFrame:
    """Offshore, AIS off for 5 h while moving onto the berth, 6 h stopped, out to sea."""
    return make_track(445_000_001, OFFSHORE,
                      [stay(1, 5.0), dark_to(*BERTH, 5.0), stay(6.0), sail(*SEA)])


@pytest.mark.parametrize(("min_gap_hours", "confidence", "arrival_estimated"),
                         [(6.0, 4, False), (4.0, 3, True)])
def test_gap_threshold_reaches_the_port_calls(min_gap_hours, confidence, arrival_estimated):
    # a 5 h silence just before arrival: under 6 h the entry is observed (1 + entry + exit +
    # stop = 4); from 4 h it is a gap, the entry is not observed (3) and the arrival estimated
    params = PortCallParams(gaps=GapParams(min_gap_hours=min_gap_hours))
    calls = vt.detect_port_calls(vt.clean_tracks(_dark_arrival_track()), make_ports(("terminal",)),
                                 params)
    assert (calls["confidence"].tolist(), calls["arrival_estimated"].tolist()) == (
        [confidence], [arrival_estimated])


@pytest.mark.parametrize("min_hours", [4.0, 6.0, 12.0])
def test_min_hours_flag_gives_the_library_answer(tmp_path, min_hours):
    positions = _dark_arrival_track()
    vt.write_table(positions, tmp_path / "positions.parquet")
    ports = ROOT / "data" / "ports" / "vostochny.geojson"
    assert main(["port-calls", str(tmp_path / "positions.parquet"), "--ports", str(ports),
                 "--port", TERM, "--min-hours", f"{min_hours:g}", "-q",
                 "-o", str(tmp_path / "calls.csv")]) == 0
    cli = pd.read_csv(tmp_path / "calls.csv")
    params = CountParams(port_calls=PortCallParams(gaps=GapParams(min_gap_hours=min_hours)))
    lib = vt.count_port_calls(positions, None, vt.read_ports(ports), port=TERM, params=params)
    assert (cli["confidence"].tolist(), cli["arrival_estimated"].tolist()) == (
        lib.port_calls["confidence"].tolist(), lib.port_calls["arrival_estimated"].tolist())


def test_summary_records_each_concept_once(vostochny_case):
    params = json.loads(json.dumps(vostochny_case.result.summary()["params"]))
    assert list(params) == [
        "tracks", "port_calls", "gaps", "speed", "dark", "cargo", "draught", "voyages"
    ]


# --------------------------------------------------------------------------------------------
# statics as of a time


def _destinations() -> pd.DataFrame:
    t = pd.Timestamp("2024-03-01T00:00Z")
    return statics_frame(pd.DataFrame({
        "mmsi": [1, 1, 1, 2],
        "timestamp": [t, t + pd.Timedelta(hours=2), t + pd.Timedelta(hours=4), t],
        "destination": ["NAKHODKA", "  ", "NAMPO", "BUSAN"],
        "msg_type": 5,
    }))


@pytest.mark.parametrize(("mmsi", "hours", "direction", "expected"), [
    (1, 1.0, "backward", "NAKHODKA"),
    (1, 3.0, "backward", "NAKHODKA"),   # the blank report at 2 h is no destination
    (1, 4.0, "backward", "NAMPO"),      # a report exactly at the time counts
    (1, 3.0, "forward", "NAMPO"),
    (2, 9.0, "backward", "BUSAN"),
    (1, -1.0, "backward", None),        # nothing reported yet
])
def test_destination_as_of_a_time(mmsi, hours, direction, expected):
    when = pd.Series([pd.Timestamp("2024-03-01T00:00Z") + pd.Timedelta(hours=hours)])
    got = reported_at(_destinations(), "destination", [mmsi], when, direction)[0]
    assert (None if pd.isna(got) else got) == expected


def test_timeline_refuses_a_field_that_is_not_reported():
    with pytest.raises(ValueError, match="not a reported field: 'lon'"):
        timeline(_destinations(), "lon")


# --------------------------------------------------------------------------------------------
# gap x fence


def test_gap_fence_table_is_one_row_per_pair_and_agrees_with_reachable_ports():
    # one 40 h gap at sea ~23 nm from the fences: every fence reachable at 12 kn
    # ((23 + 23) / 12 + 2 = 5.8 h <= 40 h)
    near = make_track(273_000_001, SEA, [stay(1, 5.0), dark(40.0), stay(1, 5.0)])
    tracks = sorted_tracks(vt.clean_tracks(near))
    ports = make_ports(("terminal", "port", "anchorage"))
    fences = fences_from_ports(ports)
    gaps, pairs = find_gaps(tracks, None, fences, GapParams(), PortCallParams())
    assert len(pairs) == len(gaps) * len(fences) == 3
    assert pairs["reachable"].all()
    assert gaps["reachable_ports"].tolist() == [";".join(f.name for f in fences)]


# --------------------------------------------------------------------------------------------
# modules talk through public names


def _private_imports() -> list[str]:
    found = []
    for path in sorted((ROOT / "vesseltrack").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (
                    node.level or (node.module or "").startswith("vesseltrack")):
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def test_no_private_name_is_imported_across_modules():
    assert _private_imports() == []


def test_top_level_api_names_the_analysis():
    wanted = {"read_ais", "clean_tracks", "detect_port_calls", "detect_gaps", "count_port_calls",
              "read_ports", "read_registry", "read_sightings", "build_map"}
    assert wanted <= set(vt.__all__)


def test_dark_calls_lie_within_a_gap_of_their_vessel(vostochny_case):
    calls = vostochny_case.result.port_calls
    dark_calls = calls.loc[calls["evidence"].astype(str).str.startswith("ais-gap")]
    pairs = dark_calls.merge(vostochny_case.result.gaps[["mmsi", "start", "end"]], on="mmsi")
    inside = (pairs["arrival"] >= pairs["start"]) & (pairs["departure"] <= pairs["end"])
    assert len(dark_calls) > 0
    assert set(pairs.loc[inside, "call_id"]) == set(dark_calls["call_id"])
