"""Track cleaning at its exact boundaries, and a vessel's own speed, worked out by hand.

Rules (vesseltrack.tracks): a report is a duplicate when the vessel's previous report at the
same position (rounded to ``duplicate_position_deg``, 1e-5 deg) is less than
``duplicate_seconds`` (30 s) older; a valid position is a jump when its implied speed to both
valid neighbours is over ``max_implied_speed_knots`` (50 kn), displacements under
``min_jump_m`` (1000 m) never counting; positions beyond +-180 / +-90 deg and speeds of
102.2 kn or more (or negative) are not available. 1 deg of latitude = 111 195 m.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import vesseltrack.tracks as tracks_module
from vesseltrack._schema import positions_frame
from vesseltrack._units import EARTH_RADIUS_M
from vesseltrack.params import PortCallParams, SpeedParams, TrackParams
from vesseltrack.tracks import (
    EpochSeconds,
    TrackArrays,
    clean_tracks,
    haversine_m,
    speed_before_after_knots,
)

T0 = pd.Timestamp("2024-03-01T00:00Z")
M_PER_DEG = 111_195.0


def _rows(rows, sog=5.0):
    """Positions from ``(vessel, seconds after T0, lon, lat)`` rows; vessel ``k`` is the ship
    station MMSI 273 000 000 + k (clean_tracks leaves out MMSIs that are no ship station)."""
    frame = pd.DataFrame(rows, columns=["mmsi", "seconds", "lon", "lat"])
    frame["mmsi"] = 273_000_000 + frame["mmsi"]
    frame["timestamp"] = T0 + pd.to_timedelta(frame.pop("seconds"), unit="s")
    frame["sog_knots"] = sog
    frame["msg_type"] = 1
    return positions_frame(frame)


@pytest.mark.parametrize(("seconds", "kept"), [(30, 2), (29, 1)])
def test_duplicate_window_is_strictly_shorter_than_duplicate_seconds(seconds, kept):
    assert len(clean_tracks(_rows([(1, 0, 133.0, 42.0), (1, seconds, 133.0, 42.0)]))) == kept


@pytest.mark.parametrize("rows", [
    [(1, 0, 133.0, 42.0), (1, 30, 133.0, 42.0)],                              # one row back
    [(1, 0, 133.0, 42.0), (1, 10, 133.0, 42.0005), (1, 30, 133.0, 42.0)],     # two rows back
])
def test_duplicate_window_is_exact_at_the_epoch(rows):
    # reports from 1970-01-01T00:00Z on: seconds since the epoch are small, so the window is
    # compared without rounding; a report exactly 30 s after one at the same place is kept
    pos = _rows(rows)
    pos["timestamp"] -= T0 - pd.Timestamp("1970-01-01T00:00Z")
    out = clean_tracks(pos)
    assert (len(out), out.attrs["dropped"]["duplicate"]) == (len(rows), 0)


@pytest.mark.parametrize(("third_s", "kept"), [(20, 2), (31, 3)])
def test_duplicate_of_a_report_two_rows_back(third_s, kept):
    # A at p, B 56 m away 10 s later, C at p again: a duplicate of A if less than 30 s after
    rows = [(1, 0, 133.0, 42.0), (1, 10, 133.0, 42.0005), (1, third_s, 133.0, 42.0)]
    out = clean_tracks(_rows(rows))
    assert (len(out), out.attrs["dropped"]["duplicate"]) == (kept, 3 - kept)


@pytest.mark.parametrize(("dlat", "kept"), [(4e-6, 1), (1.2e-5, 2)])
def test_same_position_is_the_same_to_the_rounding_step(dlat, kept):
    # 42.0 and 42.000004 both round to 4 200 000 steps of 1e-5 deg; 42.000012 to 4 200 001
    assert len(clean_tracks(_rows([(1, 0, 133.0, 42.0), (1, 5, 133.0, 42.0 + dlat)]))) == kept


def test_reports_of_two_vessels_at_one_place_and_time_are_no_duplicates():
    out = clean_tracks(_rows([(1, 0, 133.0, 42.0), (2, 0, 133.0, 42.0)]))
    assert (out["mmsi"].tolist(), out.attrs["dropped"]["duplicate"]) == ([273_000_001, 273_000_002], 0)


@pytest.mark.parametrize(("offset_m", "kept"), [(990.0, 3), (1030.0, 2)])
def test_displacements_under_min_jump_m_are_never_jumps(offset_m, kept):
    # out and (nearly: 11 m off) back within a second each way, thousands of knots: a jump
    # only when both displacements are 1000 m or more (1030 m out, 1019 m back)
    rows = [(1, 0, 133.0, 42.0), (1, 1, 133.0, 42.0 + offset_m / M_PER_DEG),
            (1, 2, 133.0, 42.0001)]
    assert len(clean_tracks(_rows(rows))) == kept


def test_a_displacement_of_exactly_min_jump_m_can_be_a_jump():
    # half the equator, 0 E to 180 E and back, an hour each way (10 807 kn): the haversine of
    # that step is pi R in floating point too (sin 90 deg = 1 and asin 1 = pi / 2, both
    # exact to the last bit, and 2 R x pi / 2 is the same product as R x pi): with
    # min_jump_m = pi R the two displacements are not under min_jump_m, so 180 E is a jump
    half_equator_m = EARTH_RADIUS_M * np.pi
    rows = [(1, 0, 0.0, 0.0), (1, 3600, 180.0, 0.0), (1, 7200, 0.0, 0.0)]
    out = clean_tracks(_rows(rows), TrackParams(min_jump_m=half_equator_m))
    assert (out["lon"].tolist(), out.attrs["dropped"]["jump"]) == ([0.0, 0.0], 1)


@pytest.mark.parametrize(("knots", "kept"), [(49.0, 3), (51.0, 2)])
def test_jump_speed_boundary(knots, kept):
    # out and back, 1 h each way, at the given speed: 49 kn is kept, 51 kn (> 50) is a jump
    offset_deg = knots * 1852.0 / M_PER_DEG
    rows = [(1, 0, 133.0, 42.0), (1, 3600, 133.0, 42.0 + offset_deg), (1, 7200, 133.0, 42.0)]
    assert len(clean_tracks(_rows(rows))) == kept


@pytest.mark.parametrize(("lon", "lat", "valid"),
                         [(180.0, 90.0, True), (-180.0, -90.0, True), (180.001, 42.0, False),
                          (133.0, -90.001, False)])
def test_position_range_ends_are_valid(lon, lat, valid):
    out = clean_tracks(_rows([(1, 0, lon, lat)]))
    assert (out["valid_position"].tolist(), out["lon"].isna().tolist()) == ([valid], [not valid])


def test_speeds_of_102_2_knots_or_negative_are_not_available():
    pos = _rows([(1, 60 * k, 133.0, 42.0 + 0.01 * k) for k in range(4)])
    pos["sog_knots"] = [102.1, 102.2, -0.1, 0.0]
    got = clean_tracks(pos)["sog_knots"].tolist()
    assert got[0] == 102.1 and np.isnan(got[1]) and np.isnan(got[2]) and got[3] == 0.0


def test_columns_asked_for_in_the_table_order_and_attrs_kept():
    pos = _rows([(1, 0, 133.0, 42.0)])
    pos.attrs["source"] = "x.nmea"
    out = clean_tracks(pos, columns=["sog_knots", "mmsi", "timestamp"])
    assert (list(out.columns), out.attrs["source"]) == (
        ["mmsi", "timestamp", "sog_knots", "valid_position"], "x.nmea")


def test_own_speed_is_the_median_of_moving_reports_in_the_window():
    # reports at 0, 1, 2, 3 h with speeds 2 (not moving: <= 3 kn), 8, 10, 11 kn: before the
    # 3 h row over 6 h the median of 8, 10, 11 = 10 kn; after the 0 h row the same
    pos = _rows([(1, 3600 * k, 133.0, 42.0 + 0.1 * k) for k in range(4)])
    pos["sog_knots"] = [2.0, 8.0, 10.0, 11.0]
    assert speed_before_after_knots(pos, np.array([3]), True).tolist() == [10.0]
    assert speed_before_after_knots(pos, np.array([0]), False).tolist() == [10.0]


def test_own_speed_from_positions_when_no_moving_speed_is_reported():
    # no speed reported: 0.1 deg of latitude per hour = 11 119.5 m = 6.004 kn (before the
    # 2 h row); a vessel never moving is clipped up to 3 kn; alone, the fastest, 12 kn
    pos = _rows([(1, 3600 * k, 133.0, 42.0 + 0.1 * k) for k in range(3)]
                + [(2, 3600 * k, 133.0, 41.0) for k in range(3)] + [(3, 0, 133.0, 40.0)],
                sog=np.nan)
    got = speed_before_after_knots(pos, np.array([2, 5, 6]), True)
    assert got.tolist() == [pytest.approx(6.004, abs=1e-3), 3.0, 12.0]


def test_own_speed_window_and_upper_clip():
    # 30 kn reported 7 h before (outside the 6 h window) and 20 kn 5 h before: 20 kn, clipped
    # to the fastest, 12 kn; with only the 7 h old report nothing is measured: 12 kn
    pos = _rows([(1, 0, 133.0, 42.0), (1, 2 * 3600, 133.0, 42.5), (1, 7 * 3600, 133.0, 43.0)])
    pos["sog_knots"] = [30.0, 20.0, np.nan]
    assert speed_before_after_knots(pos, np.array([2]), True).tolist() == [12.0]


# Great-circle distances with closed forms (R = 6 371 008.8 m, the mean Earth radius):
# - from 0 N to 60 N across 90 deg of longitude: cos d = sin 0 sin 60 + cos 0 cos 60 cos 90 = 0,
#   a quarter circle, pi R / 2 = 10 007 557 m;
# - along 60 N across 1 deg of longitude: 2 R asin(cos 60 sin 0.5 deg) = 2 R asin(0.00436327)
#   = 55 597.2 m (half a degree of the equator, 111 195 / 2, to 1e-5);
# - from 0 E to 180 E on the equator: half a circle, pi R = 20 015 114 m.
@pytest.mark.parametrize(("a", "b", "metres"), [
    ((0.0, 0.0), (90.0, 60.0), 10_007_557.0),
    ((0.0, 60.0), (1.0, 60.0), 55_597.2),
    ((0.0, 0.0), (180.0, 0.0), 20_015_114.0),
])
def test_haversine_across_longitude(a, b, metres):
    d = haversine_m(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]))
    assert d[0] == pytest.approx(metres, rel=1e-5)


def test_epoch_seconds_are_nanoseconds_over_1e9():
    # 2023-11-14T22:13:20Z is 1 700 000 000 s after the epoch
    t_s = EpochSeconds(np.array([1_700_000_000 * 10**9, 1_700_000_001 * 10**9]))
    assert t_s[0] == 1_700_000_000.0


def test_track_arrays_hold_only_the_valid_positions_and_their_labels():
    # rows 0 and 2 have positions, row 1 none: the arrays are rows 0 and 2
    tr = clean_tracks(_rows([(1, 0, 133.0, 42.0), (1, 60, np.nan, np.nan),
                             (1, 120, 133.0, 42.01)]))
    arrays = TrackArrays.of(tr)
    got = (arrays.mmsi.tolist(), arrays.t_s[:].tolist(), arrays.lat.tolist(),
           arrays.labels(np.array([0, 1])).tolist())
    t0_s = T0.value / 1e9
    assert got == ([273_000_001] * 2, [t0_s, t0_s + 120], [42.0, 42.01], [0, 2])


def test_own_speed_counts_the_reports_without_a_position():
    # row 0 (0 h, no position, 4 kn), row 1 (1 h, 8 kn), row 2 (10 h, 10 kn): before row 1
    # over 6 h the moving reports are 4 and 8 kn, median 6 kn; the row index counts row 0
    pos = _rows([(1, 0, np.nan, np.nan), (1, 3600, 133.0, 42.0), (1, 36000, 133.0, 42.5)])
    pos["sog_knots"] = [4.0, 8.0, 10.0]
    assert speed_before_after_knots(clean_tracks(pos), np.array([1]), True).tolist() == [6.0]


@pytest.mark.parametrize(("row", "knots"), [(0, 10.0), (1, 10.0), (2, 12.0)])
def test_own_speed_is_measured_on_the_vessels_own_reports(row, knots):
    # vessel 1 at 0 h and 1 h, 10 kn; vessel 2 once at 2 h, no speed: nothing measured for
    # it (alone), the fastest, 12 kn, though vessel 1's reports lie within 6 h before
    pos = _rows([(1, 0, 133.0, 42.0), (1, 3600, 133.0, 42.1), (2, 7200, 133.0, 43.0)])
    pos["sog_knots"] = [10.0, 10.0, np.nan]
    assert speed_before_after_knots(pos, np.array([row]), True).tolist() == [knots]


def test_own_speed_window_starts_within_the_vessel():
    # vessel 1 at 0 h and 1 h, 4 kn; vessel 2 at 0 h (5 kn) and 10 h (9 kn): before vessel
    # 2's 10 h row over 6 h (from 4 h) only that row counts: 9 kn
    pos = _rows([(1, 0, 133.0, 42.0), (1, 3600, 133.0, 42.1), (2, 0, 133.0, 43.0),
                 (2, 36000, 133.0, 43.5)])
    pos["sog_knots"] = [4.0, 4.0, 5.0, 9.0]
    assert speed_before_after_knots(pos, np.array([3]), True).tolist() == [9.0]


def test_own_speed_values_are_floats():
    pos = _rows([(1, 0, 133.0, 42.0)])
    assert str(speed_before_after_knots(pos, np.array([0]), True).dtype) == "float64"


@pytest.mark.parametrize("params", [SpeedParams(max_speed_knots=10.0),
                                    PortCallParams(speed=SpeedParams(max_speed_knots=10.0))])
def test_own_speed_params_given_directly_or_in_port_call_params(params):
    # a vessel reported once, without speed: nothing measured, the fastest: 10 kn
    pos = _rows([(1, 0, 133.0, 42.0)], sog=np.nan)
    assert speed_before_after_knots(pos, np.array([0]), True, params).tolist() == [10.0]


@pytest.mark.parametrize(("fix", "knots"), [
    # 0.1 deg of latitude in 1 h: 11 119.5 m = 6.004 nm -> 6.004 kn from two positions
    ([(0, 133.0, 42.0), (3600, 133.0, 42.1)], 6.004),
    # along 42 N, 0.1 deg of longitude per hour: 11 119.5 m x cos 42 (0.743145) = 8 263.4 m
    # = 4.4619 nm each hour (the great circle is shorter by far less than 0.01 %):
    # 8.924 nm in 2 h = 4.462 kn
    ([(0, 133.0, 42.0), (3600, 133.1, 42.0), (7200, 133.2, 42.0)], 4.462),
    # the middle report has a latitude but no longitude: left out, 0.1 deg in 2 h = 3.002 kn
    ([(0, 133.0, 42.0), (3600, np.nan, 42.05), (7200, 133.0, 42.1)], 3.002),
])
def test_own_speed_from_the_positions_of_the_window(fix, knots):
    pos = _rows([(1, *f) for f in fix], sog=np.nan)
    got = speed_before_after_knots(pos, np.array([len(fix) - 1]), True)
    assert got.tolist() == [pytest.approx(knots, abs=1e-3)]


def test_own_speed_of_a_lone_report_without_position_is_the_fastest():
    pos = _rows([(1, 0, np.nan, np.nan)], sog=np.nan)
    assert speed_before_after_knots(pos, np.array([0]), True).tolist() == [12.0]


def test_own_speed_after_a_row_spans_its_window_end_inclusive():
    # reports at 0, 1, 2, 7 and 9 h (40, 8, 10, 20, 30 kn): after the 1 h row over 6 h the
    # window is [1 h, 7 h], the 7 h report included: median of 8, 10, 20 = 10 kn
    pos = _rows([(1, 3600 * h, 133.0, 42.0 + 0.01 * h) for h in (0, 1, 2, 7, 9)])
    pos["sog_knots"] = [40.0, 8.0, 10.0, 20.0, 30.0]
    assert speed_before_after_knots(pos, np.array([1]), False).tolist() == [10.0]


def test_own_speed_of_exactly_min_speed_is_not_moving():
    # 3.0 kn (= min_speed_knots) is not moving, 9.0 kn is: the median is 9 kn
    pos = _rows([(1, 0, 133.0, 42.0), (1, 3600, 133.0, 42.1)])
    pos["sog_knots"] = [3.0, 9.0]
    assert speed_before_after_knots(pos, np.array([1]), True).tolist() == [9.0]


@pytest.mark.parametrize(("knots", "kept"), [(49.0, 3), (51.0, 2)])
def test_jump_speed_boundary_along_a_parallel(knots, kept):
    # out east and back along 60 N, 1 h each way: 1 deg of longitude there is
    # 111 195 x cos 60 = 55 597.5 m, so the offset is knots x 1852 / 55 597.5 deg
    offset_deg = knots * 1852.0 / (M_PER_DEG * 0.5)
    rows = [(1, 0, 10.0, 60.0), (1, 3600, 10.0 + offset_deg, 60.0), (1, 7200, 10.0, 60.0)]
    assert len(clean_tracks(_rows(rows))) == kept


@pytest.mark.parametrize(("limit_knots", "kept"), [(1500.0, 2), (2100.0, 3)])
def test_reports_in_the_same_second_count_as_one_second_apart(limit_knots, kept):
    # 1030 m out and (nearly) back within the same second: taken as 1 s, 1030 m/s
    # = 2002 kn: a jump under a 1500 kn limit, kept under a 2100 kn one
    rows = [(1, 0, 133.0, 42.0), (1, 0, 133.0, 42.0 + 1030.0 / M_PER_DEG),
            (1, 0, 133.0, 42.0001)]
    params = TrackParams(max_implied_speed_knots=limit_knots)
    assert len(clean_tracks(_rows(rows), params)) == kept


def test_jump_of_a_vessel_after_the_first_is_dropped():
    # vessel 2 jumps 1 deg (60 nm) north and back within an hour each way (60 kn > 50)
    rows = [(1, 0, 133.0, 42.0), (1, 3600, 133.0, 42.01), (2, 0, 134.0, 42.0),
            (2, 3600, 134.0, 43.0), (2, 7200, 134.0, 42.0)]
    assert clean_tracks(_rows(rows)).attrs["dropped"]["jump"] == 1


def test_duplicate_of_a_vessel_after_the_first_late_in_its_track_is_dropped():
    # vessel 2 reports at 1000 s and again 10 s later at the same place
    rows = [(1, 0, 133.0, 42.0), (1, 60, 133.0, 42.01), (2, 0, 134.0, 42.0),
            (2, 1000, 134.0, 42.1), (2, 1010, 134.0, 42.1)]
    assert clean_tracks(_rows(rows)).attrs["dropped"]["duplicate"] == 1


def test_duplicate_two_rows_back_at_exactly_duplicate_seconds_is_kept():
    # A at p, B 56 m away 10 s later, C at p 30 s after A: not less than 30 s, kept
    rows = [(1, 0, 133.0, 42.0), (1, 10, 133.0, 42.0005), (1, 30, 133.0, 42.0)]
    assert len(clean_tracks(_rows(rows))) == 3


def test_blocks_give_the_same_tracks(monkeypatch):
    # two rows per block: a duplicate (row 2, 10 s after row 1 at its place) and a jump
    # (row 4, 1 deg north and back within an hour each way) found across block edges
    monkeypatch.setattr(tracks_module, "CHUNK_ROWS", 2)
    rows = [(1, 0, 133.0, 42.0), (1, 600, 133.0, 42.01), (1, 610, 133.0, 42.01),
            (1, 3600, 133.0, 42.02), (1, 7200, 133.0, 43.02), (1, 10800, 133.0, 42.03)]
    assert clean_tracks(_rows(rows)).attrs["dropped"] == {
        "no_time": 0, "non_ship": 0, "duplicate": 1, "jump": 1}


def test_times_of_a_vessel_sorted_though_the_first_report_is_the_earliest():
    rows = [(1, 0, 133.0, 42.0), (1, 1200, 133.0, 42.02), (1, 600, 133.0, 42.01)]
    out = clean_tracks(_rows(rows))
    assert ((out["timestamp"] - T0).dt.total_seconds().tolist()) == [0.0, 600.0, 1200.0]


def test_many_interleaved_reports_keep_their_time_order_per_vessel():
    # 200 reports alternating between two vessels, one a minute: each vessel's 100 reports
    # come out in time order
    rows = [(1 + k % 2, 60 * k, 133.0 + k % 2, 42.0 + 0.001 * k) for k in range(200)]
    out = clean_tracks(_rows(rows))
    assert (out["timestamp"] - T0).dt.total_seconds().tolist() == (
        [60.0 * k for k in range(0, 200, 2)] + [60.0 * k for k in range(1, 200, 2)])


def test_a_non_ship_station_in_a_time_ordered_feed_is_left_out():
    pos = _rows([(1, 0, 133.0, 42.0), (2, 60, 133.0, 42.0), (1, 120, 133.0, 42.01)])
    pos["mmsi"] = [273_000_001, 992_731_234, 273_000_001]  # 99 MID xxxx: an aid to navigation
    assert clean_tracks(pos)["mmsi"].tolist() == [273_000_001, 273_000_001]


def test_no_non_ship_station_counted_when_all_are_ships():
    assert clean_tracks(_rows([(1, 0, 133.0, 42.0)])).attrs["non_ship_mmsi"] == 0


def test_duplicate_found_beside_a_row_without_position():
    rows = [(1, 0, 133.0, 42.0), (1, 5, 133.0, 42.0), (1, 60, np.nan, np.nan)]
    assert clean_tracks(_rows(rows)).attrs["dropped"]["duplicate"] == 1


def test_rows_without_position_are_never_duplicates():
    rows = [(1, 0, 133.0, 42.0), (1, 60, np.nan, np.nan), (1, 65, np.nan, np.nan)]
    assert len(clean_tracks(_rows(rows))) == 3


def test_out_of_range_latitude_is_not_available():
    out = clean_tracks(_rows([(1, 0, 133.0, 91.0), (1, 60, 133.0, 42.0)]))
    assert out["lat"].isna().tolist() == [True, False]


def test_timestamps_stay_utc():
    out = clean_tracks(_rows([(1, 0, 133.0, 42.0)]))
    assert str(out["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_columns_not_asked_for_are_left_out():
    out = clean_tracks(_rows([(1, 0, 133.0, 42.0)]), columns=["mmsi", "lon"])
    assert list(out.columns) == ["mmsi", "lon", "valid_position"]


def test_other_columns_follow_their_rows():
    pos = _rows([(1, 60, 133.0, 42.01), (1, 0, 133.0, 42.0)])
    pos["msg_type"] = [3, 1]
    assert clean_tracks(pos)["msg_type"].tolist() == [1, 3]


def test_nested_attrs_are_copied_not_shared():
    pos = _rows([(1, 0, 133.0, 42.0)])
    pos.attrs["source"] = {"file": "x.nmea"}
    clean_tracks(pos).attrs["source"]["file"] = "changed"
    assert pos.attrs["source"]["file"] == "x.nmea"


@pytest.mark.parametrize("knots", [49.0, 51.0])
@pytest.mark.parametrize("direction", ["east along the equator", "north along a meridian"])
def test_jump_speed_boundary_over_60_degrees(direction, knots):
    # 60 deg of a great circle = 60 x 111 195 m = 6 671 700 m = 3 602.4 nm, out and back at
    # the given speed (3 602.4 / knots hours each way): 49 kn is kept, 51 kn is a jump
    hours = 60 * M_PER_DEG / 1852.0 / knots
    far = (60.0, 0.0) if direction.startswith("east") else (0.0, 60.0)
    rows = [(1, 0, 0.0, 0.0), (1, round(hours * 3600), *far),
            (1, round(2 * hours * 3600), 0.0, 0.0)]
    assert len(clean_tracks(_rows(rows))) == (3 if knots < 50 else 2)


@pytest.mark.parametrize(("knots", "kept"), [(49.0, 4), (51.0, 3)])
def test_jump_along_a_parallel_after_a_row_at_another_latitude(knots, kept):
    # as the jump along 60 N above, after a slow approach from the equator (60 deg in
    # 1 000 h, 3.6 kn): each step's distance uses the latitudes of its own two rows
    offset_deg = knots * 1852.0 / (M_PER_DEG * 0.5)
    rows = [(1, -1000 * 3600, 10.0, 0.0), (1, 0, 10.0, 60.0),
            (1, 3600, 10.0 + offset_deg, 60.0), (1, 7200, 10.0, 60.0)]
    assert len(clean_tracks(_rows(rows))) == kept


def test_blocks_find_a_jump_late_in_a_track(monkeypatch):
    # two rows per block, no duplicate: row 4 is 1 deg north of rows 3 and 5, an hour from
    # each (60 nm/h > 50 kn)
    monkeypatch.setattr(tracks_module, "CHUNK_ROWS", 2)
    rows = [(1, 3600 * h, 133.0, 42.0 + 0.01 * h) for h in range(4)] + [
        (1, 4 * 3600, 133.0, 43.04), (1, 5 * 3600, 133.0, 42.05)]
    assert clean_tracks(_rows(rows)).attrs["dropped"]["jump"] == 1


def test_blocks_find_a_duplicate_late_in_a_track(monkeypatch):
    # two rows per block: row 5 is 10 s after row 4 at its place
    monkeypatch.setattr(tracks_module, "CHUNK_ROWS", 2)
    rows = [(1, 3600 * h, 133.0, 42.0 + 0.01 * h) for h in range(5)] + [
        (1, 4 * 3600 + 10, 133.0, 42.04)]
    assert clean_tracks(_rows(rows)).attrs["dropped"]["duplicate"] == 1


def test_blocks_decide_every_row_of_a_long_track(monkeypatch):
    # two rows per block, 60 reports at one place, 10 s then 40 s apart in turn
    # (0, 10, 50, 60, 100, ...): every second report is 10 s after the one before (30
    # duplicates), the others 40 s after it (kept): each row's window is decided by its block
    monkeypatch.setattr(tracks_module, "CHUNK_ROWS", 2)
    rows = [(1, 50 * (k // 2) + 10 * (k % 2), 133.0, 42.0) for k in range(60)]
    out = clean_tracks(_rows(rows))
    kept_s = ((out["timestamp"] - T0).dt.total_seconds()).tolist()
    assert (kept_s, out.attrs["dropped"]["duplicate"]) == ([50.0 * k for k in range(30)], 30)


def test_reports_of_one_second_keep_their_input_order_when_sorted_by_time():
    # 20 pairs of reports, each pair at one second 111 m apart (0.001 deg: no jump, no
    # duplicate), the pairs given latest first: sorted by time, each pair in input order
    rows = []
    for k in reversed(range(20)):
        rows += [(1, 60 * k, 133.0, 42.0 + 0.01 * k), (1, 60 * k, 133.0, 42.001 + 0.01 * k)]
    out = clean_tracks(_rows(rows))
    expected = [round(42.0 + 0.01 * k + d, 6) for k in range(20) for d in (0.0, 0.001)]
    assert [round(v, 6) for v in out["lat"]] == expected


def test_more_vessels_than_16_bit_codes_keep_their_rows():
    # 65 537 vessels (one more than 16-bit vessel codes can number), one report each, given
    # in reverse order: sorted by MMSI, each row keeps its own latitude (vessel k at k / 1e4)
    k = np.arange(65_537)[::-1]
    pos = _rows(pd.DataFrame({"mmsi": k, "s": 0, "lon": 133.0, "lat": k / 1e4}).values.tolist())
    out = clean_tracks(pos)
    assert np.array_equal(out["lat"].to_numpy(), (out["mmsi"].to_numpy() - 273_000_000) / 1e4)


def test_own_speed_from_reports_of_one_second_then_an_hour_later():
    # two reports at 0 s (one place), one at 1 h 0.1 deg north, no speed: 6.004 nm in 1 h
    pos = _rows([(1, 0, 133.0, 42.0), (1, 0, 133.0, 42.0), (1, 3600, 133.0, 42.1)],
                sog=np.nan)
    got = speed_before_after_knots(pos, np.array([2]), True)
    assert got.tolist() == [pytest.approx(6.004, abs=1e-3)]


def test_own_speed_of_reports_all_in_one_second_is_the_fastest():
    # two reports at the same second and place, no speed: no time elapsed, nothing measured
    pos = _rows([(1, 0, 133.0, 42.0), (1, 0, 133.0, 42.0)], sog=np.nan)
    assert speed_before_after_knots(pos, np.array([1]), True).tolist() == [12.0]


def test_own_speed_from_nullable_float_positions():
    # the 6.004 kn of two positions 0.1 deg of latitude and 1 h apart, lon/lat as Float64
    pos = _rows([(1, 0, 133.0, 42.0), (1, 3600, 133.0, 42.1)], sog=np.nan)
    pos = pos.astype({"lon": "Float64", "lat": "Float64"})
    got = speed_before_after_knots(pos, np.array([1]), True)
    assert got.tolist() == [pytest.approx(6.004, abs=1e-3)]


def test_nullable_float_positions_missing_are_not_valid():
    pos = _rows([(1, 0, 133.0, 42.0), (1, 60, 133.0, 42.01)])
    pos = pos.astype({"lon": "Float64", "lat": "Float64"})
    pos.loc[1, ["lon", "lat"]] = pd.NA
    assert clean_tracks(pos)["valid_position"].tolist() == [True, False]
