"""Voyages on hand-made calls and gaps: each rule of the next call, worked out by hand.

Written from the surviving mutants of ``vesseltrack/voyages.py``: where the next call begins
(strictly after the departure, from the arrival when there is no departure), which gap is a
dark arrival (the draught drop threshold on both sides, the gap's start against the departure
and the next call, reachable fences of a cargo kind), which fence it is (the destination in
effect, else the shortest detour, else the first fence) and when (the gap's time shared in
proportion to the two distances).
"""

from __future__ import annotations

import pandas as pd
from shapely.geometry import box

from vesseltrack._schema import statics_frame
from vesseltrack.params import VoyageParams
from vesseltrack.ports import fences_from_ports
from vesseltrack.voyages import add_next_calls

T = pd.Timestamp("2024-05-01T00:00:00Z")
SECOND = pd.Timedelta(seconds=1)


def h(hours: float) -> pd.Timestamp:
    return T + pd.Timedelta(hours=hours)


# fence 0 a port, 1 an anchorage, 2 another port, 3 a terminal
FENCES = fences_from_ports(pd.DataFrame({
    "name": ["Home", "Roads", "Nampo", "Songrim"], "kind": ["port", "anchorage", "port", "terminal"],
    "geometry": [box(130.0, 42.0, 130.1, 42.1), box(131.0, 42.0, 131.1, 42.1),
                 box(125.0, 38.0, 125.1, 38.1), box(125.5, 38.5, 125.6, 38.6)]}))


def calls(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["mmsi", "port", "arrival", "departure", "evidence"])


def gaps(rows: list[tuple]) -> pd.DataFrame:
    """``(mmsi, start, end, draught_before_m, draught_after_m)`` rows."""
    return pd.DataFrame(rows, columns=["mmsi", "start", "end", "draught_before_m",
                                       "draught_after_m"])


def gap_fences(rows: list[tuple]) -> pd.DataFrame:
    """``(gap, fence, d_in_nm, d_out_nm, reachable)`` rows (the port named from FENCES)."""
    frame = pd.DataFrame(rows, columns=["gap", "fence", "d_in_nm", "d_out_nm", "reachable"])
    frame.insert(2, "port", [FENCES[k].name for k in frame["fence"]])
    return frame


NO_GAPS = gaps([]).astype({"mmsi": "int64", "draught_before_m": float, "draught_after_m": float})
NO_GAPS["start"] = NO_GAPS["start"].astype("datetime64[ns, UTC]")
NO_GAPS["end"] = NO_GAPS["end"].astype("datetime64[ns, UTC]")
NO_GAP_FENCES = gap_fences([]).astype({"gap": "int64", "fence": "int64", "d_in_nm": float,
                                       "d_out_nm": float, "reachable": bool})

ONE_CALL = calls([(1, "Terminal", h(0), h(10), "ais")])


H20 = h(20)


def one_gap(before_m: float = 6.0, after_m: float = 3.0, start: pd.Timestamp = H20,
            mmsi: int = 1) -> pd.DataFrame:
    """One gap of 100 h (start to start + 100 h)."""
    return gaps([(mmsi, start, start + pd.Timedelta(hours=100), before_m, after_m)])


def destinations(rows: list[tuple[int, pd.Timestamp, str]]) -> pd.DataFrame:
    return statics_frame(pd.DataFrame(rows, columns=["mmsi", "timestamp", "destination"]))


def next_of_first(out: pd.DataFrame) -> tuple:
    """(next_port, next_arrival, next_evidence) of the first call, NA as None."""
    row = out.iloc[0]
    return tuple(None if pd.isna(row[c]) else row[c]
                 for c in ("next_port", "next_arrival", "next_evidence"))


# --- the next call seen in AIS ------------------------------------------------------------

def test_a_call_arriving_at_the_departure_instant_is_not_next():
    # "next" is an arrival strictly after the departure: the call at h(10) is not, h(20) is
    c = calls([(1, "Terminal", h(0), h(10), "ais"), (1, "Kozmino", h(10), h(12), "ais"),
               (1, "Home", h(20), h(30), "ais")])
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert next_of_first(out) == ("Home", h(20), "ais")


def test_a_call_arriving_one_second_after_the_departure_is_next():
    c = calls([(1, "Terminal", h(0), h(10), "ais"), (1, "Kozmino", h(10) + SECOND, h(12), "ais"),
               (1, "Home", h(20), h(30), "ais")])
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert next_of_first(out) == ("Kozmino", h(10) + SECOND, "ais")


