"""Gap figures worked out by hand: positions, distance, implied speed, vessel boundaries and
reachability from where the gap began and ended."""

from __future__ import annotations

import pandas as pd
import pytest
from _builders import BERTH, T0, make_ports, make_positions, track_rows

from vesseltrack.gaps import GapParams, detect_gaps, find_gaps
from vesseltrack.params import DraughtParams, PortCallParams
from vesseltrack.ports import fences_from_ports
from vesseltrack.tracks import sorted_tracks

HOUR = 3600


def test_gap_ends_distance_and_implied_speed():
    # 133.0 E 42.0 N, then 8 h later 133.0 E 42.1 N: 0.1 deg of latitude = 6 arcminutes
    # = 6.0 nm (1 nm = 1 arcminute, to 0.2 %); 6.0 nm / 8 h = 0.75 kn
    rows = [(0, 133.0, 42.0, 5.0), (8 * HOUR, 133.0, 42.1, 5.0)]
    (g,) = detect_gaps(track_rows(445000001, rows)).itertuples()
    got = (g.start_lon, g.start_lat, g.end_lon, g.end_lat, g.duration_hours,
           g.distance_nm, g.implied_speed_knots)
    assert got == (133.0, 42.0, 133.0, 42.1, 8.0, pytest.approx(6.0, rel=2e-3),
                   pytest.approx(0.75, rel=2e-3))


def test_gap_shorter_than_an_hour_has_an_implied_speed():
    # min_gap_hours 0.5: a 45 min silence over 0.05 deg of latitude = 3.0 nm -> 4.0 kn
    rows = [(0, 133.0, 42.0, 5.0), (45 * 60, 133.0, 42.05, 5.0)]
    gaps = detect_gaps(track_rows(445000001, rows), params=GapParams(min_gap_hours=0.5))
    assert gaps["implied_speed_knots"].tolist() == [pytest.approx(4.0, rel=2e-3)]


def test_gaps_of_every_vessel_and_none_across_vessels():
    # vessel 1: one 7 h gap; vessel 2 starts 10 h after vessel 1 ends (no gap between
    # vessels) and has one 9 h gap
    one = track_rows(445000001, [(0, 133.0, 42.0, 5.0), (7 * HOUR, 133.0, 42.0, 5.0)])
    two = track_rows(445000002, [(17 * HOUR, 133.0, 42.0, 5.0),
                                 (26 * HOUR, 133.0, 42.0, 5.0)])
    gaps = detect_gaps(make_positions(one, two))
    assert list(zip(gaps["mmsi"], gaps["duration_hours"], strict=True)) == [
        (445000001, 7.0), (445000002, 9.0)]


@pytest.mark.parametrize(("hours", "reachable"), [(3.0, ""), (3.25, "Vostochny oil terminal")])
def test_reachability_uses_where_the_gap_began(hours, reachable):
    # from 133.30 E 42.60 N (east 0.224 deg x cos 42.75 x 60 = 9.87 nm, south 0.148 deg x 60
    # = 8.88 nm of the terminal's corner: 13.3 nm) to the berth (0 nm): reachable when
    # 13.3 / 12 kn + 2 h = 3.11 h <= duration
    rows = [(0, 133.30, 42.60, 5.0), (hours * HOUR, *BERTH, 0.0)]
    gaps = detect_gaps(track_rows(445000001, rows), ports=make_ports(("terminal",)),
                       params=GapParams(min_gap_hours=1.0))
    assert gaps["reachable_ports"].tolist() == [reachable]


def test_gap_ends_and_distance_along_a_parallel():
    # 133.0 E -> 133.1 E at 42.0 N: 0.1 deg x 60 x cos(42 deg) = 6 x 0.74314 = 4.459 nm
    # (the great circle is shorter by far less than 0.1 %)
    rows = [(0, 133.0, 42.0, 5.0), (8 * HOUR, 133.1, 42.0, 5.0)]
    (g,) = detect_gaps(track_rows(445000001, rows)).itertuples()
    assert (g.start_lon, g.end_lon, g.distance_nm) == (133.0, 133.1,
                                                       pytest.approx(4.459, rel=1e-3))


def test_gap_fence_distances_and_the_rows_of_the_gap_ends():
    # the gap runs from row 1 (133.069 E 42.648 N, due south of the terminal) to row 2 (the
    # berth, inside). Distance in: 0.1 deg of latitude to the southern edge (42.748 N)
    # = 0.1 x pi/180 x 6 371 008.8 m = 11 119.5 m = 6.004 nm; out: 0 (inside).
    # Reachable: 6.004 / 12 kn + 2 h = 2.50 h <= 8 h.
    rows = [(0, 133.069, 42.600, 8.0), (HOUR, 133.069, 42.648, 8.0), (9 * HOUR, *BERTH, 0.0)]
    tracks = sorted_tracks(track_rows(445000001, rows))
    fences = fences_from_ports(make_ports(("terminal",)))
    gaps, gap_fences = find_gaps(tracks, None, fences, GapParams(), PortCallParams())
    assert list(zip(gaps["start_row"], gaps["end_row"], strict=True)) == [(1, 2)]
    assert gap_fences.to_dict("records") == [
        {"gap": 0, "fence": 0, "port": "Vostochny oil terminal",
         "d_in_nm": pytest.approx(6.004, abs=1e-3), "d_out_nm": 0.0, "reachable": True}]


