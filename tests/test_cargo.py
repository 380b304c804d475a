"""Unit tests of vesseltrack.cargo: draught timeline, load state and cargo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _builders import T0, make_statics, write_registry, write_sightings

from vesseltrack.cargo import CargoParams, assess_load, draught_at
from vesseltrack.registry import match_sightings, read_registry, read_sightings

H = pd.Timedelta(hours=1)
ARR, DEP = T0 + 10 * H, T0 + 40 * H
# dwt 3003 t, summer 5.6 m, ballast 2.7 m: range 2.9 m, loaded threshold 0.87 m
REG_ROW = "445000001,7389704,RYE SONG GANG 1,KP,3003,84,13.0,5.6,2.7,diesel"


def _calls(mmsi=445000001, arrival=ARR, departure=DEP, port="T"):
    return pd.DataFrame({"mmsi": [mmsi], "port": [port], "arrival": [arrival],
                         "departure": [departure]})


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The registry of REG_ROW, read once (tests must not modify it)."""
    return read_registry(write_registry(tmp_path_factory.mktemp("registry") / "r.csv", [REG_ROW]))


def test_draught_at_backward_and_forward():
    st = make_statics([(1, T0, 2.0), (1, T0 + 2 * H, np.nan), (1, T0 + 4 * H, 3.0),
                       (2, T0 + H, 9.0)])
    times = pd.Series([T0 + 3 * H, T0 + 3 * H, T0 - H])
    assert draught_at(st, [1, 1, 1], times, "backward")[:2].tolist() == [2.0, 2.0]
    fwd = draught_at(st, [1, 2, 1], times, "forward")
    assert fwd[0] == 3.0 and np.isnan(fwd[1]) and fwd[2] == 2.0


@pytest.mark.parametrize(
    ("arrival_m", "departure_m", "with_registry", "state"),
    [
        (2.7, 5.4, True, "loaded"),       # +2.7 m >= 0.87 m
        (2.7, 3.6, True, "loaded"),       # +0.9 m >= 30 % of 2.9 m
        (2.7, 3.5, True, "unchanged"),    # +0.8 m
        (5.4, 2.8, True, "discharged"),
        (2.7, 3.6, False, "unchanged"),   # no registry: 1.0 m needed
        (2.7, 3.7, False, "loaded"),
        (np.nan, 5.4, True, "unknown"),
    ],
)
def test_load_state_thresholds(registry, arrival_m, departure_m, with_registry, state):
    st = make_statics([(445000001, ARR - 5 * H, arrival_m), (445000001, DEP + H, departure_m)])
    out = assess_load(_calls(), st, registry if with_registry else None)
    assert out["load_state"].tolist() == [state]
    if not np.isnan(arrival_m):
        assert out["draught_change_m"].iloc[0] == pytest.approx(departure_m - arrival_m)


def test_cargo_from_draught(registry):
    st = make_statics([(445000001, ARR - 5 * H, 2.7), (445000001, DEP + H, 5.31)])
    (c,) = assess_load(_calls(), st, registry).itertuples()
    fill = (5.31 - 2.7) / (5.6 - 2.7)  # 0.9
    assert c.cargo_t == pytest.approx(fill * 0.93 * 3003)
    assert c.cargo_bbl == pytest.approx(fill * 0.93 * 3003 * 7.46)
    assert c.cargo_method == "draught"


def test_overfull_draught_is_clipped_to_full(registry):
    st = make_statics([(445000001, ARR - 5 * H, 2.7), (445000001, DEP + H, 6.5)])
    assert assess_load(_calls(), st, registry)["cargo_t"].iloc[0] == pytest.approx(0.93 * 3003)


def test_no_registry_entry_no_cargo_figure_but_a_load_state():
    st = make_statics([(445000001, ARR - 5 * H, 2.7), (445000001, DEP + H, 5.4)])
    (c,) = assess_load(_calls(), st, None).itertuples()
    assert c.load_state == "loaded" and np.isnan(c.cargo_t) and pd.isna(c.cargo_method)


