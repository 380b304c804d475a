"""Loitering (vesseltrack/loitering.py) on hand-made grids with worked values: which instants
are slow, where a run breaks, how long a run must last, its median position and speed, and
the shore-distance rule at its boundary (the distance to shore replaced by a stated value, so
that no coastline is read and the boundary can be hit exactly).

T0 (2024-03-01T00:00Z) is 1,709,251,200 s after the epoch = 2,848,752 steps of 600 s (K0).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tests._builders import T0, make_positions, make_track, stay
from vesseltrack.loitering import LOITERING_COLUMNS, detect_loitering, slow_runs
from vesseltrack.params import GridParams, LoiteringParams
from vesseltrack.ports import fences_from_ports

K0 = 2_848_752
P = (124.0, 34.0)


def grid(steps, speeds, lon=124.0, lat=34.0, mmsi=1, step_s: float | None = 600.0):
    """A grid of one vessel at the given steps and speeds (positions fixed unless arrays)."""
    n = len(steps)
    frame = pd.DataFrame({"mmsi": np.full(n, mmsi, "int64"), "step": np.asarray(steps, "int64"),
                          "lon": np.broadcast_to(np.asarray(lon, float), (n,)).copy(),
                          "lat": np.broadcast_to(np.asarray(lat, float), (n,)).copy(),
                          "speed_knots": np.broadcast_to(np.asarray(speeds, float), (n,)).copy()})
    if step_s is not None:
        frame.attrs["step_s"] = step_s
    return frame


@pytest.fixture
def shore_at(monkeypatch):
    """Make every run's distance to shore ``value`` nm (recorded: the points asked about)."""
    asked = []

    def set_value(value: float):
        def fake(lon, lat, *args, **kwargs):
            asked.append((np.asarray(lon, float).copy(), np.asarray(lat, float).copy()))
            return np.full(len(lon), value)

        monkeypatch.setattr("vesseltrack.shore.shore_distance_nm", fake)
        return asked

    return set_value


# --------------------------------------------------------------------------------------------
# slow runs


def test_a_run_of_exactly_the_shortest_duration_is_kept():
    # steps 0 .. 24 of 600 s: 24 * 600 s = 4.0 h
    runs = slow_runs(grid(range(25), 0.5), 2.0, 4.0, 30.0)
    assert runs["duration_hours"].tolist() == [4.0]


def test_a_run_one_step_shorter_than_the_shortest_duration_is_dropped():
    # steps 0 .. 23: 23 * 600 s = 3.833 h < 4 h
    assert len(slow_runs(grid(range(24), 0.5), 2.0, 4.0, 30.0)) == 0


def test_an_instant_at_exactly_the_slow_speed_is_not_slow():
    # steps 0 .. 23 at 0.5 kn, step 24 at exactly 2.0 kn (not slow): the run is 0 .. 23,
    # 23 * 600 s = 3.83 h < 4 h, dropped
    speeds = np.r_[np.full(24, 0.5), 2.0]
    assert len(slow_runs(grid(range(25), speeds), 2.0, 4.0, 30.0)) == 0


def test_an_instant_just_under_the_slow_speed_is_slow():
    speeds = np.r_[np.full(24, 0.5), 1.999]
    assert slow_runs(grid(range(25), speeds), 2.0, 4.0, 30.0)["duration_hours"].tolist() == [4.0]


def test_a_break_of_exactly_the_longest_allowed_joins_the_run():
    # 30 min / 600 s = 3 steps: 0 .. 10 then 13 .. 24 is one run of 24 steps = 4.0 h
    steps = [*range(11), *range(13, 25)]
    assert slow_runs(grid(steps, 0.5), 2.0, 4.0, 30.0)["duration_hours"].tolist() == [4.0]


def test_a_break_one_step_longer_than_allowed_splits_the_run():
    # 0 .. 10 then 14 .. 38: runs of 10 steps (1.67 h, dropped) and 24 steps (4.0 h, kept)
    steps = [*range(11), *range(14, 39)]
    runs = slow_runs(grid(steps, 0.5), 2.0, 4.0, 30.0)
    assert (runs["start_s"].tolist(), runs["end_s"].tolist()) == ([14 * 600.0], [38 * 600.0])