def test_a_call_without_departure_looks_for_the_next_arrival_after_its_arrival():
    # the departure is unknown (NaT): the next call is the first to arrive after h(0),
    # not the call itself
    c = calls([(1, "Terminal", h(0), pd.NaT, "ais"), (1, "Home", h(5), h(9), "sighting")])
    c["departure"] = pd.to_datetime(c["departure"], utc=True)
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert next_of_first(out) == ("Home", h(5), "sighting")


def test_the_last_call_of_a_vessel_has_no_next_call():
    # vessel 1's only call is followed (in time) by vessel 2's: not its next call
    c = calls([(1, "Terminal", h(0), h(10), "ais"), (2, "Home", h(20), h(30), "ais")])
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert next_of_first(out) == (None, None, None)


def test_the_last_call_of_the_table_has_no_next_call():
    c = calls([(1, "Home", h(20), h(30), "ais"), (1, "Terminal", h(0), h(10), "ais")])
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert next_of_first(out) == (None, None, None)


def test_next_calls_of_interleaved_vessels_in_any_row_order():
    # rows out of order, two vessels: each call's next is its own vessel's next arrival
    c = calls([(2, "B2", h(30), h(31), "ais"), (1, "A2", h(20), h(21), "ais"),
               (2, "B1", h(5), h(6), "ais"), (1, "A1", h(0), h(1), "ais")])
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert out["next_port"].fillna("-").tolist() == ["-", "-", "B2", "A2"]


def test_next_columns_are_strings_and_utc_times():
    out = add_next_calls(calls([(1, "A", h(0), h(1), "ais"), (1, "B", h(2), h(3), "ais")]),
                         NO_GAPS, NO_GAP_FENCES, FENCES)
    assert ([str(out[c].dtype) for c in ("next_port", "next_arrival", "next_evidence")]
            == ["string", "datetime64[ns, UTC]", "string"])


def test_an_empty_call_table_gains_the_three_columns():
    out = add_next_calls(calls([]), NO_GAPS, NO_GAP_FENCES, FENCES)
    assert (len(out), list(out.columns[-3:])) == (0, ["next_port", "next_arrival", "next_evidence"])


# --- dark arrivals: which gap -------------------------------------------------------------

def test_a_draught_drop_of_exactly_the_threshold_is_a_dark_arrival():
    # 6.0 - 5.5 = 0.5 m = min_discharge_drop_m (inclusive); fence 30 nm in, 10 nm out:
    # arrival at start + 100 h * 30 / 40 = h(20) + 75 h = h(95)
    out = add_next_calls(ONE_CALL, one_gap(6.0, 5.5), gap_fences([(0, 0, 30.0, 10.0, True)]),
                         FENCES)
    assert next_of_first(out) == ("Home", h(95), "ais-gap")


def test_a_draught_drop_just_under_the_threshold_is_not_a_dark_arrival():
    # 6.0 - 5.51 = 0.49 m < 0.5 m
    out = add_next_calls(ONE_CALL, one_gap(6.0, 5.51), gap_fences([(0, 0, 30.0, 10.0, True)]),
                         FENCES)
    assert next_of_first(out) == (None, None, None)


def test_the_drop_threshold_comes_from_the_parameters():
    # 6.0 - 5.2 = 0.8 m: over the default 0.5 m, under 1.0 m
    out = add_next_calls(ONE_CALL, one_gap(6.0, 5.2), gap_fences([(0, 0, 30.0, 10.0, True)]),
                         FENCES, VoyageParams(min_discharge_drop_m=1.0))
    assert next_of_first(out) == (None, None, None)


def test_a_gap_starting_at_the_departure_instant_is_a_dark_arrival():
    # gap h(10) .. h(110), fence 10 nm in and 30 out: h(10) + 100 h / 4 = h(35)
    out = add_next_calls(ONE_CALL, one_gap(start=h(10)), gap_fences([(0, 0, 10.0, 30.0, True)]),
                         FENCES)
    assert next_of_first(out) == ("Home", h(35), "ais-gap")


def test_a_gap_starting_before_the_departure_is_not_a_dark_arrival():
    out = add_next_calls(ONE_CALL, one_gap(start=h(10) - SECOND),
                         gap_fences([(0, 0, 10.0, 30.0, True)]), FENCES)
    assert next_of_first(out) == (None, None, None)


