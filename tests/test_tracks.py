"""Unit tests of vesseltrack.tracks.clean_tracks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _builders import SEA, T0, make_positions, make_track, sail

from vesseltrack._schema import positions_frame
from vesseltrack.tracks import TrackParams, clean_tracks, haversine_m

SHIP = 273_000_000
"""Vessel n of the rows below is the ship station SHIP + n (a Russian MID)."""


def _rows(rows):
    """positions frame from (vessel n, minutes after T0, lon, lat) rows; MMSI SHIP + n."""
    frame = pd.DataFrame(rows, columns=["mmsi", "minutes", "lon", "lat"])
    frame["mmsi"] = SHIP + frame["mmsi"]
    frame["timestamp"] = T0 + pd.to_timedelta(frame["minutes"], unit="min")
    frame["sog_knots"] = 5.0
    frame["msg_type"] = 1
    return positions_frame(frame)


def test_haversine_one_degree_of_latitude():
    d = haversine_m(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))
    assert d[0] == pytest.approx(111_195, rel=1e-4)


def test_sorts_per_vessel_and_records_params():
    pos = _rows([(2, 10, 133.0, 42.0), (1, 5, 133.0, 42.0), (2, 0, 133.0, 42.01),
                 (1, 0, 133.0, 42.01)])
    out = clean_tracks(pos)
    assert (out["mmsi"] - SHIP).tolist() == [1, 1, 2, 2]
    assert out.groupby("mmsi")["timestamp"].apply(lambda s: s.is_monotonic_increasing).all()
    assert out.attrs["params"]["max_implied_speed_knots"] == 50.0
    assert out.attrs["dropped"] == {"no_time": 0, "non_ship": 0, "duplicate": 0, "jump": 0}


@pytest.mark.parametrize(
    ("seconds_apart", "same_position", "kept"),
    [
        (2, True, 1),     # one report heard by two receivers
        (20, True, 1),
        (180, True, 2),   # a moored vessel reporting every 3 minutes is not a duplicate
        (2, False, 2),    # different positions: two reports
    ],
)
def test_duplicates_from_several_receivers(seconds_apart, same_position, kept):
    lat2 = 42.0 if same_position else 42.001
    pos = _rows([(1, 0, 133.0, 42.0), (1, seconds_apart / 60.0, 133.0, lat2)])
    pos["source"] = pd.array(["rx-a", "rx-b"], dtype="string")
    out = clean_tracks(pos)
    assert len(out) == kept
    assert out.attrs["dropped"]["duplicate"] == 2 - kept


def test_impossible_jump_dropped_but_fast_ship_kept():
    # a 30-knot ship: 0.5 nm per minute; one fix 100 nm off
    rows = [(1, m, 133.0, 42.0 + m * 0.5 / 60.0) for m in range(0, 10)]
    rows[5] = (1, 5, 135.0, 42.0)
    out = clean_tracks(_rows(rows))
    assert len(out) == 9
    assert 135.0 not in out["lon"].tolist()
    assert out.attrs["dropped"]["jump"] == 1


@pytest.mark.parametrize("where", [0, 4])
def test_first_and_last_position_have_one_neighbour_and_are_kept(where):
    rows = [(1, m * 10, 133.0, 42.0 + m * 0.01) for m in range(5)]
    rows[where] = (1, where * 10, 140.0, 42.0)
    out = clean_tracks(_rows(rows))
    assert len(out) == 5


def test_rows_without_position_kept_out_of_geometry():
    rows = [(1, 0, 133.0, 42.0), (1, 1, np.nan, np.nan), (1, 2, 181.0, 91.0),
            (1, 3, 133.0, 42.002)]
    out = clean_tracks(_rows(rows))
    assert len(out) == 4
    assert out["valid_position"].tolist() == [True, False, False, True]
    assert out["lon"].isna().sum() == 2  # 181/91 sentinels masked to NaN


def test_jump_test_skips_rows_without_position():
    # the outlier's valid neighbours are the rows around the NaN rows
    rows = [(1, 0, 133.0, 42.0), (1, 1, np.nan, np.nan), (1, 2, 136.0, 42.0),
            (1, 3, np.nan, np.nan), (1, 4, 133.0, 42.001), (1, 5, 133.0, 42.002)]
    out = clean_tracks(_rows(rows))
    assert 136.0 not in out["lon"].tolist()
    assert len(out) == 5


def test_rows_without_time_dropped():
    pos = _rows([(1, 0, 133.0, 42.0), (1, 10, 133.0, 42.01)])
    pos.loc[1, "timestamp"] = pd.NaT
    out = clean_tracks(pos)
    assert len(out) == 1 and out.attrs["dropped"]["no_time"] == 1


def test_params_change_behaviour():
    rows = [(1, 0, 133.0, 42.0), (1, 1, 133.0, 42.0)]  # 60 s apart, same place
    assert len(clean_tracks(_rows(rows))) == 2
    assert len(clean_tracks(_rows(rows), TrackParams(duplicate_seconds=90))) == 1


def test_builder_track_survives_cleaning_unchanged():
    trk = make_positions(make_track(273_000_007, SEA, [sail(133.4, 42.5, 12.0)]))
    out = clean_tracks(trk)
    assert len(out) == len(trk)
    assert out["valid_position"].all()


# MMSIs that are no ship: defaults (0, fewer than nine digits), ten digits, a base station
# (00 + MID 273), an aid to navigation (99 + MID 273), an AIS-SART (970 + six digits).
NOT_SHIPS = [0, 1_193_046, 1_000_000_000, 2_730_001, 992_730_001, 970_000_001]


@pytest.mark.parametrize("mmsi", NOT_SHIPS)
def test_non_ship_mmsi_left_out(mmsi):
    pos = _rows([(1, 0, 133.0, 42.0), (1, 10, 133.0, 42.01), (1, 20, 133.0, 42.02)])
    pos.loc[1:, "mmsi"] = mmsi  # two rows of the non-ship, one of ship SHIP + 1
    out = clean_tracks(pos)
    assert out["mmsi"].tolist() == [SHIP + 1]


def test_non_ship_counts_rows_and_distinct_mmsis():
    pos = _rows([(1, m, 133.0, 42.0 + m * 0.001) for m in range(5)])
    pos["mmsi"] = [SHIP + 1, 0, 0, 1_193_046, SHIP + 1]  # 3 rows of 2 non-ship MMSIs
    out = clean_tracks(pos)
    assert (out.attrs["dropped"]["non_ship"], out.attrs["non_ship_mmsi"]) == (3, 2)


def test_ships_only_false_keeps_every_mmsi():
    pos = _rows([(1, 0, 133.0, 42.0), (1, 10, 133.0, 42.01)])
    pos["mmsi"] = [0, 1_193_046]
    assert len(clean_tracks(pos, ships_only=False)) == 2
