"""The count's selection and summary on hand-made call tables, each figure worked out by hand.

Selection (vesseltrack.count): calls at the fences asked about, of the flag asked about
(case-insensitive), departing in [since, until] (both ends kept; a date-only ``until`` keeps
that whole day; naive times are UTC); gaps of that flag that overlap the window.
"""

from __future__ import annotations

import pandas as pd
import pytest
from _builders import make_ports

from vesseltrack.count import CountParams, CountResult, select_ports, select_result

T = pd.Timestamp("2024-03-02T00:00:00Z")
H = pd.Timedelta(hours=1)
TERM, KOZ = "Vostochny oil terminal", "Kozmino"


def _calls(rows):
    """Calls ``(mmsi, flag, port, departure)``."""
    frame = pd.DataFrame(rows, columns=["mmsi", "flag", "port", "departure"])
    return frame.astype({"flag": "string", "port": "string"})


CALLS = _calls([
    (445000001, "KP", TERM, T - H),          # 1 March 23:00
    (445000001, "KP", TERM, T),              # 2 March 00:00
    (273000001, "RU", TERM, T + 12 * H),     # 2 March 12:00
    (445000002, "KP", KOZ, T + 12 * H),
    (445000002, pd.NA, TERM, T + 47 * H),    # 3 March 23:00, no flag known
])
GAPS = pd.DataFrame({"mmsi": [445000001, 273000001, 445000002],
                     "start": [T - 30 * H, T + 20 * H, T + 40 * H],
                     "end": [T - 2 * H, T + 30 * H, T + 50 * H]})


def _select(**kw):
    args = {"flag": None, "since": None, "until": None, **kw}
    return select_result(CALLS, GAPS, [TERM], params=CountParams(), data_start=T - 48 * H,
                         data_end=T + 48 * H, vessels_seen=3, **args)


@pytest.mark.parametrize(
    ("kw", "departures"),
    [
        ({}, [T - H, T, T + 12 * H, T + 47 * H]),
        ({"flag": "kp"}, [T - H, T]),                        # lower case; no flag: out
        ({"since": "2024-03-02"}, [T, T + 12 * H, T + 47 * H]),  # since is inclusive
        ({"until": "2024-03-02T00:00:00Z"}, [T - H, T]),     # a time: inclusive
        ({"until": "2024-03-02"}, [T - H, T, T + 12 * H]),   # a date: the whole day
        ({"since": "2024-03-02 09:00+09:00", "until": "2024-03-02T00:00"}, [T]),  # to UTC
    ],
)
def test_calls_selected_by_fence_flag_and_departure_window(kw, departures):
    assert _select(**kw).port_calls["departure"].tolist() == departures


@pytest.mark.parametrize(
    ("kw", "gap_mmsi"),
    [
        ({}, [445000001, 273000001, 445000002]),
        ({"flag": "KP"}, [445000001, 445000002]),
        ({"since": "2024-03-01T22:00Z"}, [445000001, 273000001, 445000002]),  # ends at since
        ({"since": "2024-03-01T22:00:01Z"}, [273000001, 445000002]),
        ({"until": "2024-03-02T20:00Z"}, [445000001, 273000001]),              # starts at until
        ({"until": "2024-03-02T19:59:59Z"}, [445000001]),
    ],
)
def test_gaps_selected_by_flag_and_overlap_with_the_window(kw, gap_mmsi):
    assert _select(**kw).gaps["mmsi"].tolist() == gap_mmsi


def test_window_is_the_data_span_where_not_given_and_the_flag_upper_case():
    res = _select(flag="kp", since="2024-03-01")
    assert (res.window_start, res.window_end, res.flag, res.ports, res.vessels_seen) == (
        pd.Timestamp("2024-03-01T00:00Z"), T + 48 * H, "KP", [TERM], 3)
    assert len(res.all_calls) == 5


@pytest.mark.parametrize(
    ("include", "port", "selected"),
    [
        (("terminal", "port", "kozmino"), None, [TERM, KOZ]),   # the terminals
        (("port", "anchorage"), None, ["Vostochny port", "Vostochny anchorage"]),  # all
        (("terminal", "port"), "Vostochny port", ["Vostochny port"]),
    ],
)
def test_fences_a_count_is_about(include, port, selected):
    assert select_ports(make_ports(include), port) == selected


def _result(rows):
    """A result of calls ``(mmsi, evidence, load_state, arrival draught, departure draught,
    cargo_t, cargo_bbl, cargo_method)``."""
    calls = pd.DataFrame(rows, columns=[
        "mmsi", "evidence", "load_state", "arrival_draught_m", "departure_draught_m",
        "cargo_t", "cargo_bbl", "cargo_method"])
    calls["draught_change_m"] = calls["departure_draught_m"] - calls["arrival_draught_m"]
    return CountResult(port_calls=calls, gaps=GAPS, all_calls=calls, ports=[TERM], flag="KP",
                       window_start=T, window_end=T + 48 * H, vessels_seen=9, params={"x": 1},
                       cap_bbl=500_000)  # the cap count_port_calls sets for flag KP


