"""Encounters and dark encounters (vesseltrack/encounters.py) on hand-made grids, gap tables
and tracks with worked values: each threshold on both sides, each field of a record.

Geometry: on the sphere of radius 6,371,008.8 m one degree of latitude is 111,195.080 m, so
one nautical mile (1,852 m) is 0.0166554131 deg of latitude, 10 nm 0.166554131 deg, 20 nm
0.333108263 deg, 30 nm 0.499662394 deg; 0.002698 deg of latitude is 300.0043 m. One degree
of longitude is 111,195.080 * cos(lat) m: 55,597.540 m at 60 N, 92,184.899 m at 34 N.
T0 (2024-03-01T00:00Z) is 1,709,251,200 s after the epoch = 2,848,752 steps of 600 s (K0).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tests._builders import T0, dark_to, make_positions, make_statics, make_track, stay
from vesseltrack.encounters import (
    ENCOUNTER_COLUMNS,
    AtSeaResult,
    detect_at_sea,
    detect_encounters,
    far_from_fences,
    fences_of,
    find_dark_encounters,
    find_encounters,
)
from vesseltrack.params import (
    AtSeaParams,
    DarkEncounterParams,
    EncounterParams,
    GapParams,
    GridParams,
    SegmentParams,
    SpeedParams,
    TrackParams,
)
from vesseltrack.ports import fences_from_ports

K0 = 2_848_752
T0S = 1_709_251_200.0
NM_LAT = 0.0166554131      # one nautical mile of latitude, deg
NORTH_300M = 0.002698      # 300.0043 m of latitude
P = (124.0, 34.0)
A, B = 413000002, 445000001
HOUR = pd.Timedelta(hours=1)


def vessel(mmsi, steps, speed, lon=P[0], lat=P[1]):
    n = len(steps)
    return pd.DataFrame({"mmsi": np.full(n, mmsi, "int64"), "step": np.asarray(steps, "int64"),
                         "lon": np.broadcast_to(np.asarray(lon, float), (n,)).copy(),
                         "lat": np.broadcast_to(np.asarray(lat, float), (n,)).copy(),
                         "speed_knots": np.broadcast_to(np.asarray(speed, float), (n,)).copy()})


def grid_of(*vessels: pd.DataFrame, step_s: float | None = 600.0) -> pd.DataFrame:
    g = pd.concat(vessels, ignore_index=True)
    if step_s is not None:
        g.attrs["step_s"] = step_s
    return g


def pair(steps, speed_a=0.4, speed_b=0.6, north=NORTH_300M, step_s: float | None = 600.0):
    """B (listed first) at P, A ``north`` deg north of it, at the same steps."""
    return grid_of(vessel(B, steps, speed_b), vessel(A, steps, speed_a, lat=P[1] + north),
                   step_s=step_s)


def steps(first, last):
    return list(range(K0 + first, K0 + last + 1))


def found_pairs(enc: pd.DataFrame) -> list[tuple[int, int, float, float]]:
    return [(int(r.mmsi_a), int(r.mmsi_b), r.start_s - T0S, r.end_s - T0S)
            for r in enc.itertuples()]


def fence_box(x0, y0, x1, y1, name="anchorage"):
    return fences_from_ports(pd.DataFrame({"name": [name], "kind": ["anchorage"],
                                           "geometry": [box(x0, y0, x1, y1)]}))


# --------------------------------------------------------------------------------------------
# fences


def test_a_point_4_9_nm_east_of_a_fence_at_60_north_is_near_it():
    # the fence spans lon 10.0 .. 10.1 at 60 N; 4.9 nm = 9,074.8 m = 0.163223 deg of
    # longitude at 60 N (55,597.54 m a degree): beyond the 5.4 / 60 * 1.05 = 0.0945 deg margin
    # unless the margin is widened by 1 / cos(60 deg)
    fences = fence_box(10.0, 59.95, 10.1, 60.05)
    far = far_from_fences(np.array([10.1 + 0.163223]), np.array([60.0]), fences, 5.4)
    assert far.tolist() == [False]


def test_a_point_5_5_nm_east_of_a_fence_at_60_north_is_far_from_it():
    # 5.5 nm = 0.183210 deg of longitude at 60 N
    fences = fence_box(10.0, 59.95, 10.1, 60.05)
    far = far_from_fences(np.array([10.1 + 0.183210]), np.array([60.0]), fences, 5.4)
    assert far.tolist() == [True]


def test_points_north_of_a_fence_are_near_within_the_distance_and_far_beyond():
    # 5.3 nm north = 0.088274 deg, 5.5 nm north = 0.091605 deg of latitude
    fences = fence_box(124.0, 33.9, 124.1, 34.0)
    far = far_from_fences(np.array([124.05, 124.05]), np.array([34.088274, 34.091605]),
                          fences, 5.4)
    assert far.tolist() == [False, True]


def test_a_point_is_near_when_near_any_of_several_fences():
    # near the second fence only (1 nm north of it), far from the first (about 1 deg away)
    fences = fence_box(122.9, 33.9, 123.0, 34.0) + fence_box(124.0, 33.9, 124.1, 34.0)
    far = far_from_fences(np.array([124.05]), np.array([34.0 + NM_LAT]), fences, 5.4)
    assert far.tolist() == [False]


def test_without_fences_every_point_is_far():
    assert far_from_fences(np.array([124.0, 125.0]), np.array([34.0, 34.0]), [], 5.4).tolist() == [
        True, True]


def test_fences_of_nothing_is_no_fence():
    assert fences_of(None) == []


def test_fences_of_a_list_is_that_list():
    fences = fence_box(124.0, 33.9, 124.1, 34.0)
    assert fences_of(fences) is fences


def test_fences_of_a_ports_table_have_a_500_m_exit_margin_by_default():
    # 500.5 m at 34 N's 92,184.899 m a degree of longitude is 500.8 m at 33.95 N (cos 33.95 /
    # cos 34 = 1.000589): beyond the default 500 m margin (within 501 m); 499.0 m is within it
    ports = pd.DataFrame({"name": ["a"], "kind": ["port"], "geometry": [box(124.0, 33.9, 124.1, 34.0)]})
    fence = fences_of(ports)[0]
    near = fence.near(124.1 + np.array([499.0, 500.5]) / 92_184.899, np.array([33.95, 33.95]))
    assert near.tolist() == [True, False]


def test_fences_of_a_ports_table_are_built_with_the_exit_margin():
    # a 1,000 m margin: a point 900 m east of the fence is near it, as the built fence says
    ports = pd.DataFrame({"name": ["a"], "kind": ["port"], "geometry": [box(124.0, 33.9, 124.1, 34.0)]})
    fence = fences_of(ports, exit_margin_m=1000.0)[0]
    assert bool(fence.near(np.array([124.1 + 900.0 / 92_184.899]), np.array([33.95]))[0]) is True


# --------------------------------------------------------------------------------------------
# visible encounters on a grid


def test_an_encounter_record_on_the_grid():
    # steps 0 .. 12 (2.0 h), 300.0043 m apart, speeds 0.4 and 0.6 (mean 0.5); A < B; the
    # position is the midpoint 34 + 0.002698 / 2 = 34.001349
    enc = find_encounters(pair(steps(0, 12)), [], EncounterParams())
    r = enc.iloc[0]
    assert (len(enc), int(r.mmsi_a), int(r.mmsi_b), r.start_s, r.end_s, r.duration_hours,
            r.lon, round(r.lat, 9), round(r.median_distance_m, 3), r.median_speed_knots) == (
        1, A, B, K0 * 600.0, (K0 + 12) * 600.0, 2.0, 124.0, 34.001349, 300.004, 0.5)


def test_two_hours_less_one_step_together_is_not_an_encounter():
    assert len(find_encounters(pair(steps(0, 11)), [], EncounterParams())) == 0


def test_a_median_speed_of_exactly_the_limit_is_not_an_encounter():
    # (1.5 + 2.5) / 2 = 2.0 kn, not below 2.0
    assert len(find_encounters(pair(steps(0, 12), 1.5, 2.5), [], EncounterParams())) == 0


def test_a_median_speed_just_under_the_limit_is_an_encounter():
    # (1.5 + 2.48) / 2 = 1.99 kn
    enc = find_encounters(pair(steps(0, 12), 1.5, 2.48), [], EncounterParams())
    assert enc["median_speed_knots"].round(9).tolist() == [1.99]


def test_an_instant_at_exactly_the_point_speed_limit_is_part_of_the_encounter():
    # A at 5.0 kn at step 12 only: kept (<= 5), the encounter 0 .. 12 lasts 2 h
    speeds = np.r_[np.full(12, 0.4), 5.0]
    enc = find_encounters(pair(steps(0, 12), speed_a=speeds), [], EncounterParams())
    assert enc["duration_hours"].tolist() == [2.0]


def test_an_instant_over_the_point_speed_limit_is_left_out():
    # A at 5.01 kn at step 12: the encounter is 0 .. 11, 1.83 h, too short
    speeds = np.r_[np.full(12, 0.4), 5.01]
    assert len(find_encounters(pair(steps(0, 12), speed_a=speeds), [], EncounterParams())) == 0


def test_vessels_exactly_within_the_distance_meet():
    # 300.0043 m apart, limit 300.01 m
    enc = find_encounters(pair(steps(0, 12)), [], EncounterParams(max_distance_m=300.01))
    assert len(enc) == 1


def test_vessels_just_beyond_the_distance_do_not_meet():
    # 300.0043 m apart, limit 299.99 m
    assert len(find_encounters(pair(steps(0, 12)), [], EncounterParams(max_distance_m=299.99))) == 0


def test_a_break_of_exactly_the_longest_allowed_joins_the_encounter():
    # steps 0 .. 5 and 8 .. 12: a break of 3 steps = 30 min: one encounter of 2 h
    enc = find_encounters(pair([*steps(0, 5), *steps(8, 12)]), [], EncounterParams())
    assert found_pairs(enc) == [(A, B, 0.0, 7200.0)]


def test_a_break_longer_than_allowed_splits_the_encounter():
    # steps 0 .. 12 and 16 .. 28: a break of 4 steps = 40 min: two encounters of 2 h
    enc = find_encounters(pair([*steps(0, 12), *steps(16, 28)]), [], EncounterParams())
    assert found_pairs(enc) == [(A, B, 0.0, 7200.0), (A, B, 9600.0, 16800.0)]


def test_the_longest_break_is_a_parameter():
    # the 40-minute break joins under a 40-minute limit: one encounter 0 .. 28 steps
    enc = find_encounters(pair([*steps(0, 12), *steps(16, 28)]), [],
                          EncounterParams(max_break_minutes=40.0))
    assert found_pairs(enc) == [(A, B, 0.0, 16800.0)]


def test_the_grid_step_is_read_from_the_grid():
    # steps of 300 s: 0 .. 24 is 2 h, start at step * 300 s; a break of 6 steps is 30 min
    g = pair([K0 * 2 + k for k in (*range(10), *range(15, 25))], step_s=300.0)
    enc = find_encounters(g, [], EncounterParams())
    assert found_pairs(enc) == [(A, B, 0.0, 7200.0)]


def test_a_grid_without_a_step_uses_the_parameters_grid():
    # no step recorded: 5 minutes from EncounterParams.grid; steps 0 .. 24 of 300 s = 2 h
    g = pair([K0 * 2 + k for k in range(25)], step_s=None)
    enc = find_encounters(g, [], EncounterParams(grid=GridParams(step_minutes=5)))
    assert found_pairs(enc) == [(A, B, 0.0, 7200.0)]


def test_two_keys_of_one_vessel_never_meet():
    # grid keys 0 and 1 both belong to MMSI 7
    g = grid_of(vessel(0, steps(0, 12), 0.5), vessel(1, steps(0, 12), 0.5, lat=P[1] + NORTH_300M))
    assert len(find_encounters(g, [], EncounterParams(), owner=np.array([7, 7]))) == 0


def test_keys_of_two_vessels_meet():
    g = grid_of(vessel(0, steps(0, 12), 0.5), vessel(1, steps(0, 12), 0.5, lat=P[1] + NORTH_300M))
    enc = find_encounters(g, [], EncounterParams(), owner=np.array([7, 8]))
    assert found_pairs(enc) == [(0, 1, 0.0, 7200.0)]


def test_three_vessels_together_are_three_encounters_ordered_by_mmsi():
    g = grid_of(vessel(3, steps(0, 12), 0.5), vessel(1, steps(0, 12), 0.5, lat=P[1] + NORTH_300M),
                vessel(2, steps(0, 12), 0.5, lat=P[1] + NORTH_300M / 2))
    enc = find_encounters(g, [], EncounterParams())
    assert found_pairs(enc) == [(1, 2, 0.0, 7200.0), (1, 3, 0.0, 7200.0), (2, 3, 0.0, 7200.0)]


def test_encounters_are_ordered_by_start():
    # vessels 1 and 2 meet at steps 20 .. 32, vessels 3 and 4 (2 deg away) at steps 0 .. 12
    g = grid_of(vessel(1, steps(20, 32), 0.5), vessel(2, steps(20, 32), 0.5, lat=P[1] + NORTH_300M),
                vessel(3, steps(0, 12), 0.5, lon=126.0),
                vessel(4, steps(0, 12), 0.5, lon=126.0, lat=P[1] + NORTH_300M))
    enc = find_encounters(g, [], EncounterParams())
    assert found_pairs(enc) == [(3, 4, 0.0, 7200.0), (1, 2, 12000.0, 19200.0)]


def test_the_median_distance_and_position_of_an_encounter():
    # 13 instants: A 300.0043 m north for 7 of them, 150.0022 m north for 6: median 300.0043 m,
    # median latitude of the midpoints 34 + 0.002698 / 2 = 34.001349
    north = np.r_[np.full(7, NORTH_300M), np.full(6, NORTH_300M / 2)]
    g = grid_of(vessel(B, steps(0, 12), 0.5), vessel(A, steps(0, 12), 0.5, lat=P[1] + north))
    r = find_encounters(g, [], EncounterParams()).iloc[0]
    assert (round(r.median_distance_m, 3), round(r.lat, 9)) == (300.004, 34.001349)


def test_instants_near_a_fence_are_not_an_encounter():
    # a fence whose east side is 0.05 deg (4,609 m, 2.5 nm) west of the pair: within 5.4 nm
    fences = fence_box(123.9, 33.9, 123.95, 34.1)
    assert len(find_encounters(pair(steps(0, 12)), fences, EncounterParams())) == 0


def test_the_fence_distance_is_a_parameter():
    # the same fence 2.5 nm away is beyond a 2 nm limit
    fences = fence_box(123.9, 33.9, 123.95, 34.1)
    enc = find_encounters(pair(steps(0, 12)), fences, EncounterParams(min_fence_distance_nm=2.0))
    assert len(enc) == 1


# --------------------------------------------------------------------------------------------
# dark encounters on a grid and a gap table


def gaps_table(rows, index=None):
    """Gaps from (mmsi, start h, end h, start lon, start lat, end lon, end lat[, hours])."""
    out = []
    for r in rows:
        mmsi, h0, h1, slon, slat, elon, elat = r[:7]
        out.append({"mmsi": mmsi, "start": T0 + pd.Timedelta(hours=h0),
                    "end": T0 + pd.Timedelta(hours=h1),
                    "duration_hours": r[7] if len(r) > 7 else h1 - h0,
                    "start_lon": slon, "start_lat": slat, "end_lon": elon, "end_lat": elat})
    frame = pd.DataFrame(out, index=index)
    frame["start"] = frame["start"].astype("datetime64[ns, UTC]")
    frame["end"] = frame["end"].astype("datetime64[ns, UTC]")
    return frame


def waiting(mmsi=B, hours=10, lon=P[0], lat=P[1], speed=0.3):
    """A vessel slow at (lon, lat) from T0 for ``hours`` (steps of 600 s)."""
    return vessel(mmsi, steps(0, hours * 6), speed, lon=lon, lat=lat)


def empty_grid():
    return grid_of(vessel(B, [], 0.0))


def dark_rows(grid, gaps, params=None, owner=None):
    out = find_dark_encounters(grid, gaps, [], params or AtSeaParams(), owner)
    return [(int(r.mmsi_a), int(r.mmsi_b), r.start_s - T0S, r.end_s - T0S, int(r.dark_vessels))
            for r in out.itertuples()]


def test_a_one_dark_encounter_record():
    # B waits 10 h at P (0.3 kn); A's gap 1.5 h .. 9.5 h from 20 nm south to 20 nm north of P:
    # (20 + 20) nm / 12 kn = 3.33 h + 2 h <= 8 h; the gap is row label 5
    gaps = gaps_table([(A, 1.5, 9.5, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 20 * NM_LAT)],
                      index=[5])
    out = find_dark_encounters(grid_of(waiting()), gaps, [], AtSeaParams())
    r = out.iloc[0]
    assert (len(out), int(r.mmsi_a), int(r.mmsi_b), r.start_s - T0S, r.end_s - T0S,
            r.duration_hours, r.lon, r.lat, round(r.median_speed_knots, 9), int(r.dark_vessels),
            int(r.gap_a), int(r.gap_b), r.run_start_s - T0S, r.run_end_s - T0S) == (
        1, B, A, 5400.0, 34200.0, 8.0, 124.0, 34.0, 0.3, 1, -1, 5, 0.0, 36000.0)


def test_a_gap_of_exactly_the_gap_rule_can_hide_a_meeting():
    # 6.0 h (the gap rule's 6 h), 10 nm each side: 20 / 12 = 1.67 h + 2 h <= 6 h
    gaps = gaps_table([(A, 1.0, 7.0, P[0], P[1] - 10 * NM_LAT, P[0], P[1] + 10 * NM_LAT)])
    assert dark_rows(grid_of(waiting()), gaps) == [(B, A, 3600.0, 25200.0, 1)]


def test_a_silence_shorter_than_the_gap_rule_hides_nothing():
    gaps = gaps_table([(A, 1.0, 7.0, P[0], P[1] - 10 * NM_LAT, P[0], P[1] + 10 * NM_LAT, 5.99)])
    assert dark_rows(grid_of(waiting()), gaps) == []


@pytest.mark.parametrize("reach_nm, expected", [(20.01, 1), (19.99, 0)])
def test_the_gap_start_must_lie_within_the_approach_distance(reach_nm, expected):
    # start 20 nm south, end 10 nm north of the waiting vessel
    gaps = gaps_table([(A, 1.0, 9.0, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 10 * NM_LAT)])
    params = AtSeaParams(dark=DarkEncounterParams(max_approach_nm=reach_nm))
    assert len(dark_rows(grid_of(waiting()), gaps, params)) == expected


@pytest.mark.parametrize("reach_nm, expected", [(20.01, 1), (19.99, 0)])
def test_the_gap_end_must_lie_within_the_approach_distance(reach_nm, expected):
    # start 10 nm south, end 20 nm north of the waiting vessel
    gaps = gaps_table([(A, 1.0, 9.0, P[0], P[1] - 10 * NM_LAT, P[0], P[1] + 20 * NM_LAT)])
    params = AtSeaParams(dark=DarkEncounterParams(max_approach_nm=reach_nm))
    assert len(dark_rows(grid_of(waiting()), gaps, params)) == expected


@pytest.mark.parametrize("gap_start_s, expected", [(28800, 1), (28801, 0)])
def test_the_gap_must_overlap_the_wait_by_the_encounter_duration(gap_start_s, expected):
    # the wait ends at 10 h; a gap from 8 h (overlap 2 h: enough) or 8 h + 1 s (2 h - 1 s),
    # 8 h long, 10 nm each side (1.67 h of sailing)
    h0 = gap_start_s / 3600.0
    gaps = gaps_table([(A, h0, h0 + 8.0, P[0], P[1] - 10 * NM_LAT, P[0], P[1] + 10 * NM_LAT)])
    assert len(dark_rows(grid_of(waiting()), gaps)) == expected


@pytest.mark.parametrize("gap_s, expected", [(25201, 1), (25199, 0)])
def test_the_gap_must_leave_time_to_sail_in_stay_and_sail_out(gap_s, expected):
    # 30 nm each side (reach 40 nm): 60 nm / 12 kn = 5 h + 2 h alongside = 25,200 s
    gaps = gaps_table([(A, 1.0, 1.0 + gap_s / 3600.0, P[0], P[1] - 30 * NM_LAT,
                        P[0], P[1] + 30 * NM_LAT)])
    params = AtSeaParams(dark=DarkEncounterParams(max_approach_nm=40.0))
    assert len(dark_rows(grid_of(waiting()), gaps, params)) == expected


def test_the_sailing_speed_through_a_gap_is_a_parameter():
    # at 10 kn: 60 nm take 6 h + 2 h = 8 h > the 7 h gap
    gaps = gaps_table([(A, 1.0, 8.0, P[0], P[1] - 30 * NM_LAT, P[0], P[1] + 30 * NM_LAT)])
    params = AtSeaParams(dark=DarkEncounterParams(max_approach_nm=40.0,
                                                  speed=SpeedParams(max_speed_knots=10.0)))
    assert dark_rows(grid_of(waiting()), gaps, params) == []


def test_the_gap_rule_is_a_parameter():
    # a 5-hour gap under a 4-hour rule: 20 / 12 = 1.67 h + 2 h <= 5 h
    gaps = gaps_table([(A, 1.0, 6.0, P[0], P[1] - 10 * NM_LAT, P[0], P[1] + 10 * NM_LAT)])
    params = AtSeaParams(dark=DarkEncounterParams(gaps=GapParams(min_gap_hours=4.0)))
    assert dark_rows(grid_of(waiting()), gaps, params) == [(B, A, 3600.0, 21600.0, 1)]


def test_a_vessel_does_not_meet_itself_through_its_own_gap():
    gaps = gaps_table([(B, 1.5, 9.5, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 20 * NM_LAT)])
    assert dark_rows(grid_of(waiting()), gaps) == []


def test_two_keys_of_one_mmsi_do_not_meet_through_a_gap():
    # key 0 waits, key 1 is dark; both are MMSI 7
    gaps = gaps_table([(1, 1.5, 9.5, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 20 * NM_LAT)])
    assert dark_rows(grid_of(waiting(mmsi=0)), gaps, owner=np.array([7, 7])) == []


def test_the_waiting_vessel_with_the_shortest_detour_is_kept():
    # A (the lower MMSI) waits 5 nm east of the gap's straight line: detour 2 * sqrt(20^2 +
    # 5^2) = 41.2 nm; B waits on it: 40 nm. The gap's vessel is 352000003
    east_5nm = 5 * 1852 / 92_184.899
    gaps = gaps_table([(352000003, 1.5, 9.5, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 20 * NM_LAT)])
    g = grid_of(waiting(A, lon=P[0] + east_5nm), waiting(B))
    assert dark_rows(g, gaps) == [(B, 352000003, 5400.0, 34200.0, 1)]


def both_dark_gaps(h0=(1.0, 2.0), h1=(10.0, 11.0), north_nm=(3.0, 3.0)):
    # B's gap (listed first, label 3) and A's (label 8, its ends north_nm north of B's): from
    # 20 nm west of P to 20 nm east
    west, east = P[0] - 0.401797, P[0] + 0.401797
    return gaps_table([(B, h0[0], h1[0], west, P[1], east, P[1]),
                       (A, h0[1], h1[1], west, P[1] + north_nm[0] * NM_LAT,
                        east, P[1] + north_nm[1] * NM_LAT)], index=[3, 8])


def test_a_both_dark_encounter_record():
    # overlap 2 h .. 10 h; the position is the mean of the four ends: lon 124.0,
    # lat 34 + (3 + 3) nm / 4 = 34 + 1.5 * 0.0166554131 = 34.02498312
    out = find_dark_encounters(empty_grid(), both_dark_gaps(), [], AtSeaParams())
    r = out.iloc[0]
    assert (len(out), int(r.mmsi_a), int(r.mmsi_b), r.start_s - T0S, r.end_s - T0S,
            r.duration_hours, round(r.lon, 9), round(r.lat, 8), np.isnan(r.median_speed_knots),
            int(r.dark_vessels), int(r.gap_a), int(r.gap_b), np.isnan(r.run_start_s),
            np.isnan(r.run_end_s)) == (
        1, A, B, 7200.0, 36000.0, 8.0, 124.0, 34.02498312, True, 2, 8, 3, True, True)


@pytest.mark.parametrize("b_start_h, expected", [(8.0, 1), (8.0 + 1 / 3600, 0)])
def test_two_gaps_must_overlap_by_the_encounter_duration(b_start_h, expected):
    # B's gap ends at 10 h; A's starts at 8 h (overlap 2 h) or 1 s later
    gaps = both_dark_gaps(h0=(1.0, b_start_h), h1=(10.0, 16.0))
    assert len(dark_rows(empty_grid(), gaps)) == expected


@pytest.mark.parametrize("reach_nm, expected", [(5.01, 1), (4.99, 0)])
def test_two_gaps_must_start_within_the_approach_distance(reach_nm, expected):
    # starts 5 nm apart, ends 3 nm apart
    gaps = both_dark_gaps(north_nm=(5.0, 3.0))
    params = AtSeaParams(dark=DarkEncounterParams(max_approach_nm=reach_nm))
    assert len(dark_rows(empty_grid(), gaps, params)) == expected


@pytest.mark.parametrize("reach_nm, expected", [(5.01, 1), (4.99, 0)])
def test_two_gaps_must_end_within_the_approach_distance(reach_nm, expected):
    # starts 3 nm apart, ends 5 nm apart
    gaps = both_dark_gaps(north_nm=(3.0, 5.0))
    params = AtSeaParams(dark=DarkEncounterParams(max_approach_nm=reach_nm))
    assert len(dark_rows(empty_grid(), gaps, params)) == expected


def test_two_gaps_of_one_vessel_are_not_a_both_dark_encounter():
    gaps = both_dark_gaps().assign(mmsi=[0, 1])
    assert dark_rows(empty_grid(), gaps, owner=np.array([7, 7])) == []


def test_a_gap_that_met_a_waiting_vessel_is_not_also_a_both_dark_encounter():
    # B waits 0 .. 6 h; A's gap 1 .. 9 h meets it (overlap 5 h); C's gap 5 .. 13 h overlaps
    # A's by 4 h (starts and ends 3 nm apart) but the wait by 1 h only: one row, B with A
    west, east = P[0] - 0.401797, P[0] + 0.401797
    gaps = gaps_table([(A, 1.0, 9.0, west, P[1], east, P[1]),
                       (352000003, 5.0, 13.0, west, P[1] + 3 * NM_LAT, east, P[1] + 3 * NM_LAT)])
    assert dark_rows(grid_of(waiting(hours=6)), gaps) == [(B, A, 3600.0, 21600.0, 1)]


def test_one_dark_and_both_dark_encounters_are_ordered_by_start():
    # B waits 0 .. 10 h at P and A's gap 4 .. 10 h passes it; 352000003 and 352000004 are dark
    # together 2 .. 10 h 2 deg of latitude north
    north = 2.0
    west, east = P[0] - 0.401797, P[0] + 0.401797
    gaps = gaps_table([(A, 4.0, 10.0, P[0], P[1] - 10 * NM_LAT, P[0], P[1] + 10 * NM_LAT),
                       (352000003, 1.0, 10.0, west, P[1] + north, east, P[1] + north),
                       (352000004, 2.0, 11.0, west, P[1] + north + 3 * NM_LAT,
                        east, P[1] + north + 3 * NM_LAT)])
    assert dark_rows(grid_of(waiting()), gaps) == [(352000003, 352000004, 7200.0, 36000.0, 2),
                                                   (B, A, 14400.0, 36000.0, 1)]


def test_no_gap_gives_an_empty_table_with_the_columns():
    gaps = gaps_table([(A, 1.0, 2.0, P[0], P[1], P[0], P[1])]).iloc[:0]
    out = find_dark_encounters(grid_of(waiting()), gaps, [], AtSeaParams())
    assert (len(out), list(out.columns)) == (0, [
        "mmsi_a", "mmsi_b", "start_s", "end_s", "duration_hours", "lon", "lat",
        "median_speed_knots", "dark_vessels", "gap_a", "gap_b", "run_start_s", "run_end_s"])


def test_a_vessel_waiting_near_a_fence_is_not_met_in_the_dark():
    # the fence's east side 0.05 deg (2.5 nm) west of the waiting vessel
    gaps = gaps_table([(A, 1.5, 9.5, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 20 * NM_LAT)])
    fences = fence_box(123.9, 33.9, 123.95, 34.1)
    assert len(find_dark_encounters(grid_of(waiting()), gaps, fences, AtSeaParams())) == 0


# --------------------------------------------------------------------------------------------
# the encounters table


def drifting_pair(hours=3.0, t0=T0):
    """B at P and A 300 m north of it, drifting at 0.5 kn for ``hours`` from ``t0``."""
    return make_positions(make_track(B, P, [stay(hours, 0.5)], t0=t0),
                          make_track(A, (P[0], P[1] + NORTH_300M), [stay(hours, 0.5)], t0=t0))


def test_an_encounter_row_of_the_table():
    statics = make_statics([(A, T0, 5.0), (B, T0, 7.0)], name="ONE")
    r = detect_encounters(drifting_pair(), statics).iloc[0]
    assert (r.encounter_id, r.name_a, r.name_b, r.flag_a, r.flag_b, r.evidence,
            int(r.dark_vessels), round(r.median_distance_m, 3), r.median_speed_knots) == (
        f"{A}-{B}-20240301T0000", "ONE", "ONE", "CN", "KP", "ais", 0, 300.004, 0.5)


def test_the_encounter_id_carries_the_start_to_the_minute():
    enc = detect_encounters(drifting_pair(t0=T0 + pd.Timedelta(hours=13, minutes=40)))
    assert enc["encounter_id"].tolist() == [f"{A}-{B}-20240301T1340"]


def test_an_encounter_table_has_its_columns_and_types_when_empty():
    enc = detect_encounters(drifting_pair(hours=1.0))
    assert (len(enc), tuple(enc.columns), [str(d) for d in enc.dtypes]) == (
        0, ENCOUNTER_COLUMNS,
        ["string", "int64", "int64", "string", "string", "string", "string",
         "datetime64[ns, UTC]", "datetime64[ns, UTC]", "float64", "float64", "float64", "float64",
         "float64", "string", "float64", "float64", "int64"])


def test_an_empty_encounter_table_with_statics_has_float_draught_changes():
    # one hour alongside is too short: no encounter, so no vessel to look a draught up for
    statics = make_statics([(A, T0, 5.0), (B, T0, 7.0)])
    enc = detect_encounters(drifting_pair(hours=1.0), statics)
    assert (len(enc), str(enc["draught_change_a_m"].dtype), str(enc["draught_change_b_m"].dtype)) == (
        0, "float64", "float64")


def test_an_encounter_table_has_its_columns_and_types():
    enc = detect_encounters(drifting_pair())
    assert (tuple(enc.columns), [str(d) for d in enc.dtypes]) == (
        ENCOUNTER_COLUMNS,
        ["string", "int64", "int64", "string", "string", "string", "string",
         "datetime64[ns, UTC]", "datetime64[ns, UTC]", "float64", "float64", "float64", "float64",
         "float64", "string", "float64", "float64", "int64"])


def test_without_statics_the_draught_changes_are_missing():
    enc = detect_encounters(drifting_pair())
    assert (enc["draught_change_a_m"].isna().tolist(), enc["draught_change_b_m"].isna().tolist()) == (
        [True], [True])


@pytest.mark.parametrize("after_h, expected", [(3.0 + 47.0, -2.0), (3.0 + 49.0, 0.0)])
def test_the_draught_change_counts_reports_up_to_the_window_after_the_end(after_h, expected):
    # A 6.0 m before; 4.0 m reported 47 h after the end (03:00): in effect 48 h after it,
    # -2.0; 49 h after: not yet, 6.0 - 6.0 = 0.0
    statics = make_statics([(A, T0 - HOUR, 6.0), (A, T0 + pd.Timedelta(hours=after_h), 4.0)])
    enc = detect_encounters(drifting_pair(), statics)
    assert enc["draught_change_a_m"].tolist() == [expected]


def test_the_draught_window_is_a_parameter():
    # 4.0 m 47 h after the end is beyond a 24-hour window: 6.0 - 6.0 = 0.0
    statics = make_statics([(A, T0 - HOUR, 6.0), (A, T0 + pd.Timedelta(hours=50), 4.0)])
    enc = detect_encounters(drifting_pair(), statics, params=EncounterParams(draught_window_hours=24))
    assert enc["draught_change_a_m"].tolist() == [0.0]


def test_the_draught_in_effect_at_the_start_is_the_last_one_reported_before_it():
    # B: 7.04 m at T0 - 1 h, 9.0 m at T0 + 1 h (during the encounter): 9.0 - 7.04 = 1.96,
    # rounded to AIS's 0.1 m: 2.0
    statics = make_statics([(B, T0 - HOUR, 7.04), (B, T0 + HOUR, 9.0)])
    enc = detect_encounters(drifting_pair(), statics)
    assert enc["draught_change_b_m"].tolist() == [2.0]


def test_encounters_record_their_parameters():
    params = EncounterParams(max_distance_m=400.0)
    assert detect_encounters(drifting_pair(), params=params).attrs["params"] == asdict(params)


def test_encounters_are_measured_on_the_parameters_grid():
    # a 3-hour grid step: instants 00:00 and 03:00 only, 3 h apart, more than the 30-minute
    # break: no run reaches 2 h
    params = EncounterParams(grid=GridParams(step_minutes=180, max_interpolation_hours=4))
    assert len(detect_encounters(drifting_pair(), params=params)) == 0


def test_encounters_keep_away_from_the_given_ports():
    ports = pd.DataFrame({"name": ["a"], "kind": ["anchorage"],
                          "geometry": [box(123.9, 33.9, 123.95, 34.1)]})
    assert len(detect_encounters(drifting_pair(), ports=ports)) == 0


# --------------------------------------------------------------------------------------------
# the at-sea job


@pytest.fixture
def shore_far(monkeypatch):
    """Every loitering run 50 nm from shore (no coastline read)."""
    monkeypatch.setattr("vesseltrack.shore.shore_distance_nm",
                        lambda lon, lat, *a, **k: np.full(len(lon), 50.0))


@pytest.mark.parametrize("since, expected", [(T0 + 3 * HOUR, 1),
                                             (T0 + 3 * HOUR + pd.Timedelta(seconds=1), 0)])
def test_an_encounter_ending_at_since_is_kept(shore_far, since, expected):
    # the encounter is T0 .. T0 + 3 h
    assert len(detect_at_sea(drifting_pair(), since=since).encounters) == expected


@pytest.mark.parametrize("until, expected", [(T0, 1), (T0 - pd.Timedelta(seconds=1), 0)])
def test_an_encounter_starting_at_until_is_kept(shore_far, until, expected):
    assert len(detect_at_sea(drifting_pair(), until=until).encounters) == expected


@pytest.mark.parametrize("since, expected", [(T0 + 6 * HOUR, 1),
                                             (T0 + 6 * HOUR + pd.Timedelta(seconds=1), 0)])
def test_loitering_ending_at_since_is_kept(shore_far, since, expected):
    # one vessel adrift T0 .. T0 + 6 h
    pos = make_positions(make_track(B, P, [stay(6.0, 0.5)]))
    assert len(detect_at_sea(pos, since=since).loitering) == expected


@pytest.mark.parametrize("until, expected", [(T0, 1), (T0 - pd.Timedelta(seconds=1), 0)])
def test_loitering_starting_at_until_is_kept(shore_far, until, expected):
    pos = make_positions(make_track(B, P, [stay(6.0, 0.5)]))
    assert len(detect_at_sea(pos, until=until).loitering) == expected


def test_a_window_ending_before_it_starts_is_refused(shore_far):
    with pytest.raises(ValueError, match="after until"):
        detect_at_sea(drifting_pair(), since=T0 + HOUR, until=T0)


def test_a_window_of_one_instant_is_accepted(shore_far):
    # since = until = T0: the encounter T0 .. T0 + 3 h touches it
    assert len(detect_at_sea(drifting_pair(), since=T0, until=T0).encounters) == 1


def dark_scene():
    """B drifts 10 h at P; A reports 30 min 20 nm west of P from T0 + 1 h, is dark 8 h and
    reappears 20 nm east; C and D (2 deg north) drift together 3 h from T0 + 12 h."""
    west = (P[0] - 0.401797, P[1])
    waiting_b = make_track(B, P, [stay(10.0, 0.3)])
    dark_a = make_track(A, west, [stay(0.5, 10.0), dark_to(P[0] + 0.401797, P[1], 8.0),
                                  stay(0.5, 10.0)], t0=T0 + HOUR)
    later = T0 + 12 * HOUR
    c = make_track(352000003, (P[0], P[1] + 2.0), [stay(3.0, 0.5)], t0=later)
    d = make_track(352000004, (P[0], P[1] + 2.0 + NORTH_300M), [stay(3.0, 0.5)], t0=later)
    return make_positions(waiting_b, dark_a, c, d)


def test_the_at_sea_job_orders_visible_and_dark_encounters_by_start(shore_far):
    enc = detect_at_sea(dark_scene()).encounters
    assert list(zip(enc["mmsi_a"], enc["mmsi_b"], enc["evidence"], strict=True)) == [
        (B, A, "ais-gap"), (352000003, 352000004, "ais")]


def test_a_dark_vessel_draught_change_is_the_one_across_its_gap(shore_far):
    # A: 8.0 m before its gap (01:00), 12.04 m reported at its reappearance (09:30): +4.04,
    # rounded 4.0 (its gap is row 0 of the gaps table); not the encounter's window, which
    # would see 10.0 m reported at 20:00 (+2.0); B (visible): 5.0 m throughout, 0.0
    statics = make_statics([(A, T0 + HOUR, 8.0), (A, T0 + pd.Timedelta(hours=9.5), 12.04),
                            (A, T0 + pd.Timedelta(hours=20), 10.0), (B, T0 - HOUR, 5.0)])
    enc = detect_at_sea(dark_scene(), statics).encounters
    dark = enc.loc[enc["evidence"] == "ais-gap"].iloc[0]
    assert (dark["draught_change_a_m"], dark["draught_change_b_m"]) == (0.0, 4.0)


def test_the_at_sea_job_records_its_parameters(shore_far):
    params = AtSeaParams(encounters=EncounterParams(max_distance_m=400.0))
    result = detect_at_sea(drifting_pair(), params=params)
    assert (result.params, result.encounters.attrs["params"],
            result.loitering.attrs["params"]) == (
        params.record(), params.record(), params.record()["loitering"])


@pytest.mark.parametrize("segments", [None, SegmentParams()])
def test_the_at_sea_job_cleans_tracks_with_its_track_parameters(shore_far, segments):
    # A's report at T0 + 1 h is 3000 m north of its place (10 * NORTH_300M), back 10 min
    # later: 1.62 nm each way in 10 min, 9.7 kn. Under a 5 kn jump limit it is dropped and
    # A's instant at T0 + 1 h is interpolated at its place (300 m from B): one encounter
    # T0 .. T0 + 3 h. Under the default 50 kn it stays, 3300 m from B, and with
    # consecutive instants only (breaks up to 10 min = one step) the pair splits into
    # T0 .. T0 + 50 min and T0 + 70 min .. T0 + 3 h, both
    # under 2 h: no encounter. The same with splitting (9.7 kn is one ship under 40 kn:
    # each MMSI one segment, cleaned with the same parameters)
    pos = drifting_pair()
    glitch = (pos["mmsi"] == A) & (pos["timestamp"] == T0 + HOUR)
    pos.loc[glitch, "lat"] = P[1] + 11 * NORTH_300M
    no_break = EncounterParams(max_break_minutes=10.0)
    strict = detect_at_sea(pos, params=AtSeaParams(
        tracks=TrackParams(max_implied_speed_knots=5.0), encounters=no_break,
        segments=segments)).encounters
    default = detect_at_sea(pos, params=AtSeaParams(encounters=no_break,
                                                    segments=segments)).encounters
    assert (list(zip(strict["start"], strict["end"], strict=True)), len(default)) == (
        [(T0, T0 + 3 * HOUR)], 0)


def test_the_at_sea_job_resamples_with_its_grid_parameters(shore_far):
    # reports every 10 min: nothing is interpolated across more than 0.1 h (6 min), so the
    # grid is empty and nothing is found; under the default 1 h the pair meets T0 .. T0 + 3 h
    short = AtSeaParams(encounters=EncounterParams(grid=GridParams(max_interpolation_hours=0.1)))
    assert (len(detect_at_sea(drifting_pair(), params=short).encounters),
            len(detect_at_sea(drifting_pair()).encounters)) == (0, 1)


def test_the_at_sea_job_uses_its_loitering_parameters(shore_far):
    # 6 h adrift is not 8 h
    pos = make_positions(make_track(B, P, [stay(6.0, 0.5)]))
    params = AtSeaParams(loitering=AtSeaParams().loitering.__class__(min_duration_hours=8.0))
    assert len(detect_at_sea(pos, params=params).loitering) == 0


def test_loitering_near_a_port_is_not_reported_by_the_at_sea_job(shore_far):
    pos = make_positions(make_track(B, P, [stay(6.0, 0.5)]))
    ports = pd.DataFrame({"name": ["a"], "kind": ["anchorage"],
                          "geometry": [box(123.9, 33.9, 123.95, 34.1)]})
    assert len(detect_at_sea(pos, ports=ports).loitering) == 0


# --------------------------------------------------------------------------------------------
# the summary


def result_with(changes, evidence=("ais", "ais-gap", "ais")):
    enc = pd.DataFrame({"evidence": list(evidence),
                        "draught_change_a_m": [c[0] for c in changes],
                        "draught_change_b_m": [c[1] for c in changes]})
    return AtSeaResult(encounters=enc, loitering=pd.DataFrame({"mmsi": [1, 2, 3, 4]}),
                       params={"k": 1})


def test_the_summary_counts_visible_dark_loitering_and_transfers():
    # transfers: opposite signs only (-1 * +2); 0.0 and a missing change are none
    s = result_with([(-1.0, 2.0), (0.0, 3.0), (float("nan"), -1.0)]).summary()
    assert (s["encounters"], s["dark_encounters"], s["loitering"], s["transfers"], s["params"]) == (
        2, 1, 4, 1, {"k": 1})


def test_the_summary_input_defaults_to_zero_counters():
    s = result_with([(1.0, 1.0)] * 3).summary()
    assert s["input"] == {"files": 0, "lines": 0, "messages": 0, "bad_lines": 0,
                          "orphan_fragments": 0, "positions": 0, "failed_files": []}


def test_the_summary_input_copies_the_reader_counters():
    rep = {"files": 2, "lines": 10, "messages": 9, "bad_lines": 1, "orphan_fragments": 3,
           "positions": 7, "failed_files": ["x.nmea"], "other": 5}
    s = result_with([(1.0, 1.0)] * 3).summary(rep)
    assert s["input"] == {"files": 2, "lines": 10, "messages": 9, "bad_lines": 1,
                          "orphan_fragments": 3, "positions": 7, "failed_files": ["x.nmea"]}


def test_visible_and_dark_encounters_of_a_result():
    r = result_with([(1.0, 1.0)] * 3)
    assert (r.visible.index.tolist(), r.dark.index.tolist()) == ([0, 2], [1])


def test_a_draught_change_on_one_side_only_is_not_a_transfer():
    # -1.0 m against 0.0 m: signs -1 and 0, product 0, not below 0
    s = result_with([(-1.0, 0.0), (0.0, -1.0), (1.0, 1.0)]).summary()
    assert s["transfers"] == 0


# --------------------------------------------------------------------------------------------
# tables as returned, and cases of the mutants that survived the tests above


FOUND_COLUMNS = {"mmsi_a", "mmsi_b", "start_s", "end_s", "duration_hours", "lon", "lat",
                 "median_distance_m", "median_speed_knots"}
DARK_COLUMNS = ["mmsi_a", "mmsi_b", "start_s", "end_s", "duration_hours", "lon", "lat",
                "median_speed_knots", "dark_vessels", "gap_a", "gap_b", "run_start_s",
                "run_end_s"]


def test_found_encounters_have_their_columns_only_and_a_fresh_index():
    # vessels 1, 2 meet at steps 20 .. 32, vessels 3, 4 at 0 .. 12: the runs come (1, 2) then
    # (3, 4), the table by start: rows 0, 1 and no column for the runs' old positions
    g = grid_of(vessel(1, steps(20, 32), 0.5), vessel(2, steps(20, 32), 0.5, lat=P[1] + NORTH_300M),
                vessel(3, steps(0, 12), 0.5, lon=126.0),
                vessel(4, steps(0, 12), 0.5, lon=126.0, lat=P[1] + NORTH_300M))
    enc = find_encounters(g, [], EncounterParams())
    assert (set(enc.columns), len(enc.columns), enc.index.tolist()) == (FOUND_COLUMNS, 9, [0, 1])


def test_dark_encounters_have_their_columns_only_and_a_fresh_index():
    # one one-dark (B waiting, A's gap, label 5) and one both-dark (labels 3 and 8, far north)
    one = gaps_table([(A, 1.5, 9.5, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 20 * NM_LAT)],
                     index=[5])
    north = both_dark_gaps().assign(start_lat=lambda f: f["start_lat"] + 2.0,
                                    end_lat=lambda f: f["end_lat"] + 2.0)
    north["mmsi"] = [352000003, 352000004]
    out = find_dark_encounters(grid_of(waiting()), pd.concat([one, north]), [], AtSeaParams())
    assert (list(out.columns), out.index.tolist(), out["dark_vessels"].tolist()) == (
        DARK_COLUMNS, [0, 1], [1, 2])


def test_no_dark_encounter_is_an_empty_table_of_float_columns():
    # one gap and no other vessel: nobody to meet
    gaps = gaps_table([(A, 1.5, 9.5, P[0], P[1] - 20 * NM_LAT, P[0], P[1] + 20 * NM_LAT)])
    out = find_dark_encounters(empty_grid(), gaps, [], AtSeaParams())
    assert (list(out.columns), {str(d) for d in out.dtypes}) == (DARK_COLUMNS, {"float64"})


def test_three_ships_of_neighbouring_mmsis_together_are_three_encounters():
    # nine-digit MMSIs one apart: the pairs (X, Z) and (Y, Z) are runs of their own (a key
    # mixing the two MMSIs as X / 1e9 + Z could not tell 352000001 from 352000002)
    x, y, z = 352000001, 352000002, 352000003
    g = grid_of(vessel(z, steps(0, 12), 0.5), vessel(x, steps(0, 12), 0.5, lat=P[1] + NORTH_300M),
                vessel(y, steps(0, 12), 0.5, lat=P[1] + NORTH_300M / 2))
    enc = find_encounters(g, [], EncounterParams())
    assert found_pairs(enc) == [(x, y, 0.0, 7200.0), (x, z, 0.0, 7200.0), (y, z, 0.0, 7200.0)]


def test_a_point_55_nm_east_of_a_fence_at_85_north_is_within_60_nm():
    # the fence's north-east corner is (10.1, 85.0); the point (20.6, 85.0), 10.5 deg east:
    # haversine a = cos(85)^2 sin(5.25)^2 = 0.0871557^2 * 0.0915016^2 = 6.35999e-5,
    # 2 asin(sqrt(a)) = 0.0159500 rad * 3440.07 nm = 54.87 nm (within 60); the box, widened
    # by 60 / 60 * 1.05 deg / cos(85 + 1.05) = 15.24 deg of longitude, holds it (measured at
    # cos(85 - 1.05) it would be 9.96 deg, short of 10.5)
    fences = fence_box(10.0, 84.9, 10.1, 85.0)
    assert far_from_fences(np.array([20.6]), np.array([85.0]), fences, 60.0).tolist() == [False]


def test_a_window_after_an_encounter_keeps_none_of_it(shore_far):
    # the encounter is T0 .. T0 + 3 h, the loitering T0 .. T0 + 6 h: a window T0 + 7 h ..
    # T0 + 8 h has neither, although both start before its end
    pos = make_positions(make_track(B, P, [stay(6.0, 0.5)]),
                         make_track(A, (P[0], P[1] + NORTH_300M), [stay(3.0, 0.5)]))
    found = detect_at_sea(pos, since=T0 + 7 * HOUR, until=T0 + 8 * HOUR)
    assert (len(found.encounters), len(found.loitering)) == (0, 0)


def test_a_dark_vessel_draught_change_is_rounded_to_a_tenth(shore_far):
    # A: 8.0 m before its gap, 10.3 m at its reappearance: 10.3 - 8.0 = 2.3000000000000007,
    # rounded to 0.1 m: 2.3 (to a whole metre it would be 2.0)
    statics = make_statics([(A, T0 + HOUR, 8.0), (A, T0 + pd.Timedelta(hours=9.5), 10.3),
                            (B, T0 - HOUR, 5.0)])
    enc = detect_at_sea(dark_scene(), statics).encounters
    dark = enc.loc[enc["evidence"] == "ais-gap"].iloc[0]
    assert dark["draught_change_b_m"] == 2.3


def test_an_at_sea_table_with_a_dark_encounter_has_the_encounter_types(shore_far):
    # a dark row's median distance (not measured) is NaN in a float column
    enc = detect_at_sea(dark_scene()).encounters
    assert (list(enc["evidence"]), [str(d) for d in enc.dtypes],
            enc["median_distance_m"].isna().tolist()) == (
        ["ais-gap", "ais"],
        ["string", "int64", "int64", "string", "string", "string", "string",
         "datetime64[ns, UTC]", "datetime64[ns, UTC]", "float64", "float64", "float64", "float64",
         "float64", "string", "float64", "float64", "int64"],
        [True, False])


def test_the_shortest_detour_is_the_sum_of_both_legs():
    # the gap runs from 10 nm south of P to 10 nm north. B waits at P: 10 + 10 = 20 nm. A waits
    # 3 nm east and 4 nm north of the gap's start: sqrt(3^2 + 4^2) = 5 nm in, sqrt(3^2 + 16^2)
    # = 16.28 nm out, 21.28 nm: B is kept (A's legs differ more, -11.28 against 0, but their sum
    # is longer)
    east_3nm = 3 * 1852 / 92_184.899
    gaps = gaps_table([(352000003, 1.5, 9.5, P[0], P[1] - 10 * NM_LAT, P[0], P[1] + 10 * NM_LAT)])
    g = grid_of(waiting(A, lon=P[0] + east_3nm, lat=P[1] - 6 * NM_LAT), waiting(B))
    assert dark_rows(g, gaps) == [(B, 352000003, 5400.0, 34200.0, 1)]


def test_the_at_sea_job_finds_loitering_on_the_encounters_grid(shore_far):
    # reports every 10 min and a grid interpolating across 0.1 h (6 min) at most: the grid is
    # empty, so is the loitering table (the default grid, 1 h, would give B's 6 h adrift)
    pos = make_positions(make_track(B, P, [stay(6.0, 0.5)]))
    short = AtSeaParams(encounters=EncounterParams(grid=GridParams(max_interpolation_hours=0.1)))
    assert (len(detect_at_sea(pos, params=short).loitering), len(detect_at_sea(pos).loitering)) == (
        0, 1)