def test_a_gap_starting_at_the_next_arrival_leaves_the_next_call():
    # the next AIS call arrives at h(20), the gap starts then too: the call is next
    c = calls([(1, "Terminal", h(0), h(10), "ais"), (1, "Kozmino", h(20), h(22), "ais")])
    out = add_next_calls(c, one_gap(start=h(20)), gap_fences([(0, 0, 30.0, 10.0, True)]), FENCES)
    assert next_of_first(out) == ("Kozmino", h(20), "ais")


def test_a_gap_starting_just_before_the_next_arrival_is_the_next_call():
    # gap from h(20) - 1 s: the dark arrival at h(20) - 1 s + 75 h comes first
    c = calls([(1, "Terminal", h(0), h(10), "ais"), (1, "Kozmino", h(20), h(22), "ais")])
    out = add_next_calls(c, one_gap(start=h(20) - SECOND), gap_fences([(0, 0, 30.0, 10.0, True)]),
                         FENCES)
    assert next_of_first(out) == ("Home", h(95) - SECOND, "ais-gap")


def test_the_first_qualifying_gap_after_the_departure_is_the_dark_arrival():
    # gap 0 at h(15) has no drop (0.1 m), gap 1 at h(40) and gap 2 at h(30) both qualify:
    # gap 2 starts first: h(30) + 100 h * 30 / 40 = h(105), at fence 2 (Nampo)
    g = gaps([(1, h(15), h(115), 6.0, 5.9), (1, h(40), h(140), 6.0, 3.0),
              (1, h(30), h(130), 5.0, 3.0)])
    gf = gap_fences([(0, 3, 30.0, 10.0, True), (1, 0, 30.0, 10.0, True), (2, 2, 30.0, 10.0, True)])
    out = add_next_calls(ONE_CALL, g, gf, FENCES)
    assert next_of_first(out) == ("Nampo", h(105), "ais-gap")


def test_a_gap_of_another_vessel_is_not_a_dark_arrival():
    out = add_next_calls(ONE_CALL, one_gap(mmsi=2), gap_fences([(0, 0, 30.0, 10.0, True)]), FENCES)
    assert next_of_first(out) == (None, None, None)


def test_a_gap_of_a_vessel_without_calls_does_not_hide_a_callers_gap():
    # vessel 7 calls; vessel 5 (no call, lower MMSI) has a gap starting earlier than vessel
    # 7's: vessel 7's gap at h(30) is still its dark arrival: h(30) + 75 h = h(105)
    c = calls([(7, "Terminal", h(0), h(10), "ais")])
    g = gaps([(5, h(20), h(120), 6.0, 3.0), (7, h(30), h(130), 6.0, 3.0)])
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (1, 0, 30.0, 10.0, True)])
    out = add_next_calls(c, g, gf, FENCES)
    assert next_of_first(out) == ("Home", h(105), "ais-gap")


def test_dark_arrivals_of_two_vessels_each_from_its_own_gap():
    # vessel 1's gap h(20) 30/10 -> h(95); vessel 2's gap h(40) 10/30 -> h(40) + 25 h = h(65)
    c = calls([(2, "Terminal", h(0), h(10), "ais"), (1, "Terminal", h(0), h(10), "ais")])
    g = gaps([(2, h(40), h(140), 6.0, 3.0), (1, h(20), h(120), 6.0, 3.0)])
    gf = gap_fences([(0, 2, 10.0, 30.0, True), (1, 0, 30.0, 10.0, True)])
    out = add_next_calls(c, g, gf, FENCES)
    assert (out["next_port"].tolist(), out["next_arrival"].tolist()) == (
        ["Nampo", "Home"], [h(65), h(95)])


# --- dark arrivals: which fence, and when -------------------------------------------------

def test_an_unreachable_fence_is_not_a_dark_arrival():
    out = add_next_calls(ONE_CALL, one_gap(), gap_fences([(0, 0, 30.0, 10.0, False)]), FENCES)
    assert next_of_first(out) == (None, None, None)


def test_an_anchorage_reachable_beside_a_port_leaves_the_port():
    # the anchorage (fence 1) is the shorter detour (5 + 5 nm) but no cargo is worked there:
    # the port, 30 + 10 nm, is the arrival, at h(20) + 75 h = h(95)
    gf = gap_fences([(0, 1, 5.0, 5.0, True), (0, 0, 30.0, 10.0, True)])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES)
    assert next_of_first(out) == ("Home", h(95), "ais-gap")