def test_summary_totals_and_coverage():
    res = _result([
        (1, "ais", "loaded", 2.5, 5.5, 2000.0, 15000.0, "draught"),
        (1, "ais-gap", "loaded", 2.5, 5.5, 1000.25, 7500.5, "draught"),
        (2, "sighting", "loaded", None, None, 3000.0, 250000.0, "laden-sighting-fill"),
        (3, "ais", "unchanged", 4.0, 4.125, None, None, None),   # 0.125 m >= 0.1 m counts
        (3, "ais", "unchanged", 4.0, 4.0625, None, None, None),  # 0.0625 m does not
        (4, "ais", "unknown", 4.0, None, None, None, None),
    ])
    s = res.summary({"files": 2, "lines": 10, "failed_files": ["x.nmea"]})
    # loaded: 15 000 + 7 500.5 + 250 000 = 272 500.5 bbl (rounds to 272 500, half to even),
    # 2 000 + 1 000.25 + 3 000 = 6 000.25 t; 272 500.5 / 500 000 = 0.545 -> 0.55 (0.545001)
    assert (s["port_calls"], s["loaded_departures"], s["vessels"], s["estimated_bbl"],
            s["estimated_t"], s["un_cap_multiple"]) == (6, 3, 2, 272500, 6000, 0.55)
    assert (s["by_evidence"], s["cargo_methods"]) == (
        {"ais": 1, "ais-gap": 1, "sighting": 1}, {"draught": 2, "laden-sighting-fill": 1})
    # both draughts on 4 of 6 calls (0.667); a change of at least 0.1 m on 3
    assert s["draught_coverage"] == {"calls_with_draught": 4, "calls_with_draught_change": 3,
                                     "calls": 6, "share": 0.667}
    assert s["input"] == {"files": 2, "lines": 10, "messages": 0, "bad_lines": 0,
                          "orphan_fragments": 0, "positions": 0, "vessels_seen": 9,
                          "non_ship_mmsi": 0, "untimed_positions": 0,
                          "failed_files": ["x.nmea"]}
    assert (s["window"], s["flag"], s["ports"], s["params"]) == (
        {"start": "2024-03-02T00:00:00+00:00", "end": "2024-03-04T00:00:00+00:00"}, "KP",
        [TERM], {"x": 1})


def test_summary_of_no_calls_has_no_share_and_no_barrels():
    s = _result([]).summary()
    assert (s["port_calls"], s["estimated_bbl"], s["un_cap_multiple"],
            s["draught_coverage"]["share"], s["input"]["files"]) == (0, 0, 0.0, None, 0)


@pytest.mark.parametrize(
    ("kw", "gap_mmsi"),
    [
        ({"flag": "KP", "since": "2024-03-01T22:00:01Z"}, [445000002]),
        ({"flag": "RU", "until": "2024-03-02T19:59:59Z"}, []),
        ({"flag": "KP", "until": "2024-03-02T19:59:59Z"}, [445000001]),
    ],
)
def test_gaps_selected_by_flag_and_window_together(kw, gap_mmsi):
    assert _select(**kw).gaps["mmsi"].tolist() == gap_mmsi


def test_a_gap_of_a_vessel_without_flag_is_not_of_any_flag():
    # MID 111 names no country
    gaps = pd.DataFrame({"mmsi": [111000001], "start": [T], "end": [T + 10 * H]})
    res = select_result(CALLS, gaps, [TERM], flag="KP", since=None, until=None,
                        params=CountParams(), data_start=T, data_end=T, vessels_seen=1)
    assert len(res.gaps) == 0


@pytest.mark.parametrize(("departure", "kept"),
                         [(T + 24 * H - pd.Timedelta(nanoseconds=1), 1), (T + 24 * H, 0)])
def test_a_date_only_until_ends_at_the_last_nanosecond_of_that_day(departure, kept):
    calls = _calls([(445000001, "KP", TERM, departure)])
    res = select_result(calls, GAPS, [TERM], flag=None, since=None, until="2024-03-02",
                        params=CountParams(), data_start=T, data_end=T, vessels_seen=1)
    assert (len(res.port_calls), res.window_end) == (
        kept, T + 24 * H - pd.Timedelta(nanoseconds=1))


def test_selected_tables_carry_the_parameters():
    res = _select(flag="KP")
    record = CountParams().record()
    assert (res.port_calls.attrs["params"], res.all_calls.attrs["params"],
            res.gaps.attrs["params"], res.params) == (record, record, record["gaps"], record)


def test_summary_without_data_has_no_window_and_zero_counters():
    res = CountResult(port_calls=_result([]).port_calls, gaps=GAPS, all_calls=CALLS,
                      ports=[TERM], flag=None, window_start=None, window_end=None,
                      vessels_seen=0, params={})
    s = res.summary()
    assert (s["window"], s["input"]) == (
        {"start": None, "end": None},
        {"files": 0, "lines": 0, "messages": 0, "bad_lines": 0, "orphan_fragments": 0,
         "positions": 0, "vessels_seen": 0, "non_ship_mmsi": 0,
         "untimed_positions": 0, "failed_files": []})


def test_a_draught_change_of_exactly_a_tenth_of_a_metre_counts():
    # 0.1 - 0.0 = 0.1 exactly: at the 0.1 m bound, counted
    res = _result([(3, "ais", "unchanged", 0.0, 0.1, None, None, None)])
    assert res.summary()["draught_coverage"]["calls_with_draught_change"] == 1


def test_selected_tables_keep_their_columns():
    res = _select(flag="KP")
    assert (list(res.port_calls.columns), list(res.gaps.columns)) == (
        ["mmsi", "flag", "port", "departure"], ["mmsi", "start", "end"])


def test_fences_a_count_is_about_when_a_fence_has_no_kind():
    ports = make_ports(("terminal", "port"))
    ports["kind"] = pd.array(["terminal", pd.NA], dtype="string")
    assert select_ports(ports, None) == [TERM]