def test_the_longest_break_is_a_parameter():
    # a 40-minute break is 4 steps: 0 .. 10 then 14 .. 24 is one run of 4.0 h
    steps = [*range(11), *range(14, 25)]
    assert slow_runs(grid(steps, 0.5), 2.0, 4.0, 40.0)["duration_hours"].tolist() == [4.0]


def test_a_grid_without_a_step_is_read_as_ten_minutes():
    # 24 steps of the default 600 s = 4.0 h; start and end at step * 600 s
    runs = slow_runs(grid(range(K0, K0 + 25), 0.5, step_s=None), 2.0, 4.0, 30.0)
    assert (runs["duration_hours"].tolist(), runs["start_s"].tolist(), runs["end_s"].tolist()) == (
        [4.0], [K0 * 600.0], [(K0 + 24) * 600.0])


def test_a_grid_of_five_minute_steps_measures_runs_in_300_s():
    # 48 steps of 300 s = 4.0 h; a 30-minute break is 6 steps: 0 .. 20 then 26 .. 48 is one run
    steps = [*range(21), *range(26, 49)]
    runs = slow_runs(grid(steps, 0.5, step_s=300.0), 2.0, 4.0, 30.0)
    assert (runs["duration_hours"].tolist(), runs["end_s"].tolist()) == ([4.0], [48 * 300.0])


def test_a_run_records_its_vessel_median_position_and_median_speed():
    # 25 instants: lon 124.00 .. 124.24 (median the 13th, 124.12), lat 34.0 + the same / 2
    # (34.06), speeds 0.0 .. 1.2 by 0.05 (median 0.6)
    k = np.arange(25)
    runs = slow_runs(grid(k, k * 0.05, lon=124.0 + k * 0.01, lat=34.0 + k * 0.005,
                          mmsi=445000001), 2.0, 4.0, 30.0)
    row = runs.iloc[0]
    assert (int(row["mmsi"]), round(row["lon"], 9), round(row["lat"], 9),
            round(row["median_speed_knots"], 9)) == (445000001, 124.12, 34.06, 0.6)


def test_two_vessels_slow_at_the_same_instants_are_two_runs():
    g = pd.concat([grid(range(25), 0.5, mmsi=1), grid(range(25), 0.5, mmsi=2)],
                  ignore_index=True)
    g.attrs["step_s"] = 600.0
    runs = slow_runs(g, 2.0, 4.0, 30.0)
    assert (runs["mmsi"].tolist(), runs["duration_hours"].tolist()) == ([1, 2], [4.0, 4.0])


def test_a_grid_with_nothing_slow_gives_no_run_with_the_columns():
    runs = slow_runs(grid(range(25), 5.0), 2.0, 4.0, 30.0)
    assert (len(runs), list(runs.columns)) == (0, ["mmsi", "start_s", "end_s", "duration_hours",
                                                   "lon", "lat", "median_speed_knots"])


# --------------------------------------------------------------------------------------------
# loitering events


def six_hours_adrift():
    # one vessel at 124 E 34 N, 0.5 kn, reports every 10 min for 6 h: grid steps K0 .. K0 + 36
    return make_positions(make_track(445000001, P, [stay(6.0, 0.5)]))


def test_loitering_exactly_at_the_shortest_shore_distance_is_kept(shore_at):
    shore_at(20.0)
    lo = detect_loitering(six_hours_adrift())
    assert lo["distance_to_shore_nm"].tolist() == [20.0]


def test_loitering_just_inside_the_shortest_shore_distance_is_dropped(shore_at):
    shore_at(19.99)
    assert len(detect_loitering(six_hours_adrift())) == 0


def test_loitering_beyond_the_reach_of_the_shore_search_is_kept(shore_at):
    shore_at(float("inf"))
    assert detect_loitering(six_hours_adrift())["distance_to_shore_nm"].tolist() == [float("inf")]


def test_loitering_where_the_shore_could_not_be_measured_is_dropped(shore_at):
    shore_at(float("nan"))
    assert len(detect_loitering(six_hours_adrift())) == 0


def test_the_shortest_shore_distance_is_a_parameter(shore_at):
    shore_at(10.0)
    lo = detect_loitering(six_hours_adrift(), LoiteringParams(min_shore_distance_nm=10.0))
    assert len(lo) == 1