def test_the_kinds_never_arrived_at_dark_come_from_the_parameters():
    # with no kind excluded, the anchorage is a dark arrival: h(20) + 100 h * 5 / 10 = h(70)
    out = add_next_calls(ONE_CALL, one_gap(), gap_fences([(0, 1, 5.0, 5.0, True)]), FENCES,
                         VoyageParams(no_next_call_kinds=()))
    assert next_of_first(out) == ("Roads", h(70), "ais-gap")


def test_the_shortest_detour_is_the_likeliest_fence():
    # Home 30 + 10 = 40 nm, Nampo 12 + 20 = 32 nm: Nampo, at h(20) + 100 h * 12 / 32 = h(57.5)
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES)
    assert next_of_first(out) == ("Nampo", h(57.5), "ais-gap")


def test_equal_detours_go_to_the_first_fence():
    # Songrim (3) and Nampo (2) both 20 + 20 nm: fence 2 first; h(20) + 50 h = h(70)
    gf = gap_fences([(0, 3, 20.0, 20.0, True), (0, 2, 20.0, 20.0, True)])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES)
    assert next_of_first(out) == ("Nampo", h(70), "ais-gap")


def test_a_fence_at_both_ends_of_the_gap_is_reached_at_its_middle():
    # 0 nm in and out: the share is 1/2, h(20) + 50 h = h(70)
    out = add_next_calls(ONE_CALL, one_gap(), gap_fences([(0, 0, 0.0, 0.0, True)]), FENCES)
    assert next_of_first(out) == ("Home", h(70), "ais-gap")


def test_a_fence_at_the_gaps_start_is_reached_at_its_start():
    # 0 nm in, 40 nm out: share 0, arrival at the gap's start h(20)
    out = add_next_calls(ONE_CALL, one_gap(), gap_fences([(0, 0, 0.0, 40.0, True)]), FENCES)
    assert next_of_first(out) == ("Home", h(20), "ais-gap")


def test_the_destination_in_effect_names_the_fence_over_a_shorter_detour():
    # Home 40 nm, Nampo 32 nm, but the crew typed "home": Home, h(95)
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(12), "home")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == ("Home", h(95), "ais-gap")


def test_a_destination_containing_the_fence_name_names_it():
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(12), " HOME PORT ")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == ("Home", h(95), "ais-gap")


def test_a_destination_of_three_letters_inside_the_fence_name_names_it():
    # "HOM" (3 characters, more than 2) is in "HOME"
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(12), "hom")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == ("Home", h(95), "ais-gap")


def test_a_destination_of_two_letters_is_no_destination():
    # " HO " stripped is 2 characters: ignored, the shortest detour (Nampo, h(57.5)) wins,
    # and it does not count as naming somewhere else either
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(12), " ho ")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == ("Nampo", h(57.5), "ais-gap")


def test_a_destination_naming_no_reachable_fence_makes_no_dark_arrival():
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(12), "BUSAN")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == (None, None, None)


def test_a_destination_naming_an_unreachable_fence_makes_no_dark_arrival():
    # "Nampo" is named but not reachable in this gap: the vessel went elsewhere
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, False)])
    st = destinations([(1, h(12), "NAMPO")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == (None, None, None)


def test_a_destination_reported_after_the_gaps_start_is_not_in_effect():
    # "BUSAN" is typed at h(21), after the gap began at h(20): the shortest detour (Nampo)
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(21), "BUSAN")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == ("Nampo", h(57.5), "ais-gap")


def test_the_destination_of_each_gap_is_its_own_vessels():
    # vessel 1 typed "home", vessel 2 nothing: vessel 1 to Home (h(95)), vessel 2 to the
    # shorter detour Nampo (h(57.5))
    c = calls([(1, "Terminal", h(0), h(10), "ais"), (2, "Terminal", h(0), h(10), "ais")])
    g = gaps([(1, h(20), h(120), 6.0, 3.0), (2, h(20), h(120), 6.0, 3.0)])
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True),
                     (1, 0, 30.0, 10.0, True), (1, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(12), "home")])
    out = add_next_calls(c, g, gf, FENCES, statics=st)
    assert (out["next_port"].tolist(), out["next_arrival"].tolist()) == (
        ["Home", "Nampo"], [h(95), h(57.5)])


def test_statics_without_destinations_leave_the_shortest_detour():
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = statics_frame(pd.DataFrame({"mmsi": [1], "timestamp": [h(12)]}))
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == ("Nampo", h(57.5), "ais-gap")


