"""The time grid of the at-sea detectors (vesseltrack/resample.py), on hand-made reports with
worked values: which instants a pair of reports gives, where and how fast the vessel is at
each, where the grid stops, and the run numbering and cell pairing built on it.

T0 (2024-03-01T00:00Z) is 1,709,251,200 s after the epoch = 2,848,752 steps of 600 s, so
``step`` K0 is T0 on the default 10-minute grid. One degree of latitude is
6,371,008.8 m * pi / 180 = 111,195.08 m = 60.04054 nm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests._builders import make_positions, track_rows
from vesseltrack.params import GridParams
from vesseltrack.resample import GRID_COLUMNS, cell_pairs, resample_tracks, run_ids

K0 = 2_848_752  # 1,709,251,200 / 600
NAN = float("nan")


def grid_of(*tracks: pd.DataFrame, params: GridParams | None = None) -> pd.DataFrame:
    return resample_tracks(make_positions(*tracks), params)


# --------------------------------------------------------------------------------------------
# empty grids


def test_one_report_gives_an_empty_grid_with_its_typed_columns():
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0)]))
    assert (tuple(grid.columns), [str(d) for d in grid.dtypes], len(grid)) == (
        GRID_COLUMNS, ["int64", "int64", "float64", "float64", "float64"], 0)


def test_one_report_gives_an_empty_grid_that_records_its_step_and_parameters():
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0)]), params=GridParams(step_minutes=5))
    assert (grid.attrs["step_s"], grid.attrs["params"]) == (
        300.0, {"step_minutes": 5, "max_interpolation_hours": 1.0})


def test_reports_with_no_instant_between_them_give_an_empty_grid_with_its_step():
    # 00:01 and 00:09: no multiple of 600 s between 60 s and 540 s
    grid = grid_of(track_rows(1, [(60, 124.0, 34.0, 1.0), (540, 124.01, 34.0, 1.0)]))
    assert (len(grid), tuple(grid.columns), grid.attrs["step_s"],
            grid.attrs["params"]["max_interpolation_hours"]) == (0, GRID_COLUMNS, 600.0, 1.0)


# --------------------------------------------------------------------------------------------
# which instants


def test_instants_on_both_reports_and_between_them_each_once():
    # reports at 0, 600 and 1200 s: instants K0, K0+1, K0+2; the one at 600 s ends the first
    # interval and starts the second, kept once
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (600, 124.01, 34.0, 1.0),
                                  (1200, 124.02, 34.0, 1.0)]))
    assert grid["step"].tolist() == [K0, K0 + 1, K0 + 2]


def test_instants_between_reports_off_the_grid_are_interpolated():
    # reports at 300 s (lon 124.00) and 1500 s (lon 124.02): instants 600 s (w = 300/1200 =
    # 0.25: 124.005) and 1200 s (w = 900/1200 = 0.75: 124.015), none outside the reports
    grid = grid_of(track_rows(1, [(300, 124.0, 34.0, 1.0), (1500, 124.02, 34.1, 1.0)]))
    assert (grid["step"].tolist(), grid["lon"].round(9).tolist(),
            grid["lat"].round(9).tolist()) == (
        [K0 + 1, K0 + 2], [124.005, 124.015], [34.025, 34.075])


def test_a_step_of_five_minutes_gives_instants_every_300_s():
    # reports at 0 and 900 s: 0, 300, 600, 900 s = steps 2 * K0 .. 2 * K0 + 3 of 300 s
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (900, 124.03, 34.0, 1.0)]),
                   params=GridParams(step_minutes=5))
    assert (grid["step"].tolist(), grid["lon"].round(9).tolist(), grid.attrs["step_s"]) == (
        [2 * K0, 2 * K0 + 1, 2 * K0 + 2, 2 * K0 + 3], [124.0, 124.01, 124.02, 124.03], 300.0)


def test_a_silence_of_exactly_the_longest_interpolated_is_bridged():
    # 3,600 s between the reports = max_interpolation_hours 1: seven instants 0 .. 3,600 s
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (3600, 124.06, 34.0, 1.0)]))
    assert grid["step"].tolist() == [K0 + k for k in range(7)]


def test_a_silence_one_second_longer_than_the_longest_interpolated_is_not_bridged():
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (3601, 124.06, 34.0, 1.0)]))
    assert len(grid) == 0


def test_the_longest_interpolated_silence_is_a_parameter():
    # 3,601 s is within 2 h: instants 0 .. 3,600 s
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (3601, 124.06, 34.0, 1.0)]),
                   params=GridParams(max_interpolation_hours=2.0))
    assert grid["step"].tolist() == [K0 + k for k in range(7)]


def test_two_reports_in_the_same_second_give_the_later_one_position():
    # two reports at 0 s (124.000, then 124.001): a pair in one second is no interval; the
    # instant at 0 s comes from the second report's interval: lon 124.001, then 124.01 at 600 s
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (0, 124.001, 34.0, 1.0),
                                  (600, 124.01, 34.0, 1.0)]))
    assert (grid["step"].tolist(), grid["lon"].round(9).tolist()) == (
        [K0, K0 + 1], [124.001, 124.01])


def test_the_last_report_of_one_vessel_is_not_joined_to_the_first_of_the_next():
    # vessel 1 at 0 and 600 s, vessel 2 at 1200 and 1800 s: 10 min apart, but not one vessel
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (600, 124.01, 34.0, 1.0)]),
                   track_rows(2, [(1200, 125.0, 34.0, 1.0), (1800, 125.01, 34.0, 1.0)]))
    assert list(zip(grid["mmsi"], grid["step"], strict=True)) == [
        (1, K0), (1, K0 + 1), (2, K0 + 2), (2, K0 + 3)]


def test_two_vessels_on_the_same_instant_each_keep_it():
    # vessel 1 at 0 and 600 s, vessel 2 at 600 and 1200 s: K0 + 1 is on both tracks
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (600, 124.01, 34.0, 1.0)]),
                   track_rows(2, [(600, 124.0, 34.0, 1.0), (1200, 124.01, 34.0, 1.0)]))
    assert list(zip(grid["mmsi"], grid["step"], strict=True)) == [
        (1, K0), (1, K0 + 1), (2, K0 + 1), (2, K0 + 2)]


def test_rows_without_a_position_are_left_out_of_the_grid():
    # the report at 600 s has no position: 0 .. 1200 s is one interval (w = 0.5 at 600 s)
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (600, NAN, NAN, 1.0),
                                  (1200, 124.02, 34.0, 1.0)]))
    assert grid["lon"].round(9).tolist() == [124.0, 124.01, 124.02]


# --------------------------------------------------------------------------------------------
# speed at an instant


def test_speed_is_the_reported_speed_interpolated():
    # 2 kn at 0 s, 4 kn at 1,200 s: 3 kn at 600 s
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 2.0), (1200, 124.0, 34.001, 4.0)]))
    assert grid["speed_knots"].round(9).tolist() == [2.0, 3.0, 4.0]


def test_speed_is_implied_where_the_later_report_has_none():
    # 0.01 deg of latitude in 600 s: 1,111.9508 m / 1,852 = 0.6004054 nm in 1/6 h = 3.602432 kn
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 2.0), (600, 124.0, 34.01, NAN)]))
    assert grid["speed_knots"].round(5).tolist() == [3.60243, 3.60243]


def test_speed_is_implied_where_the_earlier_report_has_none():
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, NAN), (600, 124.0, 34.01, 2.0)]))
    assert grid["speed_knots"].round(5).tolist() == [3.60243, 3.60243]


def test_implied_speeds_are_those_of_each_instants_own_interval():
    # 0 .. 600 s: 0.01 deg north (3.602432 kn); 600 .. 1800 s: 0.01 deg north in 1,200 s
    # (1.801216 kn); instants 0 and 600 s from the first, 1,200 and 1,800 s from the second
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, NAN), (600, 124.0, 34.01, NAN),
                                  (1800, 124.0, 34.02, NAN)]))
    assert grid["speed_knots"].round(5).tolist() == [3.60243, 3.60243, 1.80122, 1.80122]


# --------------------------------------------------------------------------------------------
# run numbers


def test_runs_start_at_a_new_group_or_a_break_longer_than_allowed():
    # steps 0, 3 (break 3: allowed), 7 (break 4 > 3: new run), group 2 at 8 (new run)
    ids = run_ids(np.array([1, 1, 1, 2]), np.array([0, 3, 7, 8]), 3)
    assert ids.tolist() == [0, 0, 1, 2]


def test_runs_of_nothing_are_an_empty_integer_array():
    ids = run_ids(np.array([], "int64"), np.array([], "int64"), 3)
    assert (ids.dtype, len(ids)) == (np.dtype("int64"), 0)


# --------------------------------------------------------------------------------------------
# cell pairs


def test_points_of_one_cell_are_paired_each_pair_once_never_with_themselves():
    # three points a few metres apart at one instant: pairs (0, 1), (0, 2), (1, 2)
    lon = np.array([124.0, 124.00001, 124.00002])
    lat = np.array([34.0, 34.0, 34.0])
    ia, ib = cell_pairs(np.zeros(3), lon, lat, None, None, None, 500.0)
    assert sorted(zip(ia.tolist(), ib.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]


def test_points_at_other_instants_are_not_paired():
    lon = np.array([124.0, 124.00001])
    lat = np.array([34.0, 34.0])
    ia, ib = cell_pairs(np.array([0, 1]), lon, lat, None, None, None, 500.0)
    assert len(ia) == 0


def test_cell_pairs_of_two_sets_find_every_pair_within_the_cell_size():
    rng = np.random.default_rng(7)
    lon_a, lat_a = 124.0 + rng.uniform(0, 0.03, 60), 60.0 + rng.uniform(0, 0.02, 60)
    lon_b, lat_b = 124.0 + rng.uniform(0, 0.03, 80), 60.0 + rng.uniform(0, 0.02, 80)
    from vesseltrack.tracks import haversine_m

    ia, ib = cell_pairs(np.zeros(60), lon_a, lat_a, np.zeros(80), lon_b, lat_b, 400.0)
    found = {(i, j) for i, j in zip(ia.tolist(), ib.tolist(), strict=True)
             if haversine_m(lon_a[i], lat_a[i], lon_b[j], lat_b[j]) <= 400.0}
    i, j = np.meshgrid(np.arange(60), np.arange(80), indexing="ij")
    near = haversine_m(lon_a[i], lat_a[i], lon_b[j], lat_b[j]) <= 400.0
    assert found == set(zip(i[near].tolist(), j[near].tolist(), strict=True))


def test_cell_pairs_of_two_sets_list_each_candidate_once():
    # a at one point, b two points a metre from it: candidates (0, 0) and (0, 1) once each
    ia, ib = cell_pairs(np.zeros(1), np.array([124.0]), np.array([34.0]), np.zeros(2),
                        np.array([124.00001, 124.00002]), np.array([34.0, 34.0]), 500.0)
    assert sorted(zip(ia.tolist(), ib.tolist(), strict=True)) == [(0, 0), (0, 1)]


def test_cell_pairs_with_an_empty_side_are_empty_integer_arrays():
    ia, ib = cell_pairs(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(2),
                        np.array([124.0, 124.1]), np.array([34.0, 34.0]), 500.0)
    assert (ia.dtype, ib.dtype, len(ia), len(ib)) == (
        np.dtype("int64"), np.dtype("int64"), 0, 0)


def test_an_instant_is_interpolated_towards_the_next_report_not_the_previous():
    # reports at 0 s (lat 34.00, 1 kn), 300 s (34.01, 2 kn), 900 s (34.03, 4 kn): the instant
    # at 600 s lies halfway from 300 s to 900 s: lat 34.02, 3 kn
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (300, 124.0, 34.01, 2.0),
                                  (900, 124.0, 34.03, 4.0)]))
    row = grid.loc[grid["step"] == K0 + 1].iloc[0]
    assert (round(row["lat"], 9), round(row["speed_knots"], 9)) == (34.02, 3.0)


def test_reports_one_second_apart_are_an_interval():
    # reports at 0, 599 and 600 s: the instant at 600 s comes from the 599 .. 600 s interval
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (599, 124.0, 34.0, 1.0),
                                  (600, 124.01, 34.0, 1.0)]))
    assert (grid["step"].tolist(), grid["lon"].round(9).tolist()) == (
        [K0, K0 + 1], [124.0, 124.01])


def test_implied_speed_is_measured_between_the_interval_own_two_reports():
    # 0 .. 600 s: 0.01 deg north at lon 124.0 (3.602432 kn); the last report, 2 h later at lon
    # 125.0, is not interpolated to and takes no part in the first interval's speed
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, NAN), (600, 124.0, 34.01, NAN),
                                  (7800, 125.0, 34.01, NAN)]))
    assert grid["speed_knots"].round(5).tolist() == [3.60243, 3.60243]


def test_a_second_vessel_keeps_each_of_its_instants_once():
    # vessel 2 reports at 0, 600 and 1200 s: K0 + 1 ends one interval and starts the next
    grid = grid_of(track_rows(1, [(0, 124.0, 34.0, 1.0), (600, 124.01, 34.0, 1.0)]),
                   track_rows(2, [(0, 125.0, 34.0, 1.0), (600, 125.01, 34.0, 1.0),
                                  (1200, 125.02, 34.0, 1.0)]))
    assert grid.loc[grid["mmsi"] == 2, "step"].tolist() == [K0, K0 + 1, K0 + 2]


def test_points_in_neighbouring_cells_are_paired_once():
    # cells of 500 m: 500 / 111,195.08 = 0.0044966 deg of latitude; 34.0 and 34.006 lie in
    # neighbouring rows of cells (0.006 / 0.0044966 = 1.33): one candidate pair, (0, 1)
    ia, ib = cell_pairs(np.zeros(2), np.array([124.0, 124.0]), np.array([34.0, 34.006]),
                        None, None, None, 500.0)
    assert list(zip(ia.tolist(), ib.tolist(), strict=True)) == [(0, 1)]


DEG_M = np.pi / 180.0 * 6_371_008.8  # metres a degree of latitude (mean earth radius)


def test_points_just_within_the_cell_size_north_south_are_paired_wherever_they_fall():
    # cells of 500 m: 500 / DEG_M = 0.0044966 deg of latitude. c sets the origin (34.0); a is
    # 1 - 1.5 d cells north of it and b 1 - 0.1 d cells north of a (499.99992 m), d =
    # 1 / 6,371,008.8: a in the first cell, b in the second, neighbours. (Cells a metre of
    # earth radius smaller, 1 + d of them in a's span, would put a at 1 - 0.5 d, still the
    # first, and b at 2 + 0.4 d, the third: the pair lost.)
    d = 1.0 / 6_371_008.8
    cy = 500.0 / DEG_M
    a = 34.0 + (1.0 - 1.5 * d) * cy
    lat = np.array([34.0, a, a + (1.0 - 0.1 * d) * cy])
    ia, ib = cell_pairs(np.zeros(3), np.full(3, 124.0), lat, None, None, None, 500.0)
    assert (1, 2) in set(zip(ia.tolist(), ib.tolist(), strict=True))


def test_points_just_within_the_cell_size_east_west_at_the_highest_latitude_are_paired():
    # all at 60 N; cells of 500 m are widened to 500 / DEG_M / cos(60.1 deg) of longitude
    # (0.1 deg above the highest point). c sets the origin (lon 124.0); a is 0.999 of a cell
    # widened for 59.9 deg (500 / DEG_M / cos(59.9)) east of it: 0.999 * cos(60.1) / cos(59.9)
    # = 0.99297 of a true cell, the first; b is 500 / DEG_M / cos(60) deg east of a (500 m along
    # the parallel, a little less on the great circle): cos(60.1) / cos(60) = 0.996976 of a
    # cell, so b is at 1.98994, the second: neighbours. (Cells widened for 59.9 deg would put
    # b at 0.999 + cos(59.9) / cos(60) = 0.999 + 1.003023 = 2.002, the third: the pair lost.)
    cy = 500.0 / DEG_M
    a = 124.0 + 0.999 * cy / np.cos(np.radians(59.9))
    lon = np.array([124.0, a, a + cy / np.cos(np.radians(60.0))])
    ia, ib = cell_pairs(np.zeros(3), lon, np.full(3, 60.0), None, None, None, 500.0)
    assert (1, 2) in set(zip(ia.tolist(), ib.tolist(), strict=True))
