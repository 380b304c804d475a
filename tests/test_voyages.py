"""Voyages: the next call after each call, dark arrivals (discharges) included.

The fixture's expectations come from the generator's stated truth: every DPRK tanker of the
SYNTHETIC Vostochny scenario sails home after loading and discharges there, dark
(``vesseltrack/synth/_scenario.py``, ``HOME_PORTS`` and each tanker's ``home``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from vesseltrack.cli import main
from vesseltrack.params import VoyageParams
from vesseltrack.ports import fences_from_ports
from vesseltrack.voyages import add_next_calls

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "data" / "fixtures" / "vostochny_2024.nmea.gz"
T = pd.Timestamp("2024-05-01T00:00:00Z")


def h(hours: float) -> pd.Timestamp:
    return T + pd.Timedelta(hours=hours)


FENCES = fences_from_ports(pd.DataFrame({
    "name": ["Home", "Roads"], "kind": ["port", "anchorage"],
    "geometry": [box(130.0, 42.0, 130.1, 42.1), box(131.0, 42.0, 131.1, 42.1)]}))


def calls(rows):
    return pd.DataFrame(rows, columns=["mmsi", "port", "arrival", "departure", "evidence"])


NO_GAPS = pd.DataFrame({"mmsi": np.array([], "int64"), "start": pd.Series([], dtype="datetime64[ns, UTC]"),
                        "end": pd.Series([], dtype="datetime64[ns, UTC]"),
                        "draught_before_m": [], "draught_after_m": []})
NO_GAP_FENCES = pd.DataFrame({"gap": np.array([], "int64"), "fence": np.array([], "int64"),
                              "port": [], "d_in_nm": [], "d_out_nm": [], "reachable": np.array([], bool)})


def test_next_call_is_the_first_arrival_after_the_departure():
    # the wider fence's call began before the terminal call: it is not "next"
    c = calls([(1, "Terminal", h(0), h(10), "ais"), (1, "Port", h(-1), h(11), "ais"),
               (1, "Home", h(50), h(60), "ais")])
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert (out["next_port"].iloc[0], out["next_arrival"].iloc[0]) == ("Home", h(50))


def _gap(before_m: float, after_m: float, fence: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    gaps = pd.DataFrame({"mmsi": [1], "start": [h(20)], "end": [h(120)],
                         "draught_before_m": [before_m], "draught_after_m": [after_m]})
    gf = pd.DataFrame({"gap": [0], "fence": [fence], "port": [FENCES[fence].name],
                       "d_in_nm": [30.0], "d_out_nm": [10.0], "reachable": [True]})
    return gaps, gf


def test_a_gap_across_which_the_draught_fell_is_a_dark_arrival():
    # 100 h gap, the fence 30 nm from its start and 10 nm from its end: arrival estimated at
    # start + 100 h * 30 / (30 + 10) = start + 75 h
    gaps, gf = _gap(6.0, 3.0)
    out = add_next_calls(calls([(1, "Terminal", h(0), h(10), "ais")]), gaps, gf, FENCES)
    assert (out["next_port"].iloc[0], out["next_evidence"].iloc[0], out["next_arrival"].iloc[0]) == (
        "Home", "ais-gap", h(95))


def test_a_gap_without_a_draught_drop_is_not_an_arrival():
    gaps, gf = _gap(6.0, 5.8)  # 0.2 m is below the 0.5 m threshold
    out = add_next_calls(calls([(1, "Terminal", h(0), h(10), "ais")]), gaps, gf, FENCES,
                         VoyageParams())
    assert out["next_port"].isna().iloc[0]


def test_an_anchorage_is_never_a_dark_arrival():
    gaps, gf = _gap(6.0, 3.0, fence=1)
    out = add_next_calls(calls([(1, "Terminal", h(0), h(10), "ais")]), gaps, gf, FENCES)
    assert out["next_port"].isna().iloc[0]


@pytest.fixture(scope="module")
def count_summary(tmp_path_factory):
    out = tmp_path_factory.mktemp("voyages")
    code = main([
        "count", str(FIXTURE), "--ports", str(ROOT / "data/ports/vostochny.geojson"),
        "--ports", str(ROOT / "data/ports/dprk_ports.geojson"), "--port", "Vostochny oil terminal",
        "--flag", "KP", "--registry", str(ROOT / "data/vessels/dprk_tankers.csv"),
        "--sightings", str(ROOT / "data/fixtures/vostochny_2024_sightings.csv"), "-q",
        "--out", str(out)])
    assert code == 0
    calls_out = pd.read_csv(out / "port_calls.csv")
    return json.loads((out / "summary.json").read_text()), calls_out


def test_fixture_keeps_its_43_loaded_departures_with_the_dprk_ports_added(count_summary):
    assert count_summary[0]["loaded_departures"] == 43


def test_fixture_discharge_ports_are_the_tankers_home_ports(count_summary):
    from vesseltrack.synth import SCENARIOS

    home = {v.mmsi: v.home for v in SCENARIOS["vostochny-2024"].fleet}
    calls_out = count_summary[1]
    loaded = calls_out.loc[(calls_out["load_state"] == "loaded")
                           & (calls_out["port"] == "Vostochny oil terminal")]
    to_dprk = loaded.loc[loaded["next_port"].isin(list(set(home.values())))]
    # 43 loaded departures: 12 are a tanker's last (its track ends dark at home), 3 more
    # return to Vostochny without a visible draught drop (stale draughts) and one is followed
    # by a sighting at home; the remaining 28 + that one = 29 discharges found, all at home
    assert (len(to_dprk), int((to_dprk["next_port"] == to_dprk["mmsi"].map(home)).sum())) == (29, 29)


def test_count_json_gains_discharge_ports(count_summary):
    assert sum(count_summary[0]["discharge_ports"].values()) == 43 - 11