def test_gap_fence_rows_out_of_gap_order():
    # the rows of gap 1 come first in the table: gap 0 (h(20)) is still the first gap
    g = gaps([(1, h(20), h(120), 6.0, 3.0), (1, h(50), h(150), 6.0, 3.0)])
    gf = gap_fences([(1, 2, 30.0, 10.0, True), (0, 0, 10.0, 30.0, True)])
    out = add_next_calls(ONE_CALL, g, gf, FENCES)
    assert next_of_first(out) == ("Home", h(45), "ais-gap")


def test_the_dark_arrival_is_estimated_to_the_second():
    # a 1 h gap (3600 s), 1 nm in and 2 out: 3600 s / 3 = 1200 s after the start
    g = gaps([(1, h(20), h(21), 6.0, 3.0)])
    out = add_next_calls(ONE_CALL, g, gap_fences([(0, 0, 1.0, 2.0, True)]), FENCES)
    assert next_of_first(out)[1] == h(20) + pd.Timedelta(seconds=1200)


def test_inputs_are_not_modified():
    c = ONE_CALL.copy()
    add_next_calls(c, one_gap(), gap_fences([(0, 0, 30.0, 10.0, True)]), FENCES)
    assert list(c.columns) == ["mmsi", "port", "arrival", "departure", "evidence"]


def test_the_calls_index_is_kept():
    c = calls([(1, "A", h(0), h(1), "ais"), (1, "B", h(2), h(3), "ais")])
    c.index = [10, 20]
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert (out.index.tolist(), out["next_arrival"].tolist()) == ([10, 20], [h(2), pd.NaT])


def test_no_gaps_at_all_with_an_int_gap_table():
    # a gap table whose draughts are integers still reads as floats (6 - 3 = 3 m)
    g = gaps([(1, h(20), h(120), 6, 3)])
    out = add_next_calls(ONE_CALL, g, gap_fences([(0, 0, 30.0, 10.0, True)]), FENCES)
    assert next_of_first(out)[0] == "Home"


def test_vessels_are_ranked_over_calls_and_gaps():
    # np.unique over callers and gap vessels: [1, 3, 5]; vessel 5's gap must not be taken for
    # vessel 3's
    c = calls([(3, "T", h(0), h(10), "ais"), (5, "T", h(0), h(10), "ais")])
    g = gaps([(1, h(20), h(120), 6.0, 3.0), (5, h(20), h(120), 6.0, 3.0)])
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (1, 2, 30.0, 10.0, True)])
    out = add_next_calls(c, g, gf, FENCES)
    assert out["next_port"].fillna("-").tolist() == ["-", "Nampo"]



def test_times_are_compared_to_the_second():
    # an arrival half a second after the departure is in the same second: not "after" it;
    # the call at h(20) is next
    c = calls([(1, "Terminal", h(0), h(10), "ais"),
               (1, "Kozmino", h(10) + pd.Timedelta(milliseconds=500), h(12), "ais"),
               (1, "Home", h(20), h(30), "ais")])
    out = add_next_calls(c, NO_GAPS, NO_GAP_FENCES, FENCES)
    assert next_of_first(out) == ("Home", h(20), "ais")


def test_a_destination_of_three_letters_naming_no_fence_makes_no_dark_arrival():
    # "BUS" (3 characters, more than 2) is a destination, and it names neither Home nor Nampo
    gf = gap_fences([(0, 0, 30.0, 10.0, True), (0, 2, 12.0, 20.0, True)])
    st = destinations([(1, h(12), "bus")])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES, statics=st)
    assert next_of_first(out) == (None, None, None)


def test_the_detour_is_the_sum_of_both_distances():
    # Home 10 + 30 = 40 nm, Nampo 20 + 12 = 32 nm: Nampo (their differences, -20 and 8,
    # would pick Home); h(20) + 100 h * 20 / 32 = h(82.5)
    gf = gap_fences([(0, 0, 10.0, 30.0, True), (0, 2, 20.0, 12.0, True)])
    out = add_next_calls(ONE_CALL, one_gap(), gf, FENCES)
    assert next_of_first(out) == ("Nampo", h(82.5), "ais-gap")


def test_a_fence_under_a_mile_from_both_ends_is_shared_by_distance():
    # 0.75 nm in, 0.25 nm out (1 nm in all): h(20) + 100 h * 0.75 = h(95)
    out = add_next_calls(ONE_CALL, one_gap(), gap_fences([(0, 0, 0.75, 0.25, True)]), FENCES)
    assert next_of_first(out) == ("Home", h(95), "ais-gap")
