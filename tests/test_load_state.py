"""Load state and cargo worked out by hand: arrival draught above ballast, partial fills,
discharges at several depths, and every threshold on both sides of its boundary.

The rule (vesseltrack.cargo): with range = summer - ballast draught,
``loaded`` when change = T_dep - T_arr >= loaded_fraction_of_range x range,
``discharged`` when change <= -(the same threshold), else ``unchanged``;
fill = clip((T_dep - T_ballast) / range, 0, 1), cargo_t = fill x 0.93 x dwt,
cargo_bbl = cargo_t x bbl_per_t (BP factors: diesel 7.46, gasoline 8.35, fuel oil 6.35,
crude 7.33; 7.5 when the registry names no cargo).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _builders import T0, make_statics, write_registry

from vesseltrack.cargo import CargoParams, assess_load, registry_rows_for
from vesseltrack.params import DraughtParams
from vesseltrack.registry import read_registry

H = pd.Timedelta(hours=1)
ARR, DEP = T0 + 10 * H, T0 + 40 * H
MMSI = 445000009
# dwt 4000 t, summer 6.0 m, ballast 2.0 m: range 4.0 m (every figure exact in binary)
ROW = "445000009,,TEST TANKER,KP,4000,90,14.0,6.0,2.0,{cargo}"
QUARTER = CargoParams(loaded_fraction_of_range=0.25)  # threshold 0.25 x 4.0 = 1.0 m exactly
JUST_UNDER = 1.0 - 2.0**-7  # 0.9921875 m: exact in binary, clearly below 1.0 m


@pytest.fixture(scope="module")
def registry_of(tmp_path_factory):
    """The registry of ROW for a cargo name, read once per name (tests must not modify it)."""
    read = {}

    def registry(cargo="diesel"):
        if cargo not in read:
            path = tmp_path_factory.mktemp("registry") / "r.csv"
            read[cargo] = read_registry(write_registry(path, [ROW.format(cargo=cargo)]))
        return read[cargo]

    return registry


def _assess(arrival_m, departure_m, registry, params=None):
    calls = pd.DataFrame({"mmsi": [MMSI], "port": ["T"], "arrival": [ARR],
                          "departure": [DEP]})
    st = make_statics([(MMSI, ARR - 5 * H, arrival_m), (MMSI, DEP + H, departure_m)])
    (row,) = assess_load(calls, st, registry, params=params).itertuples()
    return row


@pytest.mark.parametrize(
    ("arrival_m", "departure_m", "cargo_t"),
    [
        # arrival above ballast: fill from the departure draught and the BALLAST draught
        # fill = (5.0 - 2.0) / 4.0 = 0.75; 0.75 x 0.93 x 4000 = 2790 t
        # (from the arrival draught it would be (5.0 - 3.0) / 4.0 = 0.5 -> 1860 t)
        (3.0, 5.0, 2790.0),
        # fill = (4.5 - 2.0) / 4.0 = 0.625; 0.625 x 0.93 x 4000 = 2325 t
        (3.25, 4.5, 2325.0),
        # partial fill from ballast: (4.0 - 2.0) / 4.0 = 0.5; 0.5 x 3720 = 1860 t
        (2.0, 4.0, 1860.0),
        # (3.5 - 2.0) / 4.0 = 0.375; 0.375 x 3720 = 1395 t
        (2.0, 3.5, 1395.0),
        # over the summer draught: fill clipped to 1 -> 0.93 x 4000 = 3720 t
        (2.5, 6.5, 3720.0),
        # exactly full: (6.0 - 2.0) / 4.0 = 1 -> 3720 t
        (4.0, 6.0, 3720.0),
    ],
)
def test_fill_is_measured_from_the_ballast_draught_not_the_arrival(
    registry_of, arrival_m, departure_m, cargo_t
):
    row = _assess(arrival_m, departure_m, registry_of())
    assert (row.load_state, row.cargo_t) == ("loaded", pytest.approx(cargo_t, abs=1e-9))


@pytest.mark.parametrize(
    ("cargo", "cargo_bbl"),
    [
        # fill (5.0 - 2.0) / 4.0 = 0.75 -> 2790 t
        ("diesel", 20813.4),     # 2790 x 7.46
        ("gasoline", 23296.5),   # 2790 x 8.35
        ("fuel_oil", 17716.5),   # 2790 x 6.35
        ("crude", 20450.7),      # 2790 x 7.33
        ("", 20925.0),           # no cargo named: 2790 x 7.5 (UN 1718 Committee)
    ],
)
def test_barrels_from_tonnes_by_cargo(registry_of, cargo, cargo_bbl):
    row = _assess(3.0, 5.0, registry_of(cargo))
    assert row.cargo_bbl == pytest.approx(cargo_bbl, rel=1e-12)


@pytest.mark.parametrize(
    ("arrival_m", "departure_m", "state"),
    [
        # threshold 0.25 x (6.0 - 2.0) = 1.0 m
        (2.5, 3.5, "loaded"),                   # +1.0 m: exactly on the threshold
        (2.5, 2.5 + JUST_UNDER, "unchanged"),   # +0.9921875 m
        (3.5, 2.5, "discharged"),               # -1.0 m: exactly on the threshold
        (3.5, 3.5 - JUST_UNDER, "unchanged"),   # -0.9921875 m
    ],
)
def test_load_threshold_boundary_both_sides(registry_of, arrival_m, departure_m, state):
    assert _assess(arrival_m, departure_m, registry_of(), QUARTER).load_state == state


@pytest.mark.parametrize(
    ("arrival_m", "departure_m"),
    # falls of 1.0, 1.5, 2.0 and 3.0 m, all >= the 1.0 m threshold (and the first three
    # below twice the threshold, 2.0 m being on it)
    [(3.5, 2.5), (4.0, 2.5), (5.0, 3.0), (5.5, 2.5)],
)
def test_discharge_at_several_depths(registry_of, arrival_m, departure_m):
    row = _assess(arrival_m, departure_m, registry_of(), QUARTER)
    assert (row.load_state, np.isnan(row.cargo_t)) == ("discharged", True)


@pytest.mark.parametrize(
    ("arrival_m", "departure_m", "state"),
    [
        # default params, registry range 4.0 m: threshold 0.3 x 4.0 = 1.2 m
        (5.0, 3.75, "discharged"),   # -1.25 m
        (5.0, 3.875, "unchanged"),   # -1.125 m
        (2.0, 3.25, "loaded"),       # +1.25 m
        (2.0, 3.125, "unchanged"),   # +1.125 m
    ],
)
def test_default_fraction_of_range(registry_of, arrival_m, departure_m, state):
    assert _assess(arrival_m, departure_m, registry_of()).load_state == state


@pytest.mark.parametrize(
    ("arrival_m", "departure_m", "state"),
    [
        # no registry entry: loaded_rise_m = 1.0 m, for a rise and for a fall
        (2.5, 3.5, "loaded"),
        (2.5, 2.5 + JUST_UNDER, "unchanged"),
        (3.5, 2.5, "discharged"),
        (3.5, 3.5 - JUST_UNDER, "unchanged"),
    ],
)
def test_rise_in_metres_without_registry_boundary_both_sides(arrival_m, departure_m, state):
    assert _assess(arrival_m, departure_m, None).load_state == state


def test_draught_change_is_departure_minus_arrival(registry_of):
    # 4.5 - 3.25 = 1.25 m
    assert _assess(3.25, 4.5, registry_of()).draught_change_m == 1.25


def test_no_cargo_for_an_unchanged_call(registry_of):
    row = _assess(3.0, 3.5, registry_of())  # +0.5 m < 1.2 m
    assert (row.load_state, np.isnan(row.cargo_t), pd.isna(row.cargo_method)) == (
        "unchanged", True, True)


def test_cargo_share_of_dwt_is_a_parameter(registry_of):
    # fill 0.75 x 0.5 x 4000 = 1500 t
    row = _assess(3.0, 5.0, registry_of(), CargoParams(cargo_share_of_dwt=0.5))
    assert row.cargo_t == pytest.approx(1500.0)


def test_default_bbl_per_t_is_a_parameter(registry_of):
    # no cargo named: 2790 t x 8.0 = 22320 bbl
    row = _assess(3.0, 5.0, registry_of(""), CargoParams(default_bbl_per_t=8.0))
    assert row.cargo_bbl == pytest.approx(22320.0)


# ---------------------------------------------------------------- behaviours found by mutation


def _reg_rows(tmp_path, rows):
    return read_registry(write_registry(tmp_path / "r.csv", rows))


def _calls(**columns):
    base = {"mmsi": [MMSI], "port": ["T"], "arrival": [ARR], "departure": [DEP]}
    base.update(columns)
    return pd.DataFrame(base)


def _rising(mmsi=MMSI):
    # 3.0 -> 5.0 m: with the 4000 t / 6.0 m / 2.0 m vessel, fill 0.75 -> 2790 t
    return make_statics([(mmsi, ARR - 5 * H, 3.0), (mmsi, DEP + H, 5.0)])


@pytest.mark.parametrize(
    ("columns", "cargo_t"),
    [
        # unknown MMSI, known IMO: the IMO row (dwt 4000 t) -> 0.75 x 0.93 x 4000 = 2790 t
        ({"mmsi": [445999999], "imo": [9000001], "name": ["X"]}, 2790.0),
        # unknown MMSI and IMO, known name: -> 2790 t
        ({"mmsi": [445999999], "imo": [pd.NA], "name": ["test tanker"]}, 2790.0),
        # MMSI matches the 4000 t vessel, IMO the 2000 t one: the MMSI wins -> 2790 t
        ({"imo": [9000002], "name": ["X"]}, 2790.0),
    ],
)
def test_registry_match_by_mmsi_then_imo_then_name(tmp_path, columns, cargo_t):
    reg = _reg_rows(tmp_path, [
        "445000009,9000001,TEST TANKER,KP,4000,90,14.0,6.0,2.0,diesel",
        "445000010,9000002,OTHER TANKER,KP,2000,70,11.0,6.0,2.0,diesel",
    ])
    calls = _calls(**columns)
    st = _rising(int(calls["mmsi"].iloc[0]))
    assert assess_load(calls, st, reg)["cargo_t"].iloc[0] == pytest.approx(cargo_t)


def test_an_ambiguous_registry_name_matches_nothing(tmp_path):
    # two registry rows share the name: no match, so no cargo figure
    reg = _reg_rows(tmp_path, [
        "445000010,,TEST TANKER,KP,4000,90,14.0,6.0,2.0,diesel",
        "445000011,,TEST TANKER,KP,2000,70,11.0,6.0,2.0,diesel",
    ])
    calls = _calls(name=["TEST TANKER"])
    assert np.isnan(assess_load(calls, _rising(), reg)["cargo_t"].iloc[0])


def test_calls_with_their_own_index_keep_it(registry_of):
    # index 7 and 3, second call of an unknown vessel: figures stay with their rows
    calls = pd.DataFrame({"mmsi": [MMSI, 445999999], "port": ["T", "T"],
                          "arrival": [ARR, ARR], "departure": [DEP, DEP]}, index=[7, 3])
    st = pd.concat([_rising(), _rising(445999999)], ignore_index=True)
    out = assess_load(calls, st, registry_of())
    assert (out.index.tolist(), out["cargo_t"].tolist()[0], np.isnan(out["cargo_t"].tolist()[1])
            ) == ([7, 3], pytest.approx(2790.0), True)


@pytest.mark.parametrize(
    ("summer_m", "ballast_m", "state"),
    [
        # range 0.5 m: threshold 0.3 x 0.5 = 0.15 m, and the rise is 0.25 m -> loaded
        (3.0, 2.5, "loaded"),
        # range 0 (summer = ballast): unusable, so the 1.0 m rule -> unchanged
        (2.5, 2.5, "unchanged"),
    ],
)
def test_small_and_zero_draught_ranges(tmp_path, summer_m, ballast_m, state):
    reg = _reg_rows(tmp_path, [f"{MMSI},,T,KP,4000,90,14.0,{summer_m},{ballast_m},diesel"])
    st = make_statics([(MMSI, ARR - 5 * H, 2.5), (MMSI, DEP + H, 2.75)])
    assert assess_load(_calls(), st, reg)["load_state"].iloc[0] == state


def test_fill_below_ballast_is_clipped_to_zero(registry_of):
    # 0.5 -> 1.75 m: +1.25 m >= 1.2 m, loaded; fill (1.75 - 2.0) / 4.0 < 0 -> 0 t
    assert _assess(0.5, 1.75, registry_of()).cargo_t == 0.0


def test_departure_draught_reported_at_the_next_arrival_is_not_used(registry_of):
    # second call (at another fence) arrives at DEP + 10 h, inside the 24 h look-ahead; the
    # only later report is at exactly that time: the first call keeps the 3.0 m in effect
    calls = pd.DataFrame({"mmsi": [MMSI, MMSI], "port": ["T", "U"],
                          "arrival": [ARR, DEP + 10 * H], "departure": [DEP, DEP + 30 * H]})
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, DEP + 10 * H, 5.0)])
    assert assess_load(calls, st, registry_of())["departure_draught_m"].iloc[0] == 3.0


@pytest.mark.parametrize(
    ("after", "departure_m"),
    [
        (24 * H, 5.0),                               # at the end of the look-ahead exactly
        (24 * H + pd.Timedelta(seconds=1), 3.0),     # later: the 3.0 m in effect stays
    ],
)
def test_departure_draught_look_ahead_boundary(registry_of, after, departure_m):
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, DEP + after, 5.0)])
    assert assess_load(_calls(), st, registry_of())["departure_draught_m"].iloc[0] \
        == departure_m


def test_a_report_at_the_arrival_counts_as_in_port(registry_of):
    # nothing after departure; reports at ARR - 5 h (3.0 m) and at exactly ARR (5.0 m)
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, ARR, 5.0)])
    out = assess_load(_calls(), st, registry_of())
    assert out["departure_draught_m"].iloc[0] == 5.0


def _laden_at(tmp_path, when):
    from _builders import write_sightings

    from vesseltrack.registry import match_sightings, read_sightings

    return match_sightings(read_sightings(write_sightings(tmp_path / "s.csv", [
        f"{when.isoformat()},133.07,42.75,{MMSI},,,laden,x"])))


@pytest.mark.parametrize(
    ("when", "settles"),
    [
        (ARR, True),                          # at the arrival exactly
        (ARR - pd.Timedelta(seconds=1), False),
        (DEP + 72 * H, True),                 # at the end of the 72 h window exactly
        (DEP + 72 * H + pd.Timedelta(seconds=1), False),
    ],
)
def test_laden_sighting_window_boundaries(registry_of, tmp_path, when, settles):
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, DEP + H, 3.0)])  # stale
    out = assess_load(_calls(), st, registry_of(), _laden_at(tmp_path, when))
    assert (out["load_state"].iloc[0] == "loaded") == settles


def test_laden_sighting_at_the_next_arrival_belongs_to_the_next_call(registry_of, tmp_path):
    calls = pd.DataFrame({"mmsi": [MMSI, MMSI], "port": ["T", "T"],
                          "arrival": [ARR, DEP + 10 * H], "departure": [DEP, DEP + 30 * H]})
    st = make_statics([(MMSI, ARR - 5 * H, 3.0)])  # 3.0 m in effect throughout: unchanged
    out = assess_load(calls, st, registry_of(), _laden_at(tmp_path, DEP + 10 * H))
    assert out["load_state"].tolist() == ["unchanged", "loaded"]


def test_laden_sighting_settles_a_call_without_any_draught(registry_of, tmp_path):
    # no draught at all: unknown, settled as loaded with the 0.9 fill: 0.9 x 0.93 x 4000
    out = assess_load(_calls(), None, registry_of(), _laden_at(tmp_path, ARR + H))
    assert (out["load_state"].iloc[0], out["cargo_t"].iloc[0]) == ("loaded",
                                                                   pytest.approx(3348.0))


def test_another_vessels_arrival_does_not_end_the_look_ahead():
    # vessel 445000010 arrives somewhere at DEP + 1 h; our vessel reports 5.0 m at DEP + 2 h
    # (no report in port, 3.0 m in effect): its own next call is none, so 5.0 m is taken
    other = 445000010
    calls = pd.DataFrame({"mmsi": [MMSI, other], "port": ["T", "U"],
                          "arrival": [ARR, DEP + H], "departure": [DEP, DEP + 20 * H]})
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, DEP + 2 * H, 5.0)])
    assert assess_load(calls, st)["departure_draught_m"].iloc[0] == 5.0


def _one_call(mmsi=MMSI, index=(0,)):
    return pd.DataFrame({"mmsi": [mmsi], "port": ["T"], "arrival": [ARR], "departure": [DEP]},
                        index=list(index))


def test_registry_row_is_minus_one_without_a_registry():
    assert registry_rows_for(_one_call(), None)["registry_row"].tolist() == [-1]


def test_registry_row_is_minus_one_for_a_vessel_not_in_the_registry(registry_of):
    rows = registry_rows_for(_one_call(mmsi=445000010), registry_of())
    assert rows["registry_row"].tolist() == [-1]


def test_registry_rows_keep_the_calls_index(registry_of):
    rows = registry_rows_for(_one_call(index=(7,)), registry_of())
    assert (rows.index.tolist(), rows["dwt_t"].tolist()) == ([7], [4000.0])


def test_registry_rows_carry_the_cargo_name_as_text(registry_of):
    rows = registry_rows_for(_one_call(), registry_of("gasoline"))
    assert (str(rows["cargo"].dtype), rows["cargo"].tolist()) == ("string", ["gasoline"])


def test_no_cargo_name_without_a_registry_row():
    rows = registry_rows_for(_one_call(index=(3,)), None)
    assert (str(rows["cargo"].dtype), rows["cargo"].isna().tolist()) == ("string", [True])


def test_arrival_draught_is_the_one_in_effect_at_arrival():
    # 3.0 m reported 5 h before arrival, 5.0 m an hour after departure
    assert _assess(3.0, 5.0, None).arrival_draught_m == 3.0


@pytest.mark.parametrize(("lookahead_hours", "departure_m"), [(24.0, 3.0), (36.0, 5.0)])
def test_departure_look_ahead_comes_from_the_cargo_params(lookahead_hours, departure_m):
    # 5.0 m reported 30 h after departure: beyond a 24 h look-ahead (3.0 m in effect stays),
    # within a 36 h one
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, DEP + 30 * H, 5.0)])
    params = CargoParams(draught=DraughtParams(lookahead_hours=lookahead_hours))
    calls = pd.DataFrame({"mmsi": [MMSI], "port": ["T"], "arrival": [ARR], "departure": [DEP]})
    assert assess_load(calls, st, params=params)["departure_draught_m"].iloc[0] == departure_m


def test_registry_without_imo_still_matches_calls_that_carry_one(registry_of):
    # the test registry row has no IMO (blank cell); the call carries IMO 9999999 and is
    # matched by its MMSI: row 0
    calls = _one_call().assign(imo=[9999999])
    assert registry_rows_for(calls, registry_of())["registry_row"].tolist() == [0]


def test_a_one_report_call_looks_ahead_past_its_own_arrival():
    # a call of one report arrives and departs at DEP; 3.0 m in effect since ARR - 5 h, 5.0 m
    # reported 2 h after: its own arrival at DEP is not its next call, so the 5.0 m is taken
    calls = pd.DataFrame({"mmsi": [MMSI], "port": ["T"], "arrival": [DEP], "departure": [DEP]})
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, DEP + 2 * H, 5.0)])
    assert assess_load(calls, st)["departure_draught_m"].iloc[0] == 5.0


def test_registry_rows_give_the_numeric_columns_as_floats(registry_of):
    # the row of ROW: dwt 4000 t, summer 6.0 m, ballast 2.0 m, diesel at 7.46 bbl/t
    rows = registry_rows_for(_one_call(), registry_of())
    numeric = ["dwt_t", "summer_draught_m", "ballast_draught_m", "bbl_per_t"]
    assert [str(rows[c].dtype) for c in numeric] == ["float64"] * 4
    assert rows[numeric].iloc[0].tolist() == [4000.0, 6.0, 2.0, 7.46]


def test_load_state_and_cargo_method_are_text_without_any_cargo_figure():
    # 3.0 -> 5.0 m without a registry: +2.0 m >= 1.0 m, loaded, but no cargo figure, so no
    # method on any row: both columns still text (not object)
    out = assess_load(_calls(), _rising())
    assert (str(out["load_state"].dtype), str(out["cargo_method"].dtype),
            out["load_state"].tolist(), out["cargo_method"].isna().tolist()) == (
        "string", "string", ["loaded"], [True])


def test_no_calls_give_text_columns():
    calls = _calls().iloc[:0]
    out = assess_load(calls, _rising())
    assert (len(out), str(out["load_state"].dtype), str(out["cargo_method"].dtype)) == (
        0, "string", "string")


def test_numeric_registry_columns_are_floats_without_a_registry():
    rows = registry_rows_for(_one_call(), None)
    numeric = ["dwt_t", "summer_draught_m", "ballast_draught_m", "bbl_per_t"]
    assert ([str(rows[c].dtype) for c in numeric], rows[numeric].isna().all(axis=None)) == (
        ["float64"] * 4, True)


def test_the_next_call_is_found_whatever_the_order_of_the_rows(registry_of):
    # as test_departure_draught_reported_at_the_next_arrival_is_not_used, the later call on
    # the first row: the first call's next arrival (DEP + 10 h) is still the one that ends
    # its look-ahead, so the 5.0 m reported then is not used (3.0 m kept)
    calls = pd.DataFrame({"mmsi": [MMSI, MMSI], "port": ["U", "T"],
                          "arrival": [DEP + 10 * H, ARR], "departure": [DEP + 30 * H, DEP]})
    st = make_statics([(MMSI, ARR - 5 * H, 3.0), (MMSI, DEP + 10 * H, 5.0)])
    assert assess_load(calls, st, registry_of())["departure_draught_m"].iloc[1] == 3.0
