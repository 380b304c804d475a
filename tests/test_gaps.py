"""Unit tests of vesseltrack.gaps.detect_gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _builders import (
    BERTH,
    FAR_SEA,
    SEA,
    T0,
    dark,
    dark_to,
    hourly_draught,
    make_ports,
    make_positions,
    make_track,
    sail,
    stay,
)

from vesseltrack.gaps import GAP_COLUMNS, detect_gaps
from vesseltrack.params import PortCallParams
from vesseltrack.tracks import clean_tracks

TERM = "Vostochny oil terminal"


@pytest.mark.parametrize(("silence_hours", "n_gaps"), [(5.9, 0), (6.0, 1), (30.0, 1)])
def test_gap_threshold(silence_hours, n_gaps):
    trk = make_track(273_000_001, SEA, [stay(1, 5.0), dark(silence_hours), stay(1, 5.0)])
    assert len(detect_gaps(clean_tracks(trk))) == n_gaps


def test_gap_columns_and_values():
    # 20 h of silence while moving 0.5 deg north (30 nm): implied 1.5 kn
    trk = make_track(273_000_009, SEA, [stay(1, 5.0), dark_to(SEA[0], SEA[1] + 0.5, 20), stay(1, 5.0)])
    gaps = detect_gaps(clean_tracks(trk))
    assert tuple(gaps.columns) == GAP_COLUMNS
    (g,) = gaps.itertuples()
    assert g.mmsi == 273_000_009 and g.duration_hours == pytest.approx(20.0)
    assert g.start == T0 + pd.Timedelta(hours=1)
    assert (g.start_lon, g.start_lat, g.end_lon, g.end_lat) == pytest.approx(
        (SEA[0], SEA[1], SEA[0], SEA[1] + 0.5))
    assert g.distance_nm == pytest.approx(30.02, abs=0.05)
    assert g.implied_speed_knots == pytest.approx(1.5, abs=0.01)
    assert np.isnan(g.draught_before_m) and g.reachable_ports == ""
    assert gaps.attrs["params"] == {"min_gap_hours": 6.0, "observed_silence_hours": 6.0,
                                    "max_speed_knots": 12.0,
                                    "min_dwell_hours": 2.0, "draught_lookahead_hours": 24.0}


def test_draught_before_and_after():
    trk = make_track(273_000_001, SEA, [stay(1, 5.0), dark(24), stay(1, 5.0)])
    statics = hourly_draught(273_000_001, T0, T0 + pd.Timedelta(hours=26),
                             [(T0, 2.5), (T0 + pd.Timedelta(hours=10), 5.5)])
    statics = statics.loc[(statics["timestamp"] <= T0 + pd.Timedelta(hours=1))
                          | (statics["timestamp"] >= T0 + pd.Timedelta(hours=25))]
    (g,) = detect_gaps(clean_tracks(trk), statics).itertuples()
    assert (g.draught_before_m, g.draught_after_m) == (2.5, 5.5)


def _one_report(mmsi, when, draught_m):
    return pd.DataFrame({"mmsi": [mmsi], "timestamp": [when], "draught_m": [draught_m]})


@pytest.mark.parametrize(
    ("in_gap_hours", "in_gap_m", "expected_after_m"),
    [
        # Positions every 12 min to T0+1 h, silence to T0+25 h (midpoint T0+13 h), positions
        # again from T0+25 h; 5.5 m is reported 4 s after the first position after the silence.
        (1.01, 2.5, 5.5),   # 36 s after the last position, the old draught: not the after
        (12.9, 2.5, 5.5),   # still in the first half: the look-ahead finds 5.5 m
        (13.1, 4.0, 4.0),   # in the second half: the draught the ship left the silence with
        (24.99, 4.0, 4.0),  # 36 s before the first position after it (a change-only archive)
    ],
)
def test_draught_after_a_gap_is_the_one_reported_near_its_end(in_gap_hours, in_gap_m,
                                                               expected_after_m):
    trk = make_track(273_000_001, SEA, [stay(1, 5.0), dark(24), stay(1, 5.0)])
    statics = pd.concat([
        _one_report(273_000_001, T0, 2.5),
        _one_report(273_000_001, T0 + pd.Timedelta(hours=in_gap_hours), in_gap_m),
        _one_report(273_000_001, T0 + pd.Timedelta(hours=25, seconds=4), 5.5),
    ], ignore_index=True)
    statics = statics.loc[statics["timestamp"] != statics["timestamp"].iloc[2]] if (
        in_gap_hours > 13.0) else statics  # second-half cases: nothing after the silence
    (g,) = detect_gaps(clean_tracks(trk), statics).itertuples()
    assert (g.draught_before_m, g.draught_after_m) == (2.5, expected_after_m)


@pytest.mark.parametrize(
    ("start", "hours", "reachable"),
    [
        (SEA, 30.0, True),       # 23 nm out, 30 h: plenty of time
        (SEA, 5.9, False),       # not even a gap
        (SEA, 5.6 + 2.0, True),  # 2 x 23 nm at 12 kn = 3.9 h + 2 h dwell < 7.6 h
        (FAR_SEA, 20.0, False),  # 2 x ~140 nm at 12 kn = 23 h
        (FAR_SEA, 30.0, True),
    ],
)
def test_reachable_ports_need_time_to_sail_and_dwell(start, hours, reachable):
    trk = make_track(273_000_001, start, [stay(1, 5.0), dark(hours), stay(1, 5.0)])
    gaps = detect_gaps(clean_tracks(trk), ports=make_ports(("terminal", "anchorage")))
    if hours < 6:
        assert gaps.empty
        return
    (g,) = gaps.itertuples()
    assert (TERM in g.reachable_ports.split(";")) is reachable


def test_min_dwell_decides_a_borderline_gap():
    # round trip SEA -> terminal -> SEA is 2 x ~22.6 nm: 3.77 h at 12 kn
    trk = make_track(273_000_001, SEA, [stay(1, 5.0), dark(6.5), stay(1, 5.0)])
    ports = make_ports(("terminal",))
    assert detect_gaps(trk, ports=ports)["reachable_ports"].tolist() == [TERM]
    longer_dwell = PortCallParams(min_dwell_hours=3.0)
    assert detect_gaps(trk, ports=ports, port_calls=longer_dwell)["reachable_ports"].tolist() == [""]


def test_rows_without_position_do_not_break_a_gap():
    trk = make_track(273_000_001, SEA, [stay(1, 5.0), dark(10), stay(1, 5.0)])
    blank = trk.iloc[[3]].copy()
    blank["timestamp"] = T0 + pd.Timedelta(hours=6)
    blank["lon"] = np.nan
    blank["lat"] = np.nan
    gaps = detect_gaps(clean_tracks(make_positions(trk, blank)))
    assert gaps["duration_hours"].tolist() == [pytest.approx(10.0)]


def test_in_port_silence_is_a_gap_too():
    trk = make_track(273_000_001, SEA, [sail(*BERTH, 8), stay(2), dark(10), stay(2), sail(*SEA, 8)])
    gaps = detect_gaps(clean_tracks(trk), ports=make_ports(("terminal",)))
    assert len(gaps) == 1 and gaps["reachable_ports"].iloc[0] == TERM
