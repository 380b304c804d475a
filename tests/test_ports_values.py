"""Port-call figures worked out by hand: call ids, estimated arrival and departure times,
observed entries and exits between vessels, stops from implied speeds, and a stop decided
far back in the track.

Distances: 0.1 deg of latitude = 0.1 x pi/180 x 6 371 008.8 m = 11 119.5 m = 6.004 nm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _builders import (
    ANCHORAGE,
    BERTH,
    T0,
    TERMINAL,
    make_ports,
    make_positions,
    polygon_feature,
    track_rows,
    write_ports_geojson,
)

from vesseltrack.params import PortCallParams
from vesseltrack.ports import detect_port_calls, fences_from_ports, read_ports

HOUR = 3600
TERM = "Vostochny oil terminal"
SOUTH = (133.069, 42.740)        # ~890 m south of the terminal: beyond the 500 m margin
SOUTH_6NM = (133.069, 42.648)    # 0.1 deg south of the southern edge (42.748 N): 6.004 nm
PORTS = make_ports(("terminal",))


def _calls(*tracks):
    return detect_port_calls(make_positions(*tracks), PORTS)


def _berth_visit(mmsi, hours, knots, leave_hour):
    """A vessel 890 m south at hour 0, at the berth at ``hours`` (``knots``), south again at
    ``leave_hour``."""
    rows = [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, knots) for h in hours]
    return track_rows(mmsi, rows + [(leave_hour * HOUR, *SOUTH, 8.0)])


def test_call_id_is_vessel_fence_arrival_minute_and_evidence():
    rows = [(0, *SOUTH, 8.0), (HOUR + 59, *BERTH, 0.0), (3 * HOUR, *BERTH, 0.0),
            (4 * HOUR, *SOUTH, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    # arrival 01:00:59 on 1 March 2024, to the minute
    assert c.call_id == "445000001/Vostochny oil terminal/20240301T0100Z/ais"


def test_arrival_and_departure_estimated_from_the_speed_before_and_after_the_silence():
    # last seen 6.004 nm south at 8 kn, silent 10 h, stopped at the berth 4 h, silent 10 h,
    # seen again 6.004 nm south at 8 kn: arrival 6.004 / 8 = 0.7505 h after the last report,
    # departure 0.7505 h before the next one
    rows = [(0, *SOUTH_6NM, 8.0)] + [(10 * HOUR + h * HOUR, *BERTH, 0.0) for h in range(5)]
    rows += [(24 * HOUR, *SOUTH_6NM, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.arrival_estimated, c.departure_estimated) == (True, True)
    assert ((c.arrival - T0) / pd.Timedelta(hours=1),
            (T0 + pd.Timedelta(hours=24) - c.departure) / pd.Timedelta(hours=1)) == (
        pytest.approx(0.7505, abs=1e-3), pytest.approx(0.7505, abs=1e-3))


def test_estimated_arrival_is_never_after_the_first_report_inside():
    # 0.9 deg south of the edge = 54.0 nm (within the 60 nm approach): at 8 kn 6.75 h, but the
    # vessel was inside 6 h after the last report: the arrival is that first report inside
    rows = [(0, 133.069, 41.848, 8.0)] + [(6 * HOUR + h * HOUR, *BERTH, 0.0) for h in range(4)]
    rows += [(10 * HOUR, *SOUTH, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.arrival_estimated, c.arrival) == (True, T0 + pd.Timedelta(hours=6))


def test_no_estimate_across_a_gap_that_began_beyond_the_approach_distance():
    # 1.2 deg south of the edge = 72.0 nm > 60 nm: the arrival is the first report inside
    rows = [(0, 133.069, 41.548, 8.0)] + [(20 * HOUR + h * HOUR, *BERTH, 0.0) for h in range(4)]
    rows += [(24 * HOUR, *SOUTH, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.arrival_estimated, c.arrival, c.confidence) == (
        False, T0 + pd.Timedelta(hours=20), 3)


@pytest.mark.parametrize(("silence_s", "estimated", "confidence"),
                         [(6 * HOUR, True, 3), (6 * HOUR - 1, False, 4)])
def test_departure_estimated_and_exit_unobserved_across_a_gap_of_min_gap_hours(
        silence_s, estimated, confidence):
    # stopped inside 3 h, then silent for silence_s, then ~890 m south: across a gap the
    # departure is estimated and the exit is not observed (1 + entry + stop)
    rows = [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in range(1, 5)]
    rows += [(4 * HOUR + silence_s, *SOUTH, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.departure_estimated, c.confidence) == (estimated, confidence)


def test_entry_and_exit_are_observed_only_on_the_vessel_own_reports():
    # vessel 1 ends its track inside the fence and vessel 2 begins its own there (rows next to
    # each other once sorted by vessel): neither the exit of 1 nor the entry of 2 is observed
    one = track_rows(445000001, [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)])
    two = track_rows(445000002, [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)]
                     + [(4 * HOUR, *SOUTH, 8.0)])
    got = _calls(one, two)[["mmsi", "confidence"]].values.tolist()
    assert got == [[445000001, 3], [445000002, 3]]


@pytest.mark.parametrize(("step_m", "calls"), [(0.0, 1), (1000.0, 0)])
def test_stop_from_the_implied_speed_where_no_speed_is_reported(step_m, calls):
    # no reported speed: 1 h inside (half the minimum dwell) counts only with a stop; the
    # implied speed between the reports inside is 0 kn (a stop) when they do not move, and
    # 1000 m in 30 min = 1.08 kn (moving) when they do
    dlat = step_m / 111_195.0  # metres per degree of latitude on the 6 371 008.8 m sphere
    nan = float("nan")
    rows = [(0, *SOUTH, nan), (HOUR, 133.069, 42.7485, nan),
            (1.5 * HOUR, 133.069, 42.7485 + dlat, nan), (2 * HOUR, 133.069, 42.7485, nan),
            (3 * HOUR, *SOUTH, nan), (4 * HOUR, *SOUTH, nan)]
    assert len(_calls(track_rows(445000001, rows))) == calls


@pytest.mark.parametrize(("first_knots", "calls"), [(0.0, 1), (8.0, 0)])
def test_stop_decided_long_before_the_visit_lasts_through_it(first_knots, calls):
    # stopped (0 kn) or moving (8 kn) ~890 m south, then 100 reports a minute apart at
    # 0.3 kn (between the stop thresholds: they decide nothing), then 1 h inside at 0.3 kn:
    # the state set 100 reports earlier holds, so the short visit is a call only after a stop
    rows = [(0, *SOUTH, first_knots)] + [(60 * k, *SOUTH, 0.3) for k in range(1, 101)]
    rows += [(101 * 60 + 1800 * k, *BERTH, 0.3) for k in range(3)]
    rows += [(101 * 60 + 2 * HOUR, *SOUTH, 8.0)]
    assert len(_calls(track_rows(445000001, rows))) == calls


# ------------------------------------------------------------------------------- fences


def test_fence_distance_east_and_west_of_the_fence():
    # 0.01 deg of longitude east of the eastern edge (133.076 E) and west of the western
    # edge (133.062 E), at the centroid's latitude (42.752 N, cos = 0.73430):
    # 0.01 x 111 195.08 m x 0.73430 = 816.5 m = 0.4409 nm
    (fence,) = fences_from_ports(PORTS)
    got = fence.distance_nm(np.array([133.086, 133.052]), np.array([42.752, 42.752]))
    assert got.tolist() == [pytest.approx(0.4409, abs=1e-4)] * 2


@pytest.mark.parametrize(("south_deg", "expected_nm"), [(3.0, 180.122), (1.67, 100.268)])
def test_fence_distance_beyond_100_nm_is_to_its_centroid(south_deg, expected_nm):
    # due south of the centroid (42.752 N): 3 deg = 3 x 111 195.08 m = 180.122 nm, and
    # 1.67 deg = 100.268 nm (just beyond 100 nm: to the centroid, not the southern edge,
    # 0.004 deg = 0.24 nm nearer)
    (fence,) = fences_from_ports(PORTS)
    got = fence.distance_nm(np.array([133.069]), np.array([42.752 - south_deg]))
    assert got.tolist() == [pytest.approx(expected_nm, abs=1e-3)]


def test_read_ports_types_and_crs(tmp_path):
    path = write_ports_geojson(tmp_path / "p.geojson", [
        polygon_feature("T", TERMINAL, "terminal"), polygon_feature("A", ANCHORAGE)])
    ports = read_ports(path)
    assert (str(ports["name"].dtype), str(ports["kind"].dtype), ports.crs.to_epsg(),
            ports["kind"].isna().tolist()) == ("string", "string", 4326, [False, True])


def test_read_ports_repairs_a_self_intersecting_polygon(tmp_path):
    # a bow-tie over the terminal's box (0.014 x 0.008 deg): two triangles, each with a side
    # of 0.008 deg and its apex at the centre 0.007 deg away: 2 x 0.5 x 0.008 x 0.007 deg2
    bow_tie = [(133.062, 42.748), (133.076, 42.756), (133.076, 42.748), (133.062, 42.756)]
    ports = read_ports(write_ports_geojson(tmp_path / "p.geojson",
                                           [polygon_feature("T", bow_tie)]))
    geom = ports.geometry.iloc[0]
    assert (geom.is_valid, round(geom.area, 9)) == (True, round(2 * 0.5 * 0.008 * 0.007, 9))


SWAPPED = "latitude and longitude look swapped"
OUTSIDE = "coordinates outside"


def _box(lon0, lon1, lat0, lat1):
    return [(lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1)]


@pytest.mark.parametrize(("corners", "error"), [
    # a latitude beyond 90 deg with every longitude within +-90 deg: the two swapped (a fence
    # at 42.7 N 133.1 E written latitude first), the longitude range's ends included
    (_box(42.748, 42.756, 133.062, 133.076), SWAPPED),
    (_box(-90.0, -89.9, 95.0, 95.1), SWAPPED),
    (_box(89.9, 90.0, 95.0, 95.1), SWAPPED),
    # a longitude beyond 90 deg (either side), beyond 180 deg, or a latitude beyond 90 deg
    # with a longitude beyond 180 deg: not degrees at all
    (_box(-90.5, -90.0, 95.0, 95.1), OUTSIDE),
    (_box(90.0, 90.5, 95.0, 95.1), OUTSIDE),
    (_box(181.0, 181.1, 95.0, 95.1), OUTSIDE),
    (_box(181.0, 181.1, 42.0, 42.1), OUTSIDE),
    (_box(180.0, 180.5, 42.0, 42.1), OUTSIDE),
    (_box(-180.5, -180.0, 42.0, 42.1), OUTSIDE),
])
def test_read_ports_refuses_corners_that_are_no_degrees(tmp_path, corners, error):
    path = write_ports_geojson(tmp_path / "p.geojson", [polygon_feature("T", corners)])
    with pytest.raises(ValueError, match=error) as refused:
        read_ports(path)
    assert str(refused.value).startswith(f"{path}: feature 'T': ")  # the file and the fence


@pytest.mark.parametrize("corners", [_box(179.9, 180.0, 42.0, 42.1),
                                     _box(-180.0, -179.9, 42.0, 42.1)])
def test_read_ports_takes_a_fence_at_the_antimeridian(tmp_path, corners):
    # longitudes of +-180 deg exactly are degrees
    ports = read_ports(write_ports_geojson(tmp_path / "p.geojson",
                                           [polygon_feature("T", corners)]))
    assert len(ports) == 1


def test_read_ports_takes_a_fence_within_90_degrees_of_both_axes(tmp_path):
    # a box at 10-11 E, 10-11 N: every coordinate could be either, none is beyond 90 deg
    ports = read_ports(write_ports_geojson(tmp_path / "p.geojson",
                                           [polygon_feature("T", _box(10.0, 11.0, 10.0, 11.0))]))
    assert ports.geometry.iloc[0].bounds == (10.0, 10.0, 11.0, 11.0)


# ------------------------------------------------------------------------ visits and stops


def test_first_report_of_a_vessel_decides_nothing_from_the_previous_vessel():
    # vessel 1 ends stopped at the berth; vessel 2 begins inside at 0.3 kn (undecided: its
    # first report counts as moving) for 1 h, then leaves: no call of vessel 2
    one = track_rows(445000001, [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)])
    two = track_rows(445000002, [(h * HOUR, *BERTH, 0.3) for h in (5, 5.5, 6)]
                     + [(7 * HOUR, *SOUTH, 8.0)])
    assert _calls(one, two)["mmsi"].tolist() == [445000001]


@pytest.mark.parametrize("stop_at", [1, 2])
def test_a_stop_begun_inside_makes_a_short_visit_a_call(stop_at):
    # 1 h inside at 5 kn, except 0 kn at the second or the last report inside
    speeds = [5.0, 5.0, 5.0]
    speeds[stop_at] = 0.0
    rows = [(0, *SOUTH, 8.0)] + [((1 + k / 2) * HOUR, *BERTH, v) for k, v in enumerate(speeds)]
    rows += [(3 * HOUR, *SOUTH, 8.0)]
    assert len(_calls(track_rows(445000001, rows))) == 1


def test_another_vessel_stop_does_not_make_a_passage_a_call():
    # vessel 1 stops at the berth; vessel 2 passes through for 1 h at 5 kn: one call
    one = _berth_visit(445000001, (1, 2, 3), 0.0, 4)
    two = _berth_visit(445000002, (1, 1.5, 2), 5.0, 3)
    assert _calls(one, two)["mmsi"].tolist() == [445000001]


@pytest.mark.parametrize(
    ("berth", "drift"),
    [
        ((133.0625, 42.7485), (133.0590, 42.7485)),   # SW corner; drift 0.0030 deg = 246 m W
        ((133.0755, 42.7555), (133.0785, 42.7555)),   # NE corner; drift 0.0025 deg = 205 m E
        ((133.0625, 42.7485), (133.0625, 42.7460)),   # SW corner; drift 0.0020 deg = 222 m S
        ((133.0755, 42.7555), (133.0755, 42.7580)),   # NE corner; drift 0.0020 deg = 222 m N
    ],
)
def test_calls_at_the_corners_of_a_fence_and_drifts_within_the_margin(berth, drift):
    # stopped 3 h at a corner, 2 h drifting within the 500 m margin, 3 h back: one call
    rows = [(0, *SOUTH_6NM, 8.0)] + [(h * HOUR, *berth, 0.0) for h in range(1, 4)]
    rows += [(h * HOUR, *drift, 0.0) for h in (4, 5)]
    rows += [(h * HOUR, *berth, 0.0) for h in range(6, 9)] + [(9 * HOUR, *SOUTH_6NM, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.arrival, c.departure) == (T0 + pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=8))


# ------------------------------------------------------------ ends of tracks and of tables


def test_a_track_ending_inside_a_fence_has_no_observed_exit():
    # the last report of the table is at the berth: departure = that report, not estimated,
    # confidence 1 + entry + stop = 3
    rows = [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.departure, c.departure_estimated, c.confidence) == (
        T0 + pd.Timedelta(hours=3), False, 3)


def test_no_exit_observed_on_a_single_report_of_the_next_vessel():
    one = track_rows(445000001, [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)])
    two = track_rows(445000002, [(4 * HOUR, *SOUTH, 8.0)])
    assert _calls(one, two)["confidence"].tolist() == [3]


def test_no_entry_observed_on_a_single_report_of_the_previous_vessel():
    one = track_rows(445000001, [(0, *SOUTH, 8.0)])
    two = track_rows(445000002, [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)]
                     + [(4 * HOUR, *SOUTH, 8.0)])
    assert _calls(one, two)[["mmsi", "confidence"]].values.tolist() == [[445000002, 3]]


def test_a_single_stopped_report_inside_is_a_call():
    # the whole table is one report, at the berth at 0 kn: a stop, so a call of no length
    (c,) = _calls(track_rows(445000001, [(0, *BERTH, 0.0)])).itertuples()
    assert (c.arrival, c.departure, c.duration_hours, c.confidence) == (T0, T0, 0.0, 2)


def test_arrival_is_the_first_report_inside_the_fence_not_in_its_margin():
    # 1 h at 222 m south of the southern edge (within the margin), then 3 h at the berth
    rows = [(0, *SOUTH, 8.0), (HOUR, 133.069, 42.746, 0.0)]
    rows += [(h * HOUR, *BERTH, 0.0) for h in (2, 3, 4)] + [(5 * HOUR, *SOUTH, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.arrival, c.departure) == (T0 + pd.Timedelta(hours=2), T0 + pd.Timedelta(hours=4))


def test_exit_observed_on_the_first_report_beyond_the_margin():
    # out of the margin 1 h after the last report inside, then silent 10 h: the exit was seen
    rows = [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)]
    rows += [(4 * HOUR, *SOUTH, 8.0), (14 * HOUR, *SOUTH_6NM, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.departure, c.departure_estimated, c.confidence) == (
        T0 + pd.Timedelta(hours=3), False, 4)


def test_estimated_flags_are_booleans():
    rows = [(0, *SOUTH_6NM, 8.0)] + [(10 * HOUR + h * HOUR, *BERTH, 0.0) for h in range(3)]
    rows += [(13 * HOUR, *SOUTH, 8.0)]
    calls = _calls(track_rows(445000001, rows))
    assert (str(calls["arrival_estimated"].dtype), str(calls["departure_estimated"].dtype),
            str(calls["confidence"].dtype)) == ("bool", "bool", "int64")


def test_one_missing_speed_is_the_implied_speed_to_the_next_report():
    # 1 h inside at 5 kn but for one report without speed, followed 30 min later by one at
    # the same place: implied 0 kn, a stop, so the short visit is a call
    rows = [(0, *SOUTH, 8.0), (HOUR, *BERTH, 5.0), (1.5 * HOUR, *BERTH, float("nan")),
            (2 * HOUR, *BERTH, 5.0), (3 * HOUR, *SOUTH, 8.0)]
    assert len(_calls(track_rows(445000001, rows))) == 1


@pytest.mark.parametrize(("step_m", "calls"), [(150.0, 1), (500.0, 0)])
def test_implied_speed_is_the_step_over_its_time_in_knots(step_m, calls):
    # 1 h inside (half the minimum dwell): a call only with a stop. The report at 1 h has no
    # speed; the next, 30 min later, is step_m north: 150 m / 1852 / 0.5 h = 0.162 kn (at or
    # below the 0.2 kn where a stop begins: a call), 500 m / 1852 / 0.5 h = 0.540 kn (at or
    # above the 0.5 kn where one ends: none)
    nan = float("nan")
    rows = [(0, *SOUTH, 8.0), (HOUR, 133.069, 42.7485, nan),
            (1.5 * HOUR, 133.069, 42.7485 + step_m / 111_195.0, 5.0),
            (2 * HOUR, 133.069, 42.7485, 5.0), (3 * HOUR, *SOUTH, 8.0)]
    assert len(_calls(track_rows(445000001, rows))) == calls


def test_implied_speed_is_to_the_next_report_not_the_previous():
    # the report at 1.5 h has no speed: 500 m from the one before (0.540 kn over 30 min,
    # moving) but at the place of the next (0 kn, a stop): a call, 1 h inside
    nan = float("nan")
    north = 42.7485 + 500.0 / 111_195.0
    rows = [(0, *SOUTH, 8.0), (HOUR, 133.069, 42.7485, 5.0), (1.5 * HOUR, 133.069, north, nan),
            (2 * HOUR, 133.069, north, 5.0), (3 * HOUR, *SOUTH, 8.0)]
    assert len(_calls(track_rows(445000001, rows))) == 1


def test_in_port_silence_of_each_visit_at_a_fence_is_its_own():
    # two vessels, each 3 reports at 1 kn inside (moving: no stop), entered and left an hour
    # from their last report outside: vessel 1 reports hourly (longest silence 1 h), vessel 2
    # at 1 h, 6 h and 7 h (a 5 h silence, at least the 4 h of an in-port gap: +1 confidence)
    one = _berth_visit(445000001, (1, 2, 3), 1.0, 4)
    two = _berth_visit(445000002, (1, 6, 7), 1.0, 8)
    got = _calls(one, two)[["mmsi", "confidence"]].values.tolist()
    assert got == [[445000001, 3], [445000002, 4]]  # 1 + entry + exit (+ the in-port gap)


def test_a_fence_without_visits_does_not_hide_the_next_one():
    ports = make_ports(("kozmino", "terminal"))  # Kozmino first, never visited
    rows = [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)]
    rows += [(4 * HOUR, *SOUTH, 8.0)]
    calls = detect_port_calls(track_rows(445000001, rows), ports)
    assert calls["port"].tolist() == [TERM]


def test_arrival_uses_the_speed_before_the_gap_and_departure_the_speed_after():
    # before the gap: 6 kn reported 2 h and 1 h before the last report (which has none);
    # after: the first report back has none, then 6 kn 1 h and 2 h later. Measured over the
    # other side (the report alone) nothing is known: 12 kn. 6.004 nm / 6 kn = 1.0007 h.
    nan = float("nan")
    rows = [(-2 * HOUR, 133.069, 42.548, 6.0), (-HOUR, 133.069, 42.598, 6.0),
            (0, *SOUTH_6NM, nan)]
    rows += [(10 * HOUR + h * HOUR, *BERTH, 0.0) for h in range(4)]
    rows += [(24 * HOUR, *SOUTH_6NM, nan), (25 * HOUR, 133.069, 42.598, 6.0),
             (26 * HOUR, 133.069, 42.548, 6.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert ((c.arrival - T0) / pd.Timedelta(hours=1),
            (T0 + pd.Timedelta(hours=24) - c.departure) / pd.Timedelta(hours=1)) == (
        pytest.approx(1.0007, abs=1e-3), pytest.approx(1.0007, abs=1e-3))


def test_estimated_departure_is_never_before_the_last_report_inside():
    # seen again 54.0 nm south 6 h after the last report inside: 54 / 8 kn = 6.75 h > 6 h, so
    # the departure is the last report inside
    rows = [(0, *SOUTH, 8.0)] + [(h * HOUR, *BERTH, 0.0) for h in (1, 2, 3)]
    rows += [(9 * HOUR, 133.069, 41.848, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.departure_estimated, c.departure) == (True, T0 + pd.Timedelta(hours=3))


def test_approach_distance_is_inclusive():
    # the limit set to the distance of the last report before the gap, exactly
    (fence,) = fences_from_ports(PORTS)
    d_nm = float(fence.distance_nm(np.array([SOUTH_6NM[0]]), np.array([SOUTH_6NM[1]]))[0])
    rows = [(0, *SOUTH_6NM, 8.0)] + [(10 * HOUR + h * HOUR, *BERTH, 0.0) for h in range(4)]
    rows += [(24 * HOUR, *SOUTH_6NM, 8.0)]
    calls = detect_port_calls(track_rows(445000001, rows), PORTS,
                              PortCallParams(max_dark_approach_nm=d_nm))
    assert (calls["arrival_estimated"].tolist(), calls["departure_estimated"].tolist()) == (
        [True], [True])


def test_fences_keep_names_kinds_and_geometry_and_default_to_a_500_m_margin():
    ports = make_ports(("terminal", "port"))
    ports["kind"] = pd.array(["terminal", pd.NA], dtype="string")
    term, port = fences_from_ports(ports)
    # 499.5 m and 500.5 m north of the northern edge (42.756 N): 1 m = 1 / 111 195.08 deg
    north = 42.756 + np.array([499.5, 500.5]) / 111_195.08
    assert ((term.name, term.kind, port.kind), term.geometry.equals(ports.geometry.iloc[0]),
            term.near(np.array([133.069, 133.069]), north).tolist()) == (
        (TERM, "terminal", ""), True, [True, False])


def test_calls_link_the_rows_of_their_first_and_last_reports_and_run():
    # rows 0 (outside), 1 (in the margin, 222 m south), 2-4 (inside), 5 (outside)
    from vesseltrack.ports import detect_calls_at_fences
    from vesseltrack.tracks import sorted_tracks

    rows = [(0, *SOUTH, 8.0), (HOUR, 133.069, 42.746, 0.0)]
    rows += [(h * HOUR, *BERTH, 0.0) for h in (2, 3, 4)] + [(5 * HOUR, *SOUTH, 8.0)]
    calls = detect_calls_at_fences(sorted_tracks(track_rows(445000001, rows)),
                                   fences_from_ports(PORTS), PortCallParams())
    assert calls[["first_row", "last_row", "run_start_row", "run_end_row"]].values.tolist() == [
        [2, 4, 1, 4]]


def test_a_passage_is_no_call_whatever_the_later_vessels_do():
    # vessel 1 passes through for 1 h at 5 kn; vessel 2 (after it in the table) stops
    one = _berth_visit(445000001, (1, 1.5, 2), 5.0, 3)
    two = _berth_visit(445000002, (1, 2, 3), 0.0, 4)
    assert _calls(one, two)["mmsi"].tolist() == [445000002]


def test_exit_of_a_one_report_visit_seen_on_the_next_report():
    # one stopped report inside, out of the margin 1 h later, then silent 10 h: entry, exit
    # and stop seen (confidence 4), departure the report inside
    rows = [(0, *SOUTH, 8.0), (HOUR, *BERTH, 0.0), (2 * HOUR, *SOUTH, 8.0),
            (12 * HOUR, *SOUTH_6NM, 8.0)]
    (c,) = _calls(track_rows(445000001, rows)).itertuples()
    assert (c.departure, c.departure_estimated, c.confidence) == (
        T0 + pd.Timedelta(hours=1), False, 4)


def test_no_call_is_an_empty_table_with_the_call_columns_and_types():
    from vesseltrack.ports import detect_calls_at_fences
    from vesseltrack.tracks import sorted_tracks

    far = track_rows(445000001, [(0, 131.5, 40.5, 8.0), (HOUR, 131.6, 40.5, 8.0)])
    calls = detect_calls_at_fences(sorted_tracks(far), fences_from_ports(PORTS),
                                   PortCallParams())
    assert len(calls) == 0
    assert {c: str(t) for c, t in calls.dtypes.items()} == {
        "mmsi": "int64", "port": "string", "kind": "string", "evidence": "string",
        "confidence": "int64", "arrival_estimated": "bool", "departure_estimated": "bool",
        "truncated": "bool", "first_row": "int64", "last_row": "int64", "run_start_row": "int64",
        "run_end_row": "int64", "arrival": "datetime64[ns, UTC]",
        "departure": "datetime64[ns, UTC]", "duration_hours": "float64", "call_id": "string"}