def test_gap_fence_table_without_fences_has_its_columns_and_types():
    rows = [(0, 133.0, 42.0, 5.0), (8 * HOUR, 133.0, 42.1, 5.0)]
    _, gap_fences = find_gaps(sorted_tracks(track_rows(445000001, rows)), None, [],
                              GapParams(), PortCallParams())
    assert {c: str(t) for c, t in gap_fences.dtypes.items()} == {
        "gap": "int64", "fence": "int64", "port": "string", "d_in_nm": "float64",
        "d_out_nm": "float64", "reachable": "bool"}
    assert len(gap_fences) == 0


def test_a_silence_of_no_time_has_no_implied_speed():
    # min_gap_hours 0: two reports at the same second, 0.1 deg of latitude (6.0 nm) apart,
    # make a gap of 0 h whose implied speed is undefined (NaN, not infinite)
    rows = [(0, 133.0, 42.0, 5.0), (0, 133.0, 42.1, 5.0)]
    gaps = detect_gaps(track_rows(445000001, rows), params=GapParams(min_gap_hours=0.0))
    assert (gaps["duration_hours"].tolist(), gaps["implied_speed_knots"].isna().tolist()) == (
        [0.0], [True])


def test_implied_speed_is_a_float_column_even_where_undefined():
    # the 0 h silence's implied speed is NaN; the column stays float64 (not objects)
    rows = [(0, 133.0, 42.0, 5.0), (0, 133.0, 42.1, 5.0)]
    gaps = detect_gaps(track_rows(445000001, rows), params=GapParams(min_gap_hours=0.0))
    assert str(gaps["implied_speed_knots"].dtype) == "float64"


# Draught after a gap. One vessel silent from T0 to T0 + 24 h (midpoint T0 + 12 h); it
# reported 2.5 m an hour before the silence and 5.5 m an hour after it (within the 24 h
# look-ahead). A report in the second half of the silence, (12 h, 24 h], is the draught the
# vessel left the silence with and wins over the one after it; one at or before the midpoint
# is the old draught and the look-ahead's 5.5 m stands in.

def _draughts(*reports):
    """Statics of vessel 445000001 from ``(time after T0, draught_m)`` pairs."""
    return pd.DataFrame({"mmsi": [445000001] * len(reports),
                         "timestamp": [T0 + dt for dt, _ in reports],
                         "draught_m": [m for _, m in reports]})


_SILENCE_24H = [(0, 133.0, 42.0, 5.0), (24 * HOUR, 133.0, 42.1, 5.0)]


def test_draught_in_the_second_half_of_the_silence_wins_over_one_after_it():
    statics = _draughts((pd.Timedelta(hours=-1), 2.5), (pd.Timedelta(hours=18), 4.0),
                        (pd.Timedelta(hours=25), 5.5))
    (g,) = detect_gaps(track_rows(445000001, _SILENCE_24H), statics).itertuples()
    assert (g.draught_before_m, g.draught_after_m) == (2.5, 4.0)


@pytest.mark.parametrize(("in_silence", "after_m"), [
    (pd.Timedelta(hours=12), 5.5),                  # at the midpoint: first half
    (pd.Timedelta(hours=12, nanoseconds=1), 4.0),   # one nanosecond later: second half
])
def test_draught_after_a_gap_midpoint_boundary(in_silence, after_m):
    statics = _draughts((pd.Timedelta(hours=-1), 2.5), (in_silence, 4.0),
                        (pd.Timedelta(hours=25), 5.5))
    (g,) = detect_gaps(track_rows(445000001, _SILENCE_24H), statics).itertuples()
    assert g.draught_after_m == after_m


@pytest.mark.parametrize(("lookahead_hours", "after_m"), [(24.0, 2.5), (36.0, 5.5)])
def test_draught_look_ahead_after_a_gap_is_the_parameter(lookahead_hours, after_m):
    # 5.5 m reported 30 h after the silence: beyond a 24 h look-ahead (the 2.5 m in effect
    # stays), within a 36 h one
    statics = _draughts((pd.Timedelta(hours=-1), 2.5), (pd.Timedelta(hours=54), 5.5))
    (g,) = detect_gaps(track_rows(445000001, _SILENCE_24H), statics,
                       draught=DraughtParams(lookahead_hours=lookahead_hours)).itertuples()
    assert g.draught_after_m == after_m
