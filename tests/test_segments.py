"""Segmentation by identity: two ships on one MMSI become two segments, a wild position noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vesseltrack.params import SegmentParams
from vesseltrack.segments import isolated_positions, segment_summary, segment_tracks

T0 = pd.Timestamp("2024-01-01", tz="UTC")


def _frame(lon, lat=40.0, mmsi=445000001, minutes=10):
    n = len(lon)
    return pd.DataFrame({"mmsi": mmsi, "timestamp": T0 + pd.to_timedelta(
        np.arange(n) * minutes, unit="min"), "lon": lon, "lat": lat})


def test_alternating_far_tracks_become_two_segments():
    # ship A at 130.00°E + 0.0005° per report, ship B at 131.00°E (≈ 85 km away at 40°N),
    # reporting in turn every 10 min: 85 km in 10 min ≈ 275 kn, far over 40 kn.
    k = np.arange(20)
    lon = np.where(k % 2 == 0, 130.0 + k * 0.0005, 131.0 - k * 0.0005)
    seg = segment_tracks(_frame(lon))["segment"].to_numpy()
    assert seg.tolist() == [1, 2] * 10


def test_single_wild_position_is_noise():
    lon = [130.0, 130.01, 130.02, 135.0, 130.04, 130.05, 130.06]
    seg = segment_tracks(_frame(lon))["segment"].tolist()
    assert seg == [1, 1, 1, 0, 1, 1, 1]


def test_wild_position_next_to_a_long_silence_is_noise():
    # the wild point (131.0°E, ≈ 85 km off) is reachable from the next report 3 h later at
    # 28 kn, but its neighbours continue each other (0.02° ≈ 1.7 km in 3 h 10 min) and it has
    # no partner: it is noise, and the track stays one segment.
    t = T0 + pd.to_timedelta([0, 10, 20, 200, 210, 220], unit="min")
    p = pd.DataFrame({"mmsi": 445000001, "timestamp": t,
                      "lon": [130.0, 130.005, 131.0, 130.02, 130.025, 130.03], "lat": 40.0})
    assert segment_tracks(p)["segment"].tolist() == [1, 1, 0, 1, 1, 1]


EXCURSION = [130.0, 130.01, 130.02, 131.0, 131.0, 131.0, 131.0, 131.0, 130.08, 130.09]
"""A 5-report excursion 1° (≈ 85 km) east, 15 min apart (jamming), and back."""


def test_excursion_is_a_segment_of_its_own():
    s = segment_tracks(_frame(EXCURSION, minutes=15))
    assert s["segment"].tolist() == [1, 1, 1, 2, 2, 2, 2, 2, 1, 1]


def test_excursion_and_return_switch_once_each_way():
    summary = segment_summary(segment_tracks(_frame(EXCURSION, minutes=15)))
    assert summary["switches"].tolist() == [1, 1]


def test_short_segment_below_minimum_is_noise():
    # two consecutive reports 1° off partner each other but make only 2 < 3 positions
    lon = [130.0, 130.01, 131.0, 131.0, 130.04, 130.05]
    seg = segment_tracks(_frame(lon), SegmentParams(min_segment_positions=3))["segment"]
    assert seg.tolist() == [1, 1, 0, 0, 1, 1]


def test_isolated_positions_flags_only_the_wild_one():
    lon = np.array([130.0, 130.01, 135.0, 130.03])
    t = np.arange(4) * 600.0
    out = isolated_positions(np.full(4, 1), t, lon, np.full(4, 40.0))
    assert out.tolist() == [False, False, True, False]


def test_vessels_are_segmented_apart():
    a = _frame([130.0, 130.01, 130.02], mmsi=1)
    b = _frame([140.0, 140.01, 140.02], mmsi=2)
    s = segment_tracks(pd.concat([b, a], ignore_index=True))
    assert list(zip(s["mmsi"], s["segment"], strict=True)) == [(1, 1)] * 3 + [(2, 1)] * 3


def test_params_are_recorded():
    s = segment_tracks(_frame([130.0, 130.01, 130.02]), SegmentParams(split_speed_knots=30.0))
    assert s.attrs["params"]["split_speed_knots"] == pytest.approx(30.0)


def test_wild_first_position_is_noise():
    lon = np.array([135.0, 130.0, 130.01, 130.02])
    t = np.arange(4) * 600.0
    out = isolated_positions(np.full(4, 1), t, lon, np.full(4, 40.0))
    assert out.tolist() == [True, False, False, False]


def test_identity_thresholds_are_declared_once():
    from dataclasses import fields

    from vesseltrack import params as p

    classes = (p.TrackParams, p.SpeedParams, p.GapParams, p.PortCallParams, p.DarkCallParams,
               p.CargoParams, p.SegmentParams, p.IdentityParams, p.WatchlistParams)
    names = [f.name for c in classes for f in fields(c)
             if f.name not in ("gaps", "speed", "segments")]
    assert len(names) == len(set(names))
