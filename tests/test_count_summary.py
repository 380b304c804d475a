"""The ``count --json`` summary's cargo figures, note and cap, on hand-made call tables.

Each figure worked out by hand: where loaded departures have no cargo estimate at all, the
summary says so (no barrel figures, a note saying why); a cap is echoed only where one
applies.
"""

from __future__ import annotations

import pandas as pd
import pytest

from vesseltrack.count import CountParams, CountResult, cap_for, departure_window, select_result

T = pd.Timestamp("2024-03-02T00:00:00Z")
H = pd.Timedelta(hours=1)
NO_REGISTRY = ("no vessel registry given: cargo needs each vessel's dead-weight and ballast "
               "and summer draughts")
NOT_IN_REGISTRY = ("no loaded departure's vessel is in the registry with dead-weight and "
                   "draughts")


def _result(rows, *, cap_bbl=500_000, registry_given=True, change_dtype="float64"):
    """A result of calls ``(mmsi, load_state, draught change, cargo_t, cargo_bbl)``."""
    calls = pd.DataFrame(rows, columns=["mmsi", "load_state", "draught_change_m", "cargo_t",
                                        "cargo_bbl"])
    calls = calls.astype({"draught_change_m": change_dtype, "cargo_t": "float64",
                          "cargo_bbl": "float64"})
    calls["evidence"] = "ais"
    calls["cargo_method"] = pd.NA
    calls["arrival_draught_m"] = 3.0
    calls["departure_draught_m"] = 3.0 + calls["draught_change_m"]
    return CountResult(port_calls=calls, gaps=pd.DataFrame(), all_calls=calls, ports=["T"],
                       flag="KP", window_start=T, window_end=T + H, vessels_seen=1,
                       params={}, cap_bbl=cap_bbl, registry_given=registry_given)


LOADED_NO_CARGO = [(1, "loaded", 2.0, None, None)]


@pytest.mark.parametrize(("registry_given", "note"),
                         [(False, NO_REGISTRY), (True, NOT_IN_REGISTRY)])
def test_loaded_departures_without_any_cargo_figure_say_why(registry_given, note):
    s = _result(LOADED_NO_CARGO, registry_given=registry_given).summary()
    assert (s["estimated_bbl"], s["estimated_t"], s["un_cap_multiple"], s["cargo_note"]) == (
        None, None, None, note)


def test_estimated_cargo_has_no_note():
    # one loaded departure of 2,000 t, 15,000 bbl: 15,000 / 500,000 = 0.03 of the cap
    s = _result([(1, "loaded", 2.0, 2000.0, 15000.0)]).summary()
    assert (s["estimated_bbl"], s["estimated_t"], s["un_cap_multiple"], s["cargo_note"]) == (
        15000, 2000, 0.03, None)


def test_one_estimate_among_loaded_departures_is_an_estimate():
    # 15,000 bbl on one of two loaded departures; the other has none (NaN, not summed)
    s = _result([(1, "loaded", 2.0, 2000.0, 15000.0),
                 (2, "loaded", 2.0, None, None)]).summary()
    assert (s["estimated_bbl"], s["cargo_note"]) == (15000, None)


@pytest.mark.parametrize(("cap", "echoed"), [(500_000, 500_000), (None, None)])
def test_the_cap_is_echoed_only_where_one_applies(cap, echoed):
    s = _result([(1, "loaded", 2.0, 2000.0, 15000.0)], cap_bbl=cap).summary()
    assert (s["un_cap_bbl"], s["un_cap_multiple"] is None) == (echoed, cap is None)


def test_a_missing_draught_change_is_no_change():
    # nullable changes +0.5 m and missing: one call with a change of at least 0.1 m
    res = _result([(1, "unchanged", 0.5, None, None), (2, "unknown", None, None, None)],
                  change_dtype="Float64")
    assert res.summary()["draught_coverage"]["calls_with_draught_change"] == 1


def test_discharge_ports_count_the_next_port_of_each_loaded_departure():
    # loaded: next ports Nampo, Nampo, Chongjin; the unchanged call's next port not counted
    res = _result([(1, "loaded", 2.0, 2000.0, 15000.0), (1, "loaded", 2.0, 2000.0, 15000.0),
                   (2, "loaded", 2.0, 2000.0, 15000.0), (3, "unchanged", 0.0, None, None)])
    res.port_calls["next_port"] = pd.array(["Nampo", "Nampo", "Chongjin", "Nampo"],
                                           dtype="string")
    assert res.summary()["discharge_ports"] == {"Chongjin": 1, "Nampo": 2}


def test_no_discharge_port_is_known_without_next_calls():
    assert _result([(1, "loaded", 2.0, 2000.0, 15000.0)]).summary()["discharge_ports"] == {}