def test_the_shore_is_measured_at_the_run_median_position(shore_at):
    asked = shore_at(50.0)
    detect_loitering(six_hours_adrift())
    assert [(a.tolist(), b.tolist()) for a, b in asked] == [([124.0], [34.0])]


def test_a_loitering_event_record(shore_at):
    # steps K0 .. K0 + 36: T0 to T0 + 6 h, 6.0 h, at 124 E 34 N
    shore_at(50.0)
    lo = detect_loitering(six_hours_adrift())
    assert [tuple(r) for r in lo.itertuples(index=False)] == [
        (445000001, T0, T0 + pd.Timedelta(hours=6), 6.0, 124.0, 34.0, 50.0)]


def test_a_loitering_table_has_its_columns_and_types(shore_at):
    shore_at(50.0)
    lo = detect_loitering(six_hours_adrift())
    assert (tuple(lo.columns), [str(d) for d in lo.dtypes]) == (
        LOITERING_COLUMNS, ["int64", "datetime64[ns, UTC]", "datetime64[ns, UTC]", "float64",
                            "float64", "float64", "float64"])


def test_loitering_records_its_parameters_and_the_grid(shore_at):
    shore_at(50.0)
    params = LoiteringParams(min_duration_hours=3.0)
    lo = detect_loitering(six_hours_adrift(), params, grid_params=GridParams(step_minutes=5))
    assert lo.attrs["params"] == {**asdict(params),
                                  "grid": {"step_minutes": 5, "max_interpolation_hours": 1.0}}


def test_loitering_thresholds_come_from_the_parameters(shore_at):
    # 6 h adrift at 0.5 kn: not slow under 0.4 kn
    shore_at(50.0)
    assert len(detect_loitering(six_hours_adrift(), LoiteringParams(max_speed_knots=0.4))) == 0


def test_loitering_on_a_given_grid_ignores_the_tracks(shore_at):
    # the grid: 25 steps of 600 s at 0.5 kn (4.0 h); the tracks: 6 h (not read)
    shore_at(50.0)
    g = grid(range(K0, K0 + 25), 0.5)
    lo = detect_loitering(six_hours_adrift(), grid=g)
    assert lo["duration_hours"].tolist() == [4.0]


def test_loitering_on_a_grid_of_five_minutes(shore_at):
    # 6 h of reports resampled every 5 min: steps 2 K0 .. 2 K0 + 72, start T0, end T0 + 6 h
    shore_at(50.0)
    lo = detect_loitering(six_hours_adrift(), grid_params=GridParams(step_minutes=5))
    assert (lo["start"].tolist(), lo["end"].tolist()) == ([T0], [T0 + pd.Timedelta(hours=6)])


def fence_around(lon: float, lat: float, half_deg: float):
    ports = pd.DataFrame({"name": ["anchorage"], "kind": ["anchorage"],
                          "geometry": [box(lon - half_deg, lat - half_deg,
                                           lon + half_deg, lat + half_deg)]})
    return fences_from_ports(ports)


def test_drifting_near_a_fence_is_not_loitering(shore_at):
    # the fence's west side 0.1 deg east of the vessel: 0.1 * 92,185.8 m (one degree of
    # longitude at 34 N) = 9,218.6 m = 4.98 nm, within 5.4 nm
    shore_at(50.0)
    fences = fence_around(P[0] + 0.15, P[1], 0.05)
    assert len(detect_loitering(six_hours_adrift(), ports=fences)) == 0


def test_the_fence_distance_is_a_parameter(shore_at):
    # the same fence 4.98 nm away is beyond a 4 nm limit
    shore_at(50.0)
    fences = fence_around(P[0] + 0.15, P[1], 0.05)
    lo = detect_loitering(six_hours_adrift(), LoiteringParams(min_fence_distance_nm=4.0),
                          ports=fences)
    assert len(lo) == 1


def test_a_break_shorter_than_one_step_allows_no_break():
    # 9.9 min * 60 = 594 s // 600 s = 0 steps: consecutive steps (1 apart) are each a run of
    # their own, none lasts 4 h
    assert len(slow_runs(grid(range(25), 0.5), 2.0, 4.0, 9.9)) == 0