@pytest.mark.parametrize(
    ("reports", "departure_m"),
    [
        # the last report in port wins; later ones (after departure) do not count
        ([(ARR - 5 * H, 2.7), (DEP - 2 * H, 5.0), (DEP + H, 5.3), (DEP + 5 * H, 5.5)], 5.0),
        # AIS off in port: the first report within 24 h after departure
        ([(ARR - 5 * H, 2.7), (DEP + H, 5.3), (DEP + 5 * H, 5.5)], 5.3),
        # nothing in port and nothing within 24 h: the draught in effect (2.7, unchanged)
        ([(ARR - 5 * H, 2.7), (DEP + 25 * H, 5.3)], 2.7),
        # nothing before departure and nothing within 24 h: unknown
        ([(DEP + 25 * H, 5.3)], np.nan),
    ],
)
def test_departure_draught(registry, reports, departure_m):
    st = make_statics([(445000001, t, d) for t, d in reports])
    got = assess_load(_calls(), st, registry)["departure_draught_m"].iloc[0]
    assert (np.isnan(got) and np.isnan(departure_m)) or got == departure_m


def test_departure_draught_not_taken_from_after_the_next_call(registry):
    # the next call begins 10 h after departure; the rise is reported 12 h after, in it
    calls = pd.concat([_calls(), _calls(arrival=DEP + 10 * H, departure=DEP + 40 * H)],
                      ignore_index=True)
    st = make_statics([(445000001, ARR - 5 * H, 2.7), (445000001, DEP + 12 * H, 5.4)])
    out = assess_load(calls, st, registry)
    assert out["departure_draught_m"].tolist() == [2.7, 5.4]


@pytest.mark.parametrize(
    ("when", "state", "settles"),
    [
        (ARR + 5 * H, "laden", True),     # in port
        (DEP + 48 * H, "laden", True),    # at sea, two days after
        (DEP + 100 * H, "laden", False),  # too late
        (ARR - 5 * H, "laden", False),    # before arrival
        (ARR + 5 * H, "ballast", False),
    ],
)
def test_laden_sighting_settles_a_stale_draught(registry, tmp_path, when, state, settles):
    st = make_statics([(445000001, ARR - 5 * H, 2.7), (445000001, DEP + H, 2.7)])  # stale
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        f"{when.isoformat()},133.07,42.75,445000001,,,{state},x"]))
    (c,) = assess_load(_calls(), st, registry, match_sightings(s)).itertuples()
    if settles:
        assert c.load_state == "loaded" and c.cargo_method == "laden-sighting-fill"
        assert c.cargo_t == pytest.approx(0.9 * 0.93 * 3003)
    else:
        assert c.load_state == "unchanged" and np.isnan(c.cargo_t)


def test_laden_sighting_does_not_override_a_usable_draught(registry, tmp_path):
    st = make_statics([(445000001, ARR - 5 * H, 2.7), (445000001, DEP + H, 5.0)])
    s = match_sightings(read_sightings(write_sightings(tmp_path / "s.csv", [
        f"{(ARR + 5 * H).isoformat()},133.07,42.75,445000001,,,laden,x"])))
    (c,) = assess_load(_calls(), st, registry, s).itertuples()
    assert c.cargo_method == "draught"
    assert c.cargo_t == pytest.approx((5.0 - 2.7) / 2.9 * 0.93 * 3003)


def test_params_recorded_and_used(registry):
    st = make_statics([(445000001, ARR - 5 * H, 2.7), (445000001, DEP + H, 3.6)])
    strict = CargoParams(loaded_fraction_of_range=0.5)
    out = assess_load(_calls(), st, registry, params=strict)
    assert out["load_state"].tolist() == ["unchanged"]
    assert out.attrs["params"]["loaded_fraction_of_range"] == 0.5