@pytest.mark.parametrize(
    ("flag", "cap_bbl", "cap"),
    [("KP", None, 500_000),   # the UN resolution 2397 cap for the DPRK flag
     ("kp", None, 500_000),   # any case
     ("RU", None, None), (None, None, None),
     ("KP", 0, None),         # 0: no cap
     (None, 1_000, 1_000), ("KP", 1_000, 1_000)],
)
def test_the_cap_a_count_is_compared_with(flag, cap_bbl, cap):
    assert cap_for(flag, cap_bbl) == cap


def test_a_negative_cap_is_refused():
    with pytest.raises(ValueError, match="positive number of barrels"):
        cap_for("KP", -1)


def test_watchlist_summary_of_marked_calls():
    # listed: calls 0 and 1 (UN, loaded) of vessel 1, call 3 (OFAC, unchanged) of vessel 3;
    # call 2 unmarked (missing), call 4 blank: three calls, two loaded departures, two vessels
    res = _result([(1, "loaded", 2.0, 2000.0, 15000.0), (1, "loaded", 2.0, 2000.0, 15000.0),
                   (2, "loaded", 2.0, 2000.0, 15000.0), (3, "unchanged", 0.0, None, None),
                   (4, "loaded", 2.0, 2000.0, 15000.0)])
    res.port_calls["watchlist"] = pd.array(["UN", "UN", pd.NA, "OFAC", ""], dtype="string")
    assert res.summary()["watchlist"] == {"calls": 3, "loaded_departures": 2, "vessels": 2}


def test_a_listed_call_of_unknown_load_state_is_no_loaded_departure():
    res = _result([(1, pd.NA, 2.0, None, None)])
    res.port_calls["watchlist"] = pd.array(["UN"], dtype="string")
    res.port_calls["load_state"] = pd.array([pd.NA], dtype="string")
    assert res.summary()["watchlist"] == {"calls": 1, "loaded_departures": 0, "vessels": 1}


def test_no_watchlist_key_without_marked_calls():
    assert "watchlist" not in _result(LOADED_NO_CARGO).summary()


@pytest.mark.parametrize(("since", "until", "window"), [
    ("2024-03-02", "2024-03-02", (T, T + 24 * H - pd.Timedelta(nanoseconds=1))),  # one day
    ("2024-03-02T05:00Z", "2024-03-02T05:00Z", (T + 5 * H, T + 5 * H)),  # one instant
    (None, "2024-03-02T05:00", (None, T + 5 * H)),                       # naive: UTC
])
def test_departure_window(since, until, window):
    assert departure_window(since, until) == window


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="is after until"):
        departure_window("2024-03-02T05:00:01Z", "2024-03-02T05:00Z")


def _select_nothing(**kw):
    calls = pd.DataFrame({"port": pd.array([], dtype="string"), "departure": pd.Series(
        [], dtype="datetime64[ns, UTC]")})
    gaps = pd.DataFrame({"mmsi": [], "start": [], "end": []})
    args = {"data_start": None, "data_end": None, **kw}
    return select_result(calls, gaps, ["T"], flag=None, since=None, until=None,
                         params=CountParams(), vessels_seen=0, **args)


def test_a_selection_without_input_counters_counts_none():
    res = _select_nothing()
    assert (res.non_ship_mmsi, res.untimed_positions, res.input_report) == (0, 0, None)


def test_a_selection_carries_the_input_report_given():
    assert _select_nothing(input_report={"files": 3}).input_report == {"files": 3}


def test_a_data_span_not_known_is_no_window():
    # NaT (the minimum of no times) stands for no window end
    res = _select_nothing(data_start=pd.NaT, data_end=pd.NaT)
    assert (res.window_start, res.window_end) == (None, None)


def test_every_table_of_a_fresh_selection_carries_the_parameters():
    res = _select_nothing()
    record = CountParams().record()
    assert (res.port_calls.attrs["params"], res.all_calls.attrs["params"]) == (record, record)


def test_the_summary_echoes_the_input_counters_given():
    # every reader counter by its key; vessels seen and the dropped counts from the result
    report = {"files": 2, "lines": 100, "messages": 90, "bad_lines": 3, "orphan_fragments": 1,
              "positions": 80, "failed_files": ["b.nmea"]}
    summary = _result([(1, "unchanged", 0.0, None, None)]).summary(report)
    assert summary["input"] == {"files": 2, "lines": 100, "messages": 90, "bad_lines": 3,
                                "orphan_fragments": 1, "positions": 80, "vessels_seen": 1,
                                "non_ship_mmsi": 0, "untimed_positions": 0,
                                "failed_files": ["b.nmea"]}
