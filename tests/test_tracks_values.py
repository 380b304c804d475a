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

from vesseltrack._schema import positions_frame
from vesseltrack.tracks import clean_tracks, speed_before_after_knots

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
