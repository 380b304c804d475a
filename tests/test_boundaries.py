"""Every port-call and gap threshold on both sides of its exact boundary.

The documented comparisons (vesseltrack.ports, vesseltrack.gaps): a stop begins at a speed
<= ``stop_begin_knots`` (0.2 kn) and ends at >= ``stop_end_knots`` (0.5 kn); a visit without a
stop counts when it lasted >= ``min_dwell_hours`` (2 h); a call ends only beyond
``exit_margin_m`` (500 m) of the fence; a silence >= ``min_gap_hours`` (6 h) is a gap; a
silence inside a fence >= ``in_port_gap_hours`` (4 h) is an in-port gap; a fence is reachable in
a gap when (d_in + d_out) / max_speed + min_dwell <= duration. Speeds and times below are
exact in binary (0.5, 0.46875, 0.203125 kn; whole seconds), so "on the boundary" is exact.
"""

from __future__ import annotations

import pytest
from _builders import BERTH, make_ports, track_rows

from vesseltrack.gaps import GapParams, detect_gaps
from vesseltrack.ports import detect_port_calls
from vesseltrack.tracks import haversine_m

HOUR = 3600
TERM = "Vostochny oil terminal"
SOUTH = (133.069, 42.740)  # 0.008 deg = ~890 m south of the terminal: beyond the margin
NORTH_EDGE_LAT = 42.756    # the terminal's northern edge
PORTS = make_ports(("terminal",))


def _terminal_calls(rows):
    return detect_port_calls(track_rows(445000001, rows), PORTS)


def _one_hour_visit(speed_knots, before_knots=8.0):
    """Outside at t=0 (speed ``before_knots``), inside at 1, 1.5 and 2 h (``speed_knots``),
    outside at 3 h: one hour inside, half the minimum dwell."""
    return [(0, *SOUTH, before_knots),
            (1 * HOUR, *BERTH, speed_knots), (1.5 * HOUR, *BERTH, speed_knots),
            (2 * HOUR, *BERTH, speed_knots), (3 * HOUR, *SOUTH, 8.0)]


@pytest.mark.parametrize(("speed_knots", "calls"), [(0.2, 1), (0.203125, 0)])
def test_stop_begins_at_or_below_stop_begin_knots(speed_knots, calls):
    # a short visit counts only with a stop; 0.2 kn starts one, 0.203125 kn does not
    assert len(_terminal_calls(_one_hour_visit(speed_knots))) == calls


@pytest.mark.parametrize(("speed_knots", "calls"), [(0.5, 0), (0.46875, 1)])
def test_stop_ends_at_or_above_stop_end_knots(speed_knots, calls):
    # stopped (0 kn) just before entering; inside, 0.5 kn ends the stop (a one-hour visit
    # without a stop is no call), 0.46875 kn keeps it (hysteresis: the stop goes on)
    assert len(_terminal_calls(_one_hour_visit(speed_knots, before_knots=0.0))) == calls


@pytest.mark.parametrize(("dwell_s", "calls"), [(2 * HOUR, 1), (2 * HOUR - 1, 0)])
def test_minimum_dwell_boundary(dwell_s, calls):
    # moving at 5 kn inside (no stop): first inside at 1 h, last inside dwell_s later
    rows = [(0, *SOUTH, 8.0), (HOUR, *BERTH, 5.0), (HOUR + dwell_s / 2, *BERTH, 5.0),
            (HOUR + dwell_s, *BERTH, 5.0), (2 * HOUR + dwell_s, *SOUTH, 8.0)]
    assert len(_terminal_calls(rows)) == calls


@pytest.mark.parametrize(("beyond_edge_m", "calls"), [(499.5, 1), (500.5, 2)])
def test_exit_margin_boundary(beyond_edge_m, calls):
    # stopped 4 h at the berth, then 2 h at a point beyond_edge_m north of the fence, then
    # 2 h moving at the berth again: within the 500 m margin that is one call, beyond it two
    m_per_deg_lat = float(haversine_m(133.069, 0.0, 133.069, 1.0))
    out = (133.069, NORTH_EDGE_LAT + beyond_edge_m / m_per_deg_lat)
    rows = [(0, *SOUTH, 8.0)]
    rows += [(h * HOUR, *BERTH, 0.0) for h in range(1, 6)]
    rows += [(6 * HOUR, *out, 5.0), (7 * HOUR, *out, 5.0)]
    rows += [(h * HOUR, *BERTH, 5.0) for h in range(8, 11)]
    rows += [(11 * HOUR, *SOUTH, 8.0)]
    assert len(_terminal_calls(rows)) == calls


@pytest.mark.parametrize(("silence_s", "confidence"), [(4 * HOUR, 4), (4 * HOUR - 1, 3)])
def test_in_port_gap_boundary(silence_s, confidence):
    # entry and exit observed (1 h outside), moving inside (no stop): 1 + 1 + 1, plus one
    # for an in-port gap of at least 4 h
    rows = [(0, *SOUTH, 8.0), (HOUR, *BERTH, 5.0), (HOUR + silence_s, *BERTH, 5.0),
            (2 * HOUR + silence_s, *BERTH, 5.0), (3 * HOUR + silence_s, *SOUTH, 8.0)]
    assert _terminal_calls(rows)["confidence"].tolist() == [confidence]


@pytest.mark.parametrize(("silence_s", "estimated"), [(6 * HOUR, True), (6 * HOUR - 1, False)])
def test_arrival_estimated_across_a_gap_of_at_least_min_gap_hours(silence_s, estimated):
    # last seen ~890 m south of the fence, then silent for silence_s, then stopped inside
    rows = [(0, *SOUTH, 8.0)] + [(silence_s + h * HOUR, *BERTH, 0.0) for h in range(4)]
    rows += [(silence_s + 4 * HOUR, *SOUTH, 8.0)]
    assert _terminal_calls(rows)["arrival_estimated"].tolist() == [estimated]


@pytest.mark.parametrize(("silence_s", "gaps"), [(6 * HOUR, 1), (6 * HOUR - 1, 0)])
def test_gap_length_boundary(silence_s, gaps):
    rows = [(0, *SOUTH, 8.0), (HOUR, *SOUTH, 8.0), (HOUR + silence_s, *SOUTH, 8.0)]
    assert len(detect_gaps(track_rows(445000001, rows))) == gaps


@pytest.mark.parametrize(("silence_s", "reachable"), [(2 * HOUR, TERM), (2 * HOUR - 1, "")])
def test_reachable_fence_boundary(silence_s, reachable):
    # a gap that begins and ends at the berth (0 nm from the fence): reachable when
    # 0 / 12 kn + 2 h <= duration (gaps from 1 h here, to reach the boundary)
    rows = [(0, *BERTH, 0.0), (silence_s, *BERTH, 0.0)]
    gaps = detect_gaps(track_rows(445000001, rows), ports=PORTS,
                       params=GapParams(min_gap_hours=1.0))
    assert gaps["reachable_ports"].tolist() == [reachable]
