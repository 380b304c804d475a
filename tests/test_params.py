"""The parameter classes: the port-call gap rule, shared concepts, the record results carry."""

from __future__ import annotations

import pytest

from vesseltrack.params import (
    CargoParams,
    CountParams,
    DarkCallParams,
    GapParams,
    PortCallParams,
    SegmentParams,
    SpeedParams,
    TrackParams,
)


@pytest.mark.parametrize(("min_gap_hours", "observed_hours", "expected"),
                         [(3.0, 6.0, 3.0), (12.0, 6.0, 6.0), (6.0, 4.5, 4.5)])
def test_port_call_gap_is_the_shorter_of_the_two_silences(min_gap_hours, observed_hours,
                                                          expected):
    gaps = GapParams(min_gap_hours=min_gap_hours, observed_silence_hours=observed_hours)
    assert gaps.port_call_gap_hours == expected


def test_count_params_share_the_port_calls_gap_and_speed_objects():
    gaps, speed = GapParams(min_gap_hours=9.0), SpeedParams(max_speed_knots=15.0)
    params = CountParams(port_calls=PortCallParams(gaps=gaps, speed=speed))
    assert (params.gaps is gaps, params.speed is speed) == (True, True)


def test_record_holds_each_concept_once_with_its_values():
    params = CountParams(
        tracks=TrackParams(min_jump_m=800.0),
        port_calls=PortCallParams(exit_margin_m=300.0, gaps=GapParams(min_gap_hours=9.0),
                                  speed=SpeedParams(max_speed_knots=15.0)),
        dark=DarkCallParams(sighting_match_hours=6.0),
        cargo=CargoParams(loaded_rise_m=1.5),
    )
    rec = params.record()
    assert list(rec) == ["tracks", "port_calls", "gaps", "speed", "dark", "cargo", "draught",
                         "voyages"]
    assert (rec["tracks"]["min_jump_m"], rec["port_calls"]["exit_margin_m"],
            rec["gaps"]["min_gap_hours"], rec["speed"]["max_speed_knots"],
            rec["dark"]["sighting_match_hours"], rec["cargo"]["loaded_rise_m"]) == (
        800.0, 300.0, 9.0, 15.0, 6.0, 1.5)
    assert "gaps" not in rec["port_calls"] and "speed" not in rec["port_calls"]


def test_record_holds_the_segment_parameters_when_shared_mmsis_are_split():
    params = CountParams(segments=SegmentParams(split_speed_knots=30.0, isolation_lags=4))
    rec = params.record()
    assert list(rec)[-1] == "segments"
    assert (rec["segments"]["split_speed_knots"], rec["segments"]["split_distance_m"],
            rec["segments"]["isolation_lags"]) == (30.0, 500.0, 4)
